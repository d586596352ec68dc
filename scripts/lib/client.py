"""For the Python checkers: one HTTP exchange with the server under test."""

import json
import urllib.error
import urllib.request


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def content_type(self):
        return self.headers.get("Content-Type", "")

    def json(self):
        return json.loads(self.body)


def request(base, path, method="GET", headers=None, body=None, json_body=None, timeout=10):
    """Sends METHOD BASE+PATH (JSON_BODY as application/json, or BODY as bytes) and
    returns the Response whatever its status (an error status is an answer too)."""
    headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers.setdefault("Content-Type", "application/json")
    message = urllib.request.Request(base + path, data=body, method=method.upper(), headers=headers)
    try:
        with urllib.request.urlopen(message, timeout=timeout) as answer:
            return Response(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())

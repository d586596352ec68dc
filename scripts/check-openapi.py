#!/usr/bin/env python3
"""Checks openapi.yaml, and real responses of a running server against it.

    scripts/check-openapi.py                      # validate the document (OpenAPI 3.1)
    scripts/check-openapi.py --server URL         # also fetch every GET example and validate the bodies

Every response's status must be documented for its operation, and a JSON body
must validate against the documented schema (jsonschema, with the document's
components for $ref). Exits non-zero on the first mismatch it reports.
"""
import argparse
import json
import os
import sys

import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import client  # noqa: E402  (scripts/lib/client.py)

class UniqueKeyLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice in one mapping (safe_load keeps the last, silently)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = sorted({str(key) for key in keys if keys.count(key) > 1})
        if repeated:
            raise yaml.constructor.ConstructorError(
                None, None, f"key given twice: {', '.join(repeated)}", node.start_mark)
        return super().construct_mapping(node, deep)


# (path, expected status[, request headers]): successful and failing requests for each GET operation.
REQUESTS = [
    ("/healthz", 200),
    ("/v1/injections", 200),
    ("/v1/injections/epidural-steroid", 200),
    ("/v1/injections/spinal-tap", 404),
    ("/v1/side-effects", 200),
    ("/v1/side-effects?injection=trigger-point&limit=3", 200),
    ("/v1/side-effects?q=numb%20legs", 200),
    ("/v1/side-effects?q=zzzzqqq", 200),
    ("/v1/side-effects?injection=spinal-tap", 422),
    ("/v1/side-effects?limit=0", 422),
    ("/v1/side-effects/epidural-hematoma", 200),
    ("/v1/side-effects/no-such-thing", 404),
    ("/v1/symptoms", 200),
    ("/v1/conditions", 200),
    ("/v1/sources", 200),
    ("/openapi.yaml", 200),
    ("/v1/clinic", 200),
    ("/problems", 200),
    ("/problems/invalid-body", 200),
    ("/problems/invalid-body", 200, {"Accept": "text/html"}),
    ("/problems/no-such-problem", 404),
    ("/v1/side-effects?medications=corticosteroid&levels=emergency", 200),
    ("/v1/side-effects?medication=corticosteroid&medications=corticosteroid", 422),
    ("/v1/checklists/post-procedure?injection=facet-joint&format=fhir", 200),
    ("/metrics", 200),
    ("/v1/triage/rules", 200),
    ("/v1/triage/rules", 200, {"Accept": "text/html"}),
    ("/v1/checklists/pre-procedure?injection=epidural-steroid&conditions=diabetes", 200),
    ("/v1/checklists/post-procedure?injection=facet-joint&sedation=true", 200),
    ("/v1/checklists/someday?injection=facet-joint", 404),
    ("/v1/checklists/pre-procedure?injection=facet-joint&conditions=diabetic", 422),
]

# (path, JSON body, expected status) for POST operations.
POSTS = [
    ("/v1/triage", {"injection": "facet-joint", "hoursSinceInjection": 2, "symptoms": ["seizure"]}, 200),
    ("/v1/triage", {"injection": "epidural-steroid", "approach": "interlaminar", "hoursSinceInjection": 30,
                    "symptoms": ["injection-site-redness", {"code": "fever", "severity": "moderate"}],
                    "temperatureC": 38.4, "conditions": ["diabetes"], "bloodGlucoseMgDl": 250}, 200),
    ("/v1/triage", {"injection": "facet-joint", "hoursSinceInjection": 2}, 200),
    ("/v1/triage", {"injection": "epidural-steroid", "hoursSinceInjection": 20, "symptoms": ["headache"],
                    "absentSymptoms": ["confusion"], "unknown": ["any-of:allergy", "temperatureF"],
                    "noOtherSymptoms": False, "bloodGlucoseMmolL": 3.4}, 200),
    ("/v1/triage", {"injection": "facet-joint", "hoursSinceInjection": -1, "symptoms": ["numb-legs"]}, 422),
    ("/v1/checklists/pre-procedure/review", {"injection": "facet-joint", "temperatureC": 38.4}, 200),
    ("/v1/checklists/pre-procedure/review", {"injection": "facet-joint"}, 200),
    ("/v1/checklists/pre-procedure/review", {"injection": "facet-joint", "symptoms": ["bowel-bladder-loss"],
                                             "systolicBloodPressure": 185, "bloodGlucoseMgDl": 65}, 200),
]


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=UniqueKeyLoader)


def operation_for(spec, path, method="get"):
    """The spec path template and operation matching a concrete path."""
    bare = path.split("?", 1)[0]
    parts = bare.strip("/").split("/")
    for template, item in spec["paths"].items():
        tparts = template.strip("/").split("/")
        if len(tparts) == len(parts) and all(t.startswith("{") or t == p for t, p in zip(tparts, parts)):
            return template, item.get(method)
    return None, None


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"].removeprefix("urn:spec")
        target = spec
        for key in ref.lstrip("#/").split("/"):
            target = target[key]
        node = target
    return node


def check_server(spec, base):
    registry = Registry().with_resource("urn:spec", DRAFT202012.create_resource(spec))
    failures = 0
    cases = [("get", path, None, expected, headers) for path, expected, *more in REQUESTS for headers in [dict(*more)]]
    cases += [("post", path, body, expected, {}) for path, body, expected in POSTS]
    for method, path, body, expected, headers in cases:
        template, operation = operation_for(spec, path, method)
        if operation is None:
            print(f"FAIL {path}: no {method.upper()} operation in the spec")
            failures += 1
            continue
        response = client.request(base, path, method, headers=headers, json_body=body)
        status, body, ctype = response.status, response.body, response.content_type
        if status != expected:
            print(f"FAIL {path}: status {status}, expected {expected}")
            failures += 1
            continue
        responses = operation["responses"]
        documented = resolve(spec, responses.get(str(status)) or responses.get("default"))
        if documented is None:
            print(f"FAIL {path}: status {status} is not documented for {method.upper()} {template}")
            failures += 1
            continue
        media = ctype.split(";")[0].strip()
        content = documented.get("content", {})
        if media not in content:
            print(f"FAIL {path}: content type {media!r} not documented ({sorted(content)})")
            failures += 1
            continue
        schema = content[media].get("schema")
        if schema and media.endswith("json"):
            validator = Draft202012Validator(
                {"$schema": "https://json-schema.org/draft/2020-12/schema", **rewrite_refs(schema)},
                registry=registry,
            )
            errors = sorted(validator.iter_errors(json.loads(body)), key=lambda e: list(e.path))
            if errors:
                print(f"FAIL {path}: {errors[0].message} at {list(errors[0].path)}")
                failures += 1
                continue
        print(f"ok   {method.upper():4} {path} -> {status} {media}")
    return failures


def rewrite_refs(node):
    """Points local '#/components/…' references at the registered document."""
    if isinstance(node, dict):
        return {k: ("urn:spec" + v if k == "$ref" and v.startswith("#/") else rewrite_refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [rewrite_refs(v) for v in node]
    return node


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", default="openapi.yaml")
    parser.add_argument("--server", help="base URL of a running server, e.g. http://127.0.0.1:8080")
    args = parser.parse_args()
    spec = load(args.spec)
    validate(spec)
    print(f"ok   {args.spec} is a valid OpenAPI {spec['openapi']} document")
    if args.server:
        spec = rewrite_refs(spec)
        failures = check_server(spec, args.server.rstrip("/"))
        if failures:
            print(f"{failures} response(s) do not match the spec")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus and dictionaries from the repository's tests.

    python3 Fuzz/make-corpus.py

Fuzz/corpus/http/  every case of the parser tables (RequestParserTests and
                   RequestParserConformanceTests, with the table's limits), each
                   valid one also fed in pieces, and the requests of the invalid
                   vignettes as a client sends them
Fuzz/corpus/json/  the triage vignettes' bodies, the invalid vignettes' bodies,
                   every JSON body literal of the API tests (triage, review and
                   FHIR QuestionnaireResponse), the triage and review rule
                   tables' bodies, and a full QuestionnaireResponse
Fuzz/http.dict, Fuzz/json.dict   libFuzzer dictionaries: methods, header names
                   and framing tokens; member names, link ids and every code of
                   the vocabulary

The HTTP seeds carry the two-byte prefix FuzzHTTPParser reads (limits, number
of cuts, cuts); see Fuzz/README.md. Re-run after changing those tables and
commit the result; file names are stable, so unchanged cases stay unchanged.
"""
import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "Fuzz"
HTTP_MAX = 16 * 1024
JSON_MAX = 8 * 1024

# Limits selectors of FuzzHTTPParser (two bits each: body, header bytes, fields, target).
DEFAULT_LIMITS = 0xFF  # 1 KiB body (the server's 1 MiB is out of reach), 16 KiB head, 100 fields, 8 KiB target
SMALL_LIMITS = 0xAA  # the conformance table's smallLimits: 32-byte body, 256-byte head, 5 fields, 64-byte target


# MARK: - Swift string expressions of the test tables

class SwiftExpression:
    """Evaluates the string expressions the test tables use: literals,
    `+` and `String(repeating: …, count: N)`."""

    def __init__(self, text):
        self.text = text
        self.index = 0

    def skip(self):
        while self.index < len(self.text) and self.text[self.index] in " \t\r\n":
            self.index += 1

    def parse(self):
        value = self.term()
        self.skip()
        while self.text.startswith("+", self.index):
            self.index += 1
            value += self.term()
            self.skip()
        return value

    def term(self):
        self.skip()
        if self.text.startswith('"', self.index):
            return self.literal()
        if self.text.startswith("String(repeating:", self.index):
            self.index += len("String(repeating:")
            repeated = self.parse()
            self.skip()
            match = re.compile(r",\s*count:\s*(\d+)\s*\)").match(self.text, self.index)
            if not match:
                raise ValueError(f"unexpected text: {self.text[self.index:self.index + 40]!r}")
            self.index = match.end()
            return repeated * int(match.group(1))
        raise ValueError(f"unexpected text: {self.text[self.index:self.index + 40]!r}")

    def literal(self):
        self.index += 1
        out = []
        while True:
            char = self.text[self.index]
            if char == '"':
                self.index += 1
                return "".join(out)
            if char == "\\":
                escape = self.text[self.index + 1]
                if escape == "u":
                    end = self.text.index("}", self.index)
                    out.append(chr(int(self.text[self.index + 3:end], 16)))
                    self.index = end + 1
                    continue
                out.append({"r": "\r", "n": "\n", "t": "\t", '"': '"', "\\": "\\", "0": "\0"}[escape])
                self.index += 2
                continue
            out.append(char)
            self.index += 1


def table_cases(path, field):
    """(name, request text, uses smallLimits) of every `Case(` in a test table."""
    source = path.read_text()
    cases = []
    for match in re.finditer(r"\bCase\(", source):
        start = match.end()
        name_match = re.compile(r'\s*name:\s*').match(source, start)
        if not name_match:
            continue
        name_expression = SwiftExpression(source)
        name_expression.index = name_match.end()
        name = name_expression.parse()
        field_match = re.compile(r",\s*" + field + r":\s*").match(source, name_expression.index)
        expression = SwiftExpression(source)
        expression.index = field_match.end()
        request = expression.parse()
        ends = [i for i in (source.find("Case(", expression.index), source.find("\n    ]", expression.index)) if i >= 0]
        tail = source[expression.index:min(ends)]
        cases.append((name, request, "smallLimits" in tail))
    return cases


# MARK: - Files

def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def write(directory, name, data):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def http_seed(limits, request, cuts=()):
    return bytes([limits, len(cuts)]) + bytes(cuts) + request


def pieces_for(request):
    """Cut lengths that put piece boundaries inside the request line, the head's
    end and the body: a few bytes, then up to the CRLF CRLF, then one byte."""
    head_end = request.find(b"\r\n\r\n")
    first = min(5, len(request))
    second = max(0, min(255, head_end + 3 - first)) if head_end >= 0 else min(255, len(request) // 2)
    return (first, second, 1, 0, 2)


def http_corpus(directory):
    count = 0
    for path, field in [
        (ROOT / "Tests/HTTPServerTests/RequestParserTests.swift", "bytes"),
        (ROOT / "Tests/HTTPServerTests/RequestParserConformanceTests.swift", "request"),
    ]:
        valid = path.name == "RequestParserTests.swift"
        for name, request, small in table_cases(path, field):
            data = request.encode("utf-8")
            limits = SMALL_LIMITS if small else DEFAULT_LIMITS
            prefix = "valid" if valid else "reject"
            write(directory, f"{prefix}-{slug(name)}", http_seed(limits, data))
            count += 1
            if valid:
                write(directory, f"{prefix}-{slug(name)}-in-pieces", http_seed(limits, data, pieces_for(data)))
                write(directory, f"{prefix}-{slug(name)}-small-limits", http_seed(SMALL_LIMITS, data))
                count += 2
    # A few requests of the API as clients send them.
    api = [
        ("get-side-effects-query", b"GET /v1/side-effects?injection=epidural-steroid&limit=5 HTTP/1.1\r\nHost: api.example\r\n"
         b"Accept: application/json\r\nUser-Agent: portal/1.0\r\n\r\n"),
        ("post-triage", b'POST /v1/triage HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/json\r\n'
         b'Content-Length: 58\r\n\r\n{"injection":"facet-joint","hoursSinceInjection":3}\n      '),
        ("post-review-chunked-expect", b"POST /v1/checklists/pre-procedure/review HTTP/1.1\r\nHost: api.example\r\n"
         b"Content-Type: application/json\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"
         b'1b\r\n{"injection":"facet-joint"}\r\n0\r\n\r\n'),
        ("http10-keep-alive-pipelined", b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
         b"HEAD /readyz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
        ("options-preflight", b"OPTIONS /v1/triage HTTP/1.1\r\nHost: a\r\nOrigin: https://portal.example\r\n"
         b"Access-Control-Request-Method: POST\r\n\r\n"),
    ]
    for name, data in api:
        write(directory, f"api-{name}", http_seed(DEFAULT_LIMITS, data))
        write(directory, f"api-{name}-in-pieces", http_seed(DEFAULT_LIMITS, data, pieces_for(data)))
        count += 2
    # The invalid vignettes as the runner sends them (Host, Content-Length, Connection: close).
    for case in json.loads((ROOT / "Tests/Fixtures/vignettes/invalid.json").read_text())["cases"]:
        body = vignette_body(case)
        head = f"{case['method']} {case['path']} HTTP/1.1\r\nHost: localhost\r\n"
        for header, value in (case.get("headers") or {}).items():
            head += f"{header}: {value}\r\n"
        if body is not None:
            head += f"Content-Length: {len(body)}\r\n"
        data = (head + "Connection: close\r\n\r\n").encode() + (body or b"")
        if len(data) + 2 <= HTTP_MAX:
            write(directory, f"vignette-{slug(case['id'])}", http_seed(DEFAULT_LIMITS, data))
            count += 1
    return count


def vignette_body(case):
    if case.get("bodyBase64") is not None:
        return base64.b64decode(case["bodyBase64"])
    if case.get("bodyGenerate") is not None:
        g = case["bodyGenerate"]
        return (g.get("prefix", "") + g.get("repeat", "") * g["count"] + g.get("middle", "")
                + g.get("suffixRepeat", "") * g["count"] + g.get("suffix", "")).encode()
    if case.get("body") is not None:
        return case["body"].encode()
    return None


def json_corpus(directory):
    bodies = {}
    triage = json.loads((ROOT / "Tests/Fixtures/vignettes/triage.json").read_text())
    for case in triage["cases"]:
        bodies[f"triage-{slug(case['id'])}"] = json.dumps(case["request"]).encode()
    for case in json.loads((ROOT / "Tests/Fixtures/vignettes/invalid.json").read_text())["cases"]:
        body = vignette_body(case)
        if body is not None and case["method"] == "POST":
            bodies[f"invalid-{slug(case['id'])}"] = body[:JSON_MAX]
    # Every JSON body literal (#"{…}"#) of the API tests: triage, review and FHIR.
    for path in sorted((ROOT / "Tests/InjectionSafetyAPITests").glob("*.swift")):
        source = path.read_text()
        for literal in re.findall(r'#"(\{.*?\})"#', source):
            if "\\#(" in literal:  # interpolated: not a body by itself
                continue
            digest = hashlib.sha1(literal.encode()).hexdigest()[:10]
            bodies[f"test-{slug(path.stem)}-{digest}"] = literal.encode()
    # The bodies of the triage and review rule tables, as a client sends them.
    for kind in ("triage", "review"):
        table = json.loads((ROOT / f"Sources/InjectionSafety/Resources/knowledge/{kind}-rule-table.json").read_text())
        for row in table["rows"]:
            body = json.dumps(row["request"], ensure_ascii=False).encode()
            bodies[f"{kind}-rule-{row['rule']}-{hashlib.sha1(body).hexdigest()[:10]}"] = body
    # The full answer scripts/check-fhir.py validates as R4B and sends for review.
    full = json.loads((ROOT / "Tests/Fixtures/fhir/questionnaire-response-full.json").read_text())
    bodies["fhir-questionnaire-response-full"] = json.dumps(full).encode()
    # The check-in answer scripts/check-fhir.py validates as R4B and sends to triage.
    check_in = json.loads((ROOT / "Tests/Fixtures/fhir/check-in-response.json").read_text())
    bodies["fhir-check-in-response"] = json.dumps(check_in).encode()
    # The CDS Hooks requests, as an EHR sends them (dates fixed: the corpus must not change by the day).
    for path in sorted((ROOT / "Tests/Fixtures/cds").glob("*.json")):
        if path.name.endswith(".schema.json"):
            continue
        text = re.sub(r"\{\{daysAgo:\d+\}\}", "2026-11-01", path.read_text())
        bodies[f"cds-{path.stem}"] = json.dumps(json.loads(text)["request"]).encode()
    # One minimal QuestionnaireResponse per question: few nodes, so a mutation hits the answer.
    answers = [("blood-glucose", {"valueDecimal": 250}), ("fever", {"valueBoolean": True}),
               ("temperature", {"valueDecimal": 38.4}), ("steroid-injections", {"valueInteger": 2}),
               ("sedation", {"valueBoolean": False}), ("condition-diabetes", {"valueBoolean": True}),
               ("systolic-blood-pressure", {"valueDecimal": 185}), ("new-symptoms", {"valueBoolean": True}),
               ("symptoms", {"valueCoding": {"code": "leg-weakness"}})]
    for link_id, answer in answers:
        bodies[f"fhir-answer-{link_id}"] = json.dumps({
            "resourceType": "QuestionnaireResponse",
            "item": [{"linkId": "injection", "answer": [{"valueCoding": {"code": "trigger-point"}}]},
                     {"linkId": link_id, "answer": [answer]}],
        }, separators=(",", ":")).encode()
    # The one repeating question, with several answers.
    bodies["fhir-answer-symptoms-several"] = json.dumps({
        "resourceType": "QuestionnaireResponse",
        "item": [{"linkId": "injection", "answer": [{"valueCoding": {"code": "facet-joint"}}]},
                 {"linkId": "new-symptoms", "answer": [{"valueBoolean": True}]},
                 {"linkId": "symptoms", "answer": [{"valueCoding": {"code": "chest-pain"}},
                                                   {"valueCoding": {"code": "difficulty-breathing"}}]}],
    }, separators=(",", ":")).encode()
    bodies["review-every-field"] = json.dumps({
        "injection": "epidural-steroid", "approach": "interlaminar", "region": "lumbar",
        "medications": ["corticosteroid", "local-anesthetic"], "sedation": True, "hoursSinceInjection": 0,
        "symptoms": ["fever", {"code": "headache", "severity": "severe", "worsening": True, "new": False}],
        "temperatureC": 38.0, "bloodGlucoseMgDl": 300, "systolicBloodPressure": 180,
        "steroidInjectionsPast12Months": 5, "conditions": ["diabetes", "anticoagulant"],
    }).encode()
    for name, body in bodies.items():
        write(directory, name, body)
    return len(bodies)


# MARK: - Dictionaries

def vocabulary():
    codes = set()
    for path in sorted((ROOT / "Sources/InjectionSafety/Vocabulary").glob("*.swift")):
        codes.update(re.findall(r'^\s*case \w+ = "([^"]+)"', path.read_text(), re.M))
    triage_decoder = (ROOT / "Sources/InjectionSafetyAPI/Triage/TriageRequestDecoder.swift").read_text()
    # The body's members: the cases of TriageRequestDecoder.Field, each named as its member.
    fields = re.search(r"enum Field: Int, CaseIterable \{(.*?)\n    \}", triage_decoder, re.S).group(1)
    for line in fields.splitlines():
        line = line.strip()
        if line.startswith("case "):
            codes.update(name.strip() for name in line[len("case "):].split(","))
    return sorted(codes)


def dictionary_line(token):
    escaped = "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else f"\\x{ord(c):02X}" for c in token)
    return f'"{escaped}"'


def write_dictionaries():
    http = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY", "HTTP/1.1", "HTTP/1.0",
            "\r\n", "\r\n\r\n", ": ", "Host: ", "Content-Length: ", "Transfer-Encoding: ", "chunked", "gzip",
            "Connection: ", "close", "keep-alive", "Expect: ", "100-continue", "Content-Type: ", "application/json",
            "application/fhir+json", "0\r\n\r\n", ";ext=1", "http://", "https://", "*", "/v1/triage", "?", "%",
            ", ", "\t", "\x00", "\x7F", "\x80"]
    lines = ["# FuzzHTTPParser: methods, framing fields and tokens (generated by Fuzz/make-corpus.py)"]
    lines += [dictionary_line(token) for token in http]
    (FUZZ / "http.dict").write_text("\n".join(lines) + "\n")
    json_tokens = ["{", "}", "[", "]", ":", ",", "true", "false", "null", "\\u0000", "\\ud83d\\ude00", "1e309",
                   "-0", "0.5", "87600", "87600.0000001", "64", "52", "1e19", "severity", "worsening", "new", "code",
                   "resourceType", "QuestionnaireResponse", "item", "linkId", "answer", "valueCoding",
                   "valueDecimal", "valueInteger", "valueBoolean", "injection", "blood-glucose", "fever",
                   "temperature", "steroid-injections", "sedation", "systolic-blood-pressure", "new-symptoms",
                   "symptoms", "condition-", "~", "/"]
    lines = ["# FuzzTriageJSON: JSON syntax, members, FHIR link ids and every code (generated by Fuzz/make-corpus.py)"]
    lines += [dictionary_line(token) for token in json_tokens]
    lines += [dictionary_line(f'"{code}"') for code in vocabulary()]
    (FUZZ / "json.dict").write_text("\n".join(lines) + "\n")


def main():
    for name in ["http", "json"]:
        shutil.rmtree(FUZZ / "corpus" / name, ignore_errors=True)
    http = http_corpus(FUZZ / "corpus/http")
    bodies = json_corpus(FUZZ / "corpus/json")
    write_dictionaries()
    print(f"Fuzz/corpus/http: {http} files, Fuzz/corpus/json: {bodies} files, Fuzz/http.dict, Fuzz/json.dict")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks that the clinic profile's JSON Schema (deploy/clinic-profile.schema.json)
and the server judge profiles alike: the schema is valid Draft 2020-12; every
valid case of Tests/Fixtures/clinic-profiles/cases.json passes the schema and
starts the server; every invalid case fails the schema and makes the server
exit 2 with a message naming the case's field.

    scripts/check-clinic-profile.py SERVER_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "deploy/clinic-profile.schema.json"
CASES = ROOT / "Tests/Fixtures/clinic-profiles/cases.json"


def start(binary, path):
    """Starts the server with the profile; returns (started, exit status, output)."""
    with tempfile.TemporaryDirectory() as work:
        ready = Path(work) / "ready"
        log = Path(work) / "log"
        with open(log, "wb") as output:
            env = {k: v for k, v in os.environ.items() if k != "CLINIC_PROFILE"}
            process = subprocess.Popen(
                [binary, "--host", "127.0.0.1", "--port", "0", "--log-format", "json", "--ready-file", str(ready),
                 "--clinic-profile", path], stdout=output, stderr=subprocess.STDOUT, env=env)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and process.poll() is None and not ready.exists():
                time.sleep(0.02)
            started = ready.exists()
            if process.poll() is None:
                process.terminate()
            status = process.wait(timeout=20)
        return started, status, log.read_text(encoding="utf-8", errors="replace")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    cases = json.loads(CASES.read_text(encoding="utf-8"))
    problems = []
    count = 0
    with tempfile.TemporaryDirectory() as work:
        for valid in (True, False):
            for case in cases["valid" if valid else "invalid"]:
                count += 1
                if "file" in case:
                    path = str(ROOT / case["file"])
                    text = Path(path).read_text(encoding="utf-8")
                else:
                    path = str(Path(work) / f"case-{count}.yaml")
                    text = case["text"]
                    Path(path).write_text(text, encoding="utf-8")
                document = yaml.safe_load(text)
                errors = list(validator.iter_errors({} if document is None else document))
                if valid and errors:
                    problems.append(f"{case['name']}: the schema refuses a valid profile: {errors[0].message}")
                if not valid:
                    if not errors:
                        problems.append(f"{case['name']}: the schema accepts an invalid profile")
                    elif not any(case["field"] in (list(e.absolute_path) + [e.message]) or case["field"] in e.message
                                 for e in errors):
                        problems.append(f"{case['name']}: the schema's errors do not name {case['field']}: "
                                        f"{[e.message for e in errors]}")
                started, status, output = start(binary, path)
                if valid and not started:
                    problems.append(f"{case['name']}: the server did not start (exit {status}): {output.strip()}")
                if not valid:
                    expected = f"{path}: {case['field']}:"
                    if started or status != 2 or expected not in output:
                        problems.append(f"{case['name']}: expected exit 2 naming '{expected}', got "
                                        f"{'a running server' if started else f'exit {status}'}: {output.strip()}")
    for line in problems:
        print(line)
    print(f"check-clinic-profile: {count} profiles, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Validates the server's FHIR output with the fhir.resources package (R4B models).

    scripts/check-fhir.py --server http://127.0.0.1:PORT

Fetches the pre-procedure Questionnaire for every injection type and checks it
against the R4B model, checks that every enableWhen names an item of the same
questionnaire and that the symptoms question offers every symptom code, then answers it with a QuestionnaireResponse (also validated)
and checks the review's decision; the same for the post-procedure check-in and
triage. CDS Hooks: every FHIR resource of the hook fixtures (Tests/Fixtures/cds)
is valid R4B, and the discovery and each answer match the CDS Hooks 2.0 schema
kept beside them.
"""
import argparse
import datetime
import re
import json
import os
import sys
from pathlib import Path

import jsonschema
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import client  # noqa: E402  (scripts/lib/client.py)

ROOT = Path(__file__).resolve().parent.parent

INJECTIONS = ["epidural-steroid", "selective-nerve-root-block", "medial-branch-block", "facet-joint",
              "sacroiliac-joint", "trigger-point"]


def link_ids(items):
    for item in items or []:
        yield item["linkId"]
        yield from link_ids(item.get("item"))


def enable_when_targets(items):
    for item in items or []:
        for condition in item.get("enableWhen", []):
            yield condition["question"]
        yield from enable_when_targets(item.get("item"))


def questionnaire(base, phase, injection, language="en"):
    """The phase's FHIR Questionnaire for the injection, in `language`: served
    as FHIR, valid R4B, saying its language, every enableWhen naming one of its
    items. Returns it and its link ids."""
    response = client.request(base, f"/v1/checklists/{phase}?injection={injection}",
                              headers={"Accept": "application/fhir+json", "Accept-Language": language})
    assert response.status == 200 and response.content_type == "application/fhir+json", response.content_type
    document = response.json()
    Questionnaire.model_validate(document)
    assert document["language"] == language, document.get("language")
    ids = set(link_ids(document["item"]))
    missing = set(enable_when_targets(document["item"])) - ids
    assert not missing, f"enableWhen names unknown items: {missing}"
    return document, ids


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True)
    base = parser.parse_args().server.rstrip("/")
    codes = [entry["id"] for entry in client.request(base, "/v1/symptoms").json()["items"]]
    for injection in INJECTIONS:
        document, ids = questionnaire(base, "pre-procedure", injection)
        symptoms = next(item for item in document["item"] if item["linkId"] == "symptoms")
        assert symptoms["type"] == "choice" and symptoms["repeats"] is True, symptoms
        assert [option["valueCoding"]["code"] for option in symptoms["answerOption"]] == codes, "symptom codes"
        print(f"ok   Questionnaire for {injection}: {len(ids)} items, valid R4B")
        for phase in ("pre-procedure", "post-procedure"):
            spanish, spanish_ids = questionnaire(base, phase, injection, "es")
            assert spanish_ids == set(link_ids(questionnaire(base, phase, injection)[0]["item"])), "Spanish link ids"
        print(f"ok   Questionnaires for {injection} in Spanish: valid R4B, the same items")

    # The same answer seeds the FHIR fuzzing corpus (Fuzz/make-corpus.py).
    answer = json.loads((ROOT / "Tests/Fixtures/fhir/questionnaire-response-full.json").read_text())
    QuestionnaireResponse.model_validate(answer)
    response = client.request(base, "/v1/checklists/pre-procedure/review", "POST",
                              headers={"Content-Type": "application/fhir+json"}, body=json.dumps(answer).encode())
    assert response.status == 200, response.status
    review = response.json()
    assert review["decision"] == "postpone", review["decision"]
    rules = {reason["ruleId"] for reason in review["reasons"]}
    # The answer chooses symptoms and a fever: they are triaged, and the answer says how soon to get care.
    assert review["triage"]["level"] == "urgent", review["triage"]
    assert "symptoms-need-care" in rules, rules
    print(f"ok   QuestionnaireResponse (valid R4B) reviewed: {review['decision']} ({', '.join(sorted(rules))})")

    # After the procedure: the check-in, whose answers POST /v1/triage triages.
    for injection in INJECTIONS:
        document, ids = questionnaire(base, "post-procedure", injection)
        symptoms = next(item for item in document["item"] if item["linkId"] == "symptoms")
        assert [item["linkId"] for item in symptoms["item"]] == [f"symptom-{code}" for code in codes], "symptoms"
        print(f"ok   check-in Questionnaire for {injection}: {len(ids)} items, valid R4B")
    answer = json.loads((ROOT / "Tests/Fixtures/fhir/check-in-response.json").read_text())
    QuestionnaireResponse.model_validate(answer)
    response = client.request(base, "/v1/triage", "POST",
                              headers={"Content-Type": "application/fhir+json"}, body=json.dumps(answer).encode())
    assert response.status == 200, (response.status, response.body)
    triage = response.json()
    assert triage["level"] == "urgent", triage["level"]
    asked = {question["id"] for question in triage["questions"]}
    assert not asked & {"headache", "stiff-neck"}, asked
    print(f"ok   check-in QuestionnaireResponse (valid R4B) triaged: {triage['level']}, "
          f"{len(triage['questions'])} questions next")
    check_cds_hooks(base)
    return 0


def fill_dates(text):
    """The fixtures' {{daysAgo:N}}: the date N days before today."""
    return re.sub(r"\{\{daysAgo:(\d+)\}\}",
                  lambda m: (datetime.date.today() - datetime.timedelta(days=int(m.group(1)))).isoformat(), text)


def fhir_resources(value):
    if isinstance(value, dict) and value.get("resourceType") == "Bundle":
        yield value
        for entry in value.get("entry", []):
            yield entry["resource"]
    elif isinstance(value, dict) and "resourceType" in value:
        yield value


def check_cds_hooks(base):
    """CDS Hooks: every FHIR resource of the hook fixtures is valid R4B (as an
    EHR would send it), and the discovery and every answer match the CDS Hooks
    2.0 schema kept in Tests/Fixtures/cds (written from the specification)."""
    schema = json.loads((ROOT / "Tests/Fixtures/cds/cds-hooks-2.0.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)

    def validator(name):
        return jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{name}"})

    discovery = client.request(base, "/cds-services").json()
    validator("discovery").validate(discovery)
    services = {service["hook"]: service["id"] for service in discovery["services"]}
    print(f"ok   CDS Hooks discovery: {len(services)} services, valid CDS Hooks 2.0")
    for path in sorted((ROOT / "Tests/Fixtures/cds").glob("*.json")):
        if path.name.endswith(".schema.json"):
            continue
        fixture = json.loads(fill_dates(path.read_text()))
        request = fixture["request"]
        count = 0
        values = [request["context"].get("draftOrders"), request["context"].get("appointments")]
        values += list((request.get("prefetch") or {}).values())
        for value in values:
            for resource in fhir_resources(value):
                get_fhir_model_class(resource["resourceType"]).model_validate(resource)
                count += 1
        response = client.request(base, f"/cds-services/{services[request['hook']]}", "POST",
                                  headers={"Content-Type": "application/json"}, body=json.dumps(request).encode())
        expected = fixture["expect"].get("status", 200)
        assert response.status == expected, (path.name, response.status, response.body[:300])
        if expected == 200:
            validator("response").validate(response.json())
        print(f"ok   {path.name}: {count} FHIR resources valid R4B; answer {response.status}"
              + (f", {len(response.json()['cards'])} cards valid CDS Hooks 2.0" if expected == 200 else ""))


if __name__ == "__main__":
    sys.exit(main())

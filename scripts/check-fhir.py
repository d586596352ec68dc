#!/usr/bin/env python3
"""Validates the server's FHIR output with the fhir.resources package (R4B models).

    scripts/check-fhir.py --server http://127.0.0.1:PORT

Fetches the pre-procedure Questionnaire for every injection type and checks it
against the R4B model, checks that every enableWhen names an item of the same
questionnaire and that the symptoms question offers every symptom code, then answers it with a QuestionnaireResponse (also validated)
and checks the review's decision.
"""
import argparse
import json
import os
import sys
from pathlib import Path

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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True)
    base = parser.parse_args().server.rstrip("/")
    codes = [entry["id"] for entry in client.request(base, "/v1/symptoms").json()["items"]]
    for injection in INJECTIONS:
        response = client.request(base, f"/v1/checklists/pre-procedure?injection={injection}",
                                  headers={"Accept": "application/fhir+json"})
        assert response.status == 200 and response.content_type == "application/fhir+json", response.content_type
        document = response.json()
        Questionnaire.model_validate(document)
        ids = set(link_ids(document["item"]))
        missing = set(enable_when_targets(document["item"])) - ids
        assert not missing, f"enableWhen names unknown items: {missing}"
        symptoms = next(item for item in document["item"] if item["linkId"] == "symptoms")
        assert symptoms["type"] == "choice" and symptoms["repeats"] is True, symptoms
        assert [option["valueCoding"]["code"] for option in symptoms["answerOption"]] == codes, "symptom codes"
        print(f"ok   Questionnaire for {injection}: {len(ids)} items, valid R4B")

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
        response = client.request(base, f"/v1/checklists/post-procedure?injection={injection}",
                                  headers={"Accept": "application/fhir+json"})
        assert response.status == 200 and response.content_type == "application/fhir+json", response.content_type
        document = response.json()
        Questionnaire.model_validate(document)
        ids = set(link_ids(document["item"]))
        missing = set(enable_when_targets(document["item"])) - ids
        assert not missing, f"enableWhen names unknown items: {missing}"
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

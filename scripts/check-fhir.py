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
import sys
import urllib.request
from pathlib import Path

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

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
    with urllib.request.urlopen(f"{base}/v1/symptoms", timeout=10) as response:
        codes = [entry["code"] for entry in json.loads(response.read())["items"]]
    for injection in INJECTIONS:
        request = urllib.request.Request(f"{base}/v1/checklists/pre-procedure?injection={injection}",
                                         headers={"Accept": "application/fhir+json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Type"] == "application/fhir+json", response.headers["Content-Type"]
            document = json.loads(response.read())
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
    request = urllib.request.Request(f"{base}/v1/checklists/pre-procedure/review", data=json.dumps(answer).encode(),
                                     headers={"Content-Type": "application/fhir+json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        review = json.loads(response.read())
    assert review["decision"] == "postpone", review["decision"]
    rules = {reason["ruleId"] for reason in review["reasons"]}
    # The answer chooses symptoms and a fever: they are triaged, and the answer says how soon to get care.
    assert review["triage"]["level"] == "urgent", review["triage"]
    assert "symptoms-need-care" in rules, rules
    print(f"ok   QuestionnaireResponse (valid R4B) reviewed: {review['decision']} ({', '.join(sorted(rules))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

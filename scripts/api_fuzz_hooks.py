"""Schemathesis hooks for scripts/api-fuzz: rules of the API that OpenAPI cannot state.

openapi.yaml states each of these rules in words. JSON Schema describes one
parameter, or one body, at a time, so it cannot say the first four; the last
two it could, but not in a form both tools here accept:

- `approach` (query of `GET /v1/checklists/{phase}`) is valid only together
  with `injection=epidural-steroid` (in the triage and review bodies the same
  rule is a `dependentSchemas`), and its `region` must be `sacral` with a
  sacroiliac-joint injection or a caudal approach;
- `format=fhir` (same operation) exists only for the `pre-procedure` phase
  (406 otherwise);
- `cursor` of `GET /v1/side-effects` is valid only with the query whose
  `nextCursor` it was (the filters are part of the cursor);
- a symptom listed twice in a triage or review body carries the same details
  both times (`uniqueItems` cannot compare items by their `code`);
- a triage or review body names no region other than `sacral` for a
  sacroiliac-joint injection or a caudal approach (JSON Schema could say it
  with `if`/`then`, which Schemathesis' generator handles poorly);
- a check-in QuestionnaireResponse (`POST /v1/triage`) answers the hours
  question, answers a severity or worsening question only under a symptom
  answered yes, gives each reading in one unit, an approach only for an
  epidural, and a sacral region where the injection or approach is sacral;
- no question of a FHIR QuestionnaireResponse appears twice (`uniqueItems`
  cannot compare items by their `linkId`, nor across nested groups);
- the answers of a QuestionnaireResponse agree: no symptom chosen twice in the
  repeating `symptoms` question, no symptoms chosen while `new-symptoms` is
  no, `new-symptoms` yes only with symptoms chosen, and no `fever` chosen
  while the fever question is no (each a 422; the schema cannot relate
  answers of different items);
- the injection question of a FHIR QuestionnaireResponse is answered: JSON
  Schema says so with `contains`, but Schemathesis 4.32.5's generator fails on
  that array ("Cannot generate an array with 1 demanded elements") after a few
  thousand cases, so openapi.yaml says it in words;
- a triage or review body gives each reading once: `temperatureC` or
  `temperatureF`, `bloodGlucoseMgDl` or `bloodGlucoseMmolL`;
- a triage body's `absentSymptoms` names no symptom that its `symptoms`
  lists, and its `unknown` holds question ids only (a symptom code, a code
  followed by `/severity`, or a reading's field name): a pattern for them
  would restate the whole symptom list;
- a list filter of `GET /v1/side-effects` is given once: `injections` or its
  deprecated spelling `injection` (and so `medications`, `frequencies`,
  `levels`), not both (422 names both);
- a CDS Hooks call names its service's own hook (`order-sign` for the order
  review, `appointment-book` for the appointment review);
- `q` of `GET /v1/side-effects` holds a letter or digit of any script
  (Unicode category L or N): JSON Schema's regular expressions would need
  `\p{L}`, which the project's OpenAPI validator (Python `re`) refuses.

So, right before a *positive* test case is sent, what breaks one of these rules
is taken out (a cursor the server handed out is sent with the query that made
it, and a missing injection answer is put in), so that "schema-valid request rejected" always means a real
disagreement between the server and the spec. Negative test cases are sent as
generated, and every check still runs on every response.
"""

import pathlib
import threading
import unicodedata

import schemathesis
import yaml
from schemathesis import GenerationMode

EPIDURAL = "epidural-steroid"

_SPEC = yaml.safe_load((pathlib.Path(__file__).resolve().parent.parent / "openapi.yaml").read_text())
_SYMPTOMS = set(_SPEC["components"]["schemas"]["Symptom"]["enum"])
_READINGS = {"temperatureC", "bloodGlucoseMgDl", "systolicBloodPressure", "temperatureF", "bloodGlucoseMmolL"}
# GET /v1/side-effects' list filters and their deprecated singular spellings.
_LIST_FILTERS = [("injections", "injection"), ("medications", "medication"), ("frequencies", "frequency"),
                 ("levels", "level")]


def _is_question_id(value):
    if not isinstance(value, str):
        return False
    code = value[: -len("/severity")] if value.endswith("/severity") else value
    return (code in _SYMPTOMS or value in _READINGS or value == "other-symptoms"
            or (value.startswith("any-of:") and len(value) > len("any-of:")))


def _with_each_reading_once(body):
    """A reading in one unit only (422 with both)."""
    if "temperatureC" in body:
        body.pop("temperatureF", None)
    if "bloodGlucoseMgDl" in body:
        body.pop("bloodGlucoseMmolL", None)


def _with_consistent_interview(body):
    """No symptom both reported and denied; `unknown` holds question ids."""
    absent = body.get("absentSymptoms")
    if isinstance(absent, list):
        symptoms = body.get("symptoms")
        reported = {_normalised(report)[0] for report in symptoms} if isinstance(symptoms, list) else set()
        body["absentSymptoms"] = [code for code in absent if code not in reported]
    unknown = body.get("unknown")
    if isinstance(unknown, list):
        body["unknown"] = [value for value in unknown if _is_question_id(value)]

# nextCursor -> the query (without cursor) of the response that carried it.
_cursors = {}
_lock = threading.Lock()


def _operation_id(case):
    return case.operation.definition.raw.get("operationId")


def _is_positive(case):
    meta = case.meta
    return meta is not None and meta.generation.mode == GenerationMode.POSITIVE


def _normalised(report):
    """A symptom report as the server compares two of them: code, severity, worsening, new."""
    if isinstance(report, dict):
        return (report.get("code"), report.get("severity"), report.get("worsening", False), report.get("new", True))
    return (report, None, False, True)


def _without_conflicting_symptoms(body):
    symptoms = body.get("symptoms")
    if not isinstance(symptoms, list):
        return
    first = {}
    kept = []
    for report in symptoms:
        details = _normalised(report)
        code = details[0]
        if not isinstance(code, str):
            kept.append(report)
            continue
        if code in first and first[code] != details:
            continue
        first.setdefault(code, details)
        kept.append(report)
    body["symptoms"] = kept


@schemathesis.hook
def before_call(context, case, kwargs):
    if not _is_positive(case):
        return
    operation_id = _operation_id(case)
    query = case.query if isinstance(case.query, dict) else None
    if operation_id == "getChecklist" and query is not None:
        if "approach" in query and query.get("injection") != EPIDURAL:
            del query["approach"]
        if query.get("region", "sacral") != "sacral" and (
                query.get("injection") == "sacroiliac-joint" or query.get("approach") == "caudal"):
            query["region"] = "sacral"
        if query.get("format") == "fhir" and (case.path_parameters or {}).get("phase") != "pre-procedure":
            del query["format"]
    elif operation_id == "listSideEffects" and query is not None:
        _check_search_text(query)
        for name, deprecated in _LIST_FILTERS:
            if name in query:
                query.pop(deprecated, None)
        if "cursor" in query:
            _continue_cursor(query)
    elif operation_id == "cdsCall" and isinstance(case.body, dict):
        # The hook is the service's own (another hook is 400).
        service = (case.path_parameters or {}).get("id")
        case.body["hook"] = "appointment-book" if service == "spinal-injection-appointment-review" else "order-sign"
    elif operation_id in ("triage", "reviewReadiness") and isinstance(case.body, dict):
        if case.body.get("resourceType") == "QuestionnaireResponse":
            _without_repeated_questions(case.body.get("item"), set())
            _with_injection_answered(case.body)
            if operation_id == "triage":
                _with_consistent_check_in(case.body)
            else:
                _with_agreeing_answers(case.body.get("item"))
        else:
            _without_conflicting_symptoms(case.body)
            _with_consistent_region(case.body)
            _with_consistent_interview(case.body)
            _with_each_reading_once(case.body)


def _coding_answer(item):
    answers = item.get("answer")
    if isinstance(answers, list) and answers and isinstance(answers[0], dict):
        coding = answers[0].get("valueCoding")
        if isinstance(coding, dict):
            return coding.get("code")
    return None


def _with_consistent_check_in(body):
    """A check-in answer (POST /v1/triage): the hours answered, a severity or
    worsening only under a symptom answered yes, each reading in one unit, an
    approach only for an epidural, and a sacral region where it must be."""
    items = body.get("item")
    if not isinstance(items, list):
        return
    by_link = {item.get("linkId"): item for item in _items(items) if isinstance(item.get("linkId"), str)}
    if "answer" not in by_link.get("hours-since-injection", {}):
        _without_question(items, "hours-since-injection")
        items.insert(1, {"linkId": "hours-since-injection", "answer": [{"valueDecimal": 24}]})
    for link_id in list(by_link):
        for prefix in ("severity-", "worsening-"):
            if link_id.startswith(prefix) and "answer" in by_link[link_id]:
                symptom = by_link.get("symptom-" + link_id[len(prefix):])
                if symptom is None or _boolean_answer(symptom) is not True:
                    del by_link[link_id]["answer"]
    for first, second in (("temperatureC", "temperatureF"), ("bloodGlucoseMgDl", "bloodGlucoseMmolL")):
        if "answer" in by_link.get(first, {}) and "answer" in by_link.get(second, {}):
            del by_link[second]["answer"]
    injection = _coding_answer(by_link["injection"]) if "injection" in by_link else None
    if "answer" in by_link.get("approach", {}) and injection != EPIDURAL:
        del by_link["approach"]["answer"]
    approach = _coding_answer(by_link["approach"]) if "answer" in by_link.get("approach", {}) else None
    region = by_link.get("region")
    if region is not None and "answer" in region and _coding_answer(region) != "sacral":
        if injection == "sacroiliac-joint" or approach == "caudal":
            region["answer"] = [{"valueCoding": {"code": "sacral"}}]


def _with_consistent_region(body):
    """A sacroiliac-joint injection and a caudal epidural are sacral (422 otherwise)."""
    if "region" in body and body["region"] != "sacral":
        if body.get("injection") == "sacroiliac-joint" or body.get("approach") == "caudal":
            body["region"] = "sacral"


def _items(items):
    """Every item dict, groups' items included, in document order."""
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            yield item
            yield from _items(item.get("item"))


def _boolean_answer(item):
    answers = item.get("answer")
    if isinstance(answers, list) and len(answers) == 1 and isinstance(answers[0], dict):
        value = answers[0].get("valueBoolean")
        return value if isinstance(value, bool) else None
    return None


def _with_agreeing_answers(items):
    """Symptoms chosen once each, in agreement with the new-symptoms and fever answers."""
    by_link = {item.get("linkId"): item for item in _items(items) if isinstance(item.get("linkId"), str)}
    symptoms = by_link.get("symptoms")
    chosen = []
    if symptoms is not None and isinstance(symptoms.get("answer"), list):
        kept, seen = [], set()
        fever_no = by_link.get("fever") is not None and _boolean_answer(by_link["fever"]) is False
        for answer in symptoms["answer"]:
            coding = answer.get("valueCoding") if isinstance(answer, dict) else None
            code = coding.get("code") if isinstance(coding, dict) else None
            if isinstance(code, str) and (code in seen or (code == "fever" and fever_no)):
                continue
            if isinstance(code, str):
                seen.add(code)
            kept.append(answer)
        if kept:
            symptoms["answer"] = kept
        else:
            del symptoms["answer"]
        chosen = kept
    new_symptoms = by_link.get("new-symptoms")
    if new_symptoms is not None and "answer" in new_symptoms:
        answer = _boolean_answer(new_symptoms)
        if answer is not None:
            new_symptoms["answer"] = [{"valueBoolean": bool(chosen)}]


def _answers_injection(items):
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            if item.get("linkId") == "injection" and "answer" in item:
                return True
            if _answers_injection(item.get("item")):
                return True
    return False


def _without_repeated_questions(items, seen):
    """Keeps the first item of each linkId, in the order the server reads them
    (a group's items before the group), dropping later copies with their items."""
    if not isinstance(items, list):
        return
    kept = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("linkId"), str):
            _without_repeated_questions(item.get("item"), seen)
            if item["linkId"] in seen:
                continue
            seen.add(item["linkId"])
        kept.append(item)
    items[:] = kept


def _without_question(items, link_id):
    if not isinstance(items, list):
        return
    items[:] = [item for item in items if not (isinstance(item, dict) and item.get("linkId") == link_id)]
    for item in items:
        if isinstance(item, dict):
            _without_question(item.get("item"), link_id)


def _with_injection_answered(body):
    """Puts an answered injection question first when no item answers it
    (taking out an unanswered one, which would then appear twice)."""
    items = body.get("item")
    if isinstance(items, list) and not _answers_injection(items):
        _without_question(items, "injection")
        items.insert(0, {"linkId": "injection", "answer": [{"valueCoding": {"code": EPIDURAL}}]})


def _check_search_text(query):
    """Drops a `q` without a letter or digit (the server answers 422)."""
    text = query.get("q")
    if isinstance(text, str) and not any(unicodedata.category(c)[0] in "LN" for c in text):
        del query["q"]


def _continue_cursor(query):
    """Sends a cursor the server made with the query that made it, and drops any other."""
    cursor = query["cursor"]
    with _lock:
        made_by = _cursors.get(cursor) if isinstance(cursor, str) else None
    if made_by is None:
        del query["cursor"]
    else:
        query.clear()
        query.update(made_by)
        query["cursor"] = cursor


@schemathesis.hook
def after_call(context, case, response):
    if _operation_id(case) != "listSideEffects" or response.status_code != 200:
        return
    try:
        cursor = response.json().get("nextCursor")
    except Exception:
        return
    if isinstance(cursor, str) and isinstance(case.query, dict):
        with _lock:
            _cursors[cursor] = {k: v for k, v in case.query.items() if k != "cursor"}

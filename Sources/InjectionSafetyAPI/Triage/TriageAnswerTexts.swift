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
    let symptomLabels: [[UInt8]]
    let symptomQuestions: [[UInt8]]
    let severityQuestions: [[UInt8]]
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
        symptomLabels = Symptom.allCases.map { quoted(knowledgeBase.symptom($0)?.label ?? $0.rawValue) }
        symptomQuestions = Symptom.allCases.map { quoted(knowledgeBase.question(for: .symptom($0))) }
        severityQuestions = Symptom.allCases.map { quoted(knowledgeBase.question(for: .severity($0))) }
        levels = TriageLevel.allCases.map { quoted($0.rawValue) }
        levelActions = TriageLevel.allCases.map { quoted(knowledgeBase.patientTexts.action(for: $0)) }
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

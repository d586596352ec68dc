import Foundation
import InjectionSafety
import Testing

@testable import InjectionSafetyAPI

/// The answer's fixed texts, quoted once at start, say what the knowledge base says.
struct TriageAnswerTextsTests {
    static let knowledgeBase: KnowledgeBase = {
        do { return try KnowledgeBase.bundled() } catch { fatalError("\(error)") }
    }()
    let texts = TriageAnswerTexts(Self.knowledgeBase)

    func decode(_ bytes: [UInt8]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
    }

    @Test func eachRuleIdAndTailReadBackAsTheRule() throws {
        for (index, rule) in Self.knowledgeBase.triageRules.enumerated() {
            let object = try #require(
                try decode(Array(#"{"ruleId":"#.utf8) + texts.rules[index].id + texts.rules[index].tail + [125])
                    as? [String: Any])
            #expect(object["ruleId"] as? String == rule.id)
            #expect(object["explanation"] as? String == rule.explanation)
            #expect(object["sideEffect"] as? String == rule.sideEffect?.rawValue)
            #expect(object["sources"] as? [String] == rule.sources)
        }
    }

    @Test func eachSymptomLevelAndSignReadsBackAsItsText() throws {
        let base = Self.knowledgeBase
        for code in Symptom.allCases {
            #expect(try decode(texts.symptomCodes[code.ordinal]) as? String == code.rawValue)
            let option = try #require(try decode(texts.symptomOptions[code.ordinal]) as? [String: String])
            #expect(option == ["symptom": code.rawValue, "text": base.symptom(code)?.label ?? ""])
            // A question's start closes as an object with its level.
            func question(_ head: [UInt8]) throws -> [String: Any] {
                try #require(try decode(head + Array(#""urgent"}"#.utf8)) as? [String: Any])
            }
            let presence = try question(texts.symptomQuestionHeads[code.ordinal])
            #expect(presence["id"] as? String == code.rawValue)
            #expect(presence["text"] as? String == base.question(for: .symptom(code)))
            #expect(presence["answerType"] as? String == "yes-no" && presence["symptom"] as? String == code.rawValue)
            let severity = try question(texts.severityQuestionHeads[code.ordinal])
            #expect(severity["id"] as? String == code.rawValue + "/severity")
            #expect(severity["text"] as? String == base.question(for: .severity(code)))
            #expect(severity["choices"] as? [String] == ["mild", "moderate", "severe"])
        }
        for (index, group) in base.symptomGroups.enumerated() {
            let head = texts.groupQuestionHeads[index] + Array(#"],"options":[],"wouldRaiseTo":"urgent"}"#.utf8)
            let object = try #require(try decode(head) as? [String: Any])
            #expect(object["id"] as? String == "any-of:" + group)
            #expect(object["text"] as? String == base.interview.anyOfQuestion)
        }
        for (index, reading) in TriageInterview.Reading.allCases.enumerated() {
            let object = try #require(
                try decode(texts.readingQuestionHeads[index] + Array(#""urgent"}"#.utf8)) as? [String: Any])
            #expect(object["id"] as? String == reading.rawValue)
            #expect(object["text"] as? String == base.interview.reading(reading)?.text)
        }
        let other = try #require(
            try decode(texts.otherSymptomsQuestionHead + Array(#""urgent"}"#.utf8)) as? [String: Any])
        #expect(other["field"] as? String == "noOtherSymptoms")
        for level in TriageLevel.allCases {
            #expect(try decode(texts.levels[level.ordinal]) as? String == level.rawValue)
            #expect(try decode(texts.levelActions[level.ordinal]) as? String == base.patientTexts.action(for: level))
        }
        let parts = base.warningSigns.flatMap(\.parts)
        #expect(texts.signs.count == parts.count)
        for (index, part) in parts.enumerated() {
            #expect(try decode(texts.signs[index]) as? String == part.text)
        }
    }

    /// The engine's sign and rule indices point at the texts the result carries.
    @Test func theEnginesIndicesPointAtTheSameTexts() throws {
        let engine = TriageEngine(knowledgeBase: Self.knowledgeBase)
        var signsSeen = 0
        for hours in [1.0, 30, 200] {
            let request = TriageRequest(
                injection: .epiduralSteroid, hoursSinceInjection: hours,
                symptoms: [.init(.headache), .init(.facialFlushing), .init(.fever)])
            let result = engine.triage(request)
            for sign in result.watchFor {
                #expect(try decode(texts.signs[sign.index]) as? String == sign.text)
                signsSeen += 1
            }
            for reason in result.reasons {
                guard let index = reason.ruleIndex else {
                    #expect(reason.ruleID == TriageEngine.unexplainedSymptomRuleID)
                    continue
                }
                #expect(Self.knowledgeBase.triageRules[index].id == reason.ruleID)
            }
        }
        #expect(signsSeen > 0)
    }
}

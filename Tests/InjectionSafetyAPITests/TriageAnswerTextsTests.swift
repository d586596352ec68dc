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
            #expect(try decode(texts.symptomLabels[code.ordinal]) as? String == base.symptom(code)?.label)
            #expect(try decode(texts.symptomQuestions[code.ordinal]) as? String == base.question(for: .symptom(code)))
            #expect(
                try decode(texts.severityQuestions[code.ordinal]) as? String == base.question(for: .severity(code)))
        }
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

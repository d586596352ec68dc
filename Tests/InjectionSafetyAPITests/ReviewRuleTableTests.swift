import Foundation
import HTTPServer
import InjectionSafety
import Testing

@testable import InjectionSafetyAPI

/// The review rule table (`review-rule-table.json` in the knowledge base, shown
/// beside each rule in the rule book): for every review rule, and for the
/// symptom triage's reason, requests where it fires and close ones where it
/// does not, each run through the real decoder and the review.
struct ReviewRuleTableTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var index: Int
        var rule: String
        var fires: Bool
        var decision: ReviewDecision
        /// The body exactly as a client sends it.
        var body: [UInt8]
        var why: String
        var testDescription: String {
            "row \(index): \(rule) \(fires ? "fires" : "does not fire") (\(decision.rawValue))"
        }
    }

    static let builder = ChecklistBuilder(knowledgeBase: TestRouter.knowledgeBase)

    /// The rows, each request as written in the table (members in order,
    /// numbers as written: `38.0` stays `38.0`).
    static func rows() throws -> [Row] {
        TestRouter.knowledgeBase.reviewRuleTable.rows.enumerated().map { index, row in
            Row(
                index: index, rule: row.rule, fires: row.fires, decision: row.outcome, body: Array(row.request.utf8),
                why: row.why)
        }
    }

    /// Every rule the review can give: the rules of review-rules.json and the symptom triage's.
    static var ruleIDs: Set<String> {
        Set(TestRouter.knowledgeBase.reviewRules.map(\.id) + [TestRouter.knowledgeBase.reviewSymptomTriage.ruleID])
    }

    @Test(arguments: try rows())
    func rowHolds(_ row: Row) throws {
        let input = try TriageRequestDecoder.decodeWithSedation(row.body, requireHours: false)
        let review = Self.builder.review(input.request, sedation: input.sedation, hoursGiven: input.hoursGiven)
        #expect(
            review.reasons.contains { $0.ruleID == row.rule } == row.fires,
            "\(review.reasons.map(\.ruleID)): \(row.why)")
        #expect(review.decision == row.decision, "\(review.reasons.map(\.ruleID)): \(row.why)")
        #expect(!row.why.isEmpty)
        // The route answers the same.
        let response = TestRouter.post(
            "/v1/checklists/pre-procedure/review", String(decoding: row.body, as: UTF8.self),
            contentType: "application/json")
        #expect(response.status == .ok)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(answer["decision"] as? String == row.decision.rawValue)
    }

    /// Every rule has a row where it fires and decides, and a close row where it
    /// does not fire; no row names a rule that does not exist.
    @Test func everyRuleHasBothKindsOfRows() throws {
        let rows = try Self.rows()
        let decisions = Dictionary(
            uniqueKeysWithValues: TestRouter.knowledgeBase.reviewRules.map { ($0.id, $0.decision) }
                + [(TestRouter.knowledgeBase.reviewSymptomTriage.ruleID, ReviewDecision.postpone)])
        for row in rows {
            #expect(Self.ruleIDs.contains(row.rule), "row \(row.index) names an unknown rule '\(row.rule)'")
        }
        for id in Self.ruleIDs.sorted() {
            #expect(
                rows.contains { $0.rule == id && $0.fires && $0.decision == decisions[id] },
                "\(id): no row where it fires and the decision is \(decisions[id]?.rawValue ?? "?")")
            #expect(rows.contains { $0.rule == id && !$0.fires }, "\(id): no row where it does not fire")
        }
    }
}

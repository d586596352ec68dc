import Foundation
import HTTPServer
import InjectionSafety
import Testing

@testable import InjectionSafetyAPI

/// The review rule table (`Tests/Fixtures/rules/review-rule-table.json`): for
/// every review rule, and for the symptom triage's reason, requests where it
/// fires and close ones where it does not, each run through the real decoder
/// and the review.
struct ReviewRuleTableTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var index: Int
        var rule: String
        var fires: Bool
        var decision: ReviewDecision
        /// The body exactly as a client sends it.
        var body: [UInt8]
        var why: String
        var testDescription: String { "row \(index): \(rule) \(fires ? "fires" : "does not fire") (\(decision.rawValue))" }
    }

    static let builder = ChecklistBuilder(knowledgeBase: TestRouter.knowledgeBase)

    /// The rows, read with the service's own JSON parser so each request keeps
    /// its members in order and its numbers as written (`38.0` stays `38.0`).
    static func rows() throws -> [Row] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/rules/review-rule-table.json")
        guard case .object(let file) = try JSONParser.parse(Array(try Data(contentsOf: url))) else {
            throw TableError.malformed("the file is not an object")
        }
        guard file.map(\.key) == ["about", "rows"], case .string(let about)? = file.first?.value, !about.isEmpty,
            case .array(let rows)? = file.last?.value
        else { throw TableError.malformed("the file needs about and rows") }
        return try rows.enumerated().map { index, row in
            guard case .object(let fields) = row, fields.map(\.key) == ["rule", "fires", "decision", "request", "why"],
                case .string(let rule) = fields[0].value, case .bool(let fires) = fields[1].value,
                case .string(let decision) = fields[2].value, let decision = ReviewDecision(rawValue: decision),
                case .object = fields[3].value, case .string(let why) = fields[4].value
            else { throw TableError.malformed("row \(index) needs rule, fires, decision, request and why") }
            var body: [UInt8] = []
            write(fields[3].value, to: &body)
            return Row(index: index, rule: rule, fires: fires, decision: decision, body: body, why: why)
        }
    }

    enum TableError: Error { case malformed(String) }

    /// Compact JSON of a parsed value, numbers in their source text.
    static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out += "null".utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .number(_, let text): out += text.utf8
        case .string(let text): JSONString.append(text, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
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
        #expect(review.reasons.contains { $0.ruleID == row.rule } == row.fires, "\(review.reasons.map(\.ruleID)): \(row.why)")
        #expect(review.decision == row.decision, "\(review.reasons.map(\.ruleID)): \(row.why)")
        #expect(!row.why.isEmpty)
        // The route answers the same.
        let response = TestRouter.post(
            "/v1/checklists/pre-procedure/review", String(decoding: row.body, as: UTF8.self), contentType: "application/json")
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

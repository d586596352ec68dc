import Foundation
import InjectionSafety
import Testing

@testable import InjectionSafetyAPI

/// The clinician-readable rule table, `triage-rule-table.json` in the knowledge
/// base (shown beside each rule in the rule book): each row is a
/// `POST /v1/triage` body, the rule it is about, whether that rule fires and
/// the level of the whole answer. The bodies go through the API's own decoder,
/// so a row is exactly what a client would send.
struct TriageRuleTableTests {
    struct Row: Sendable {
        /// Its position in the table (from 0).
        var index: Int
        var rule: String
        var fires: Bool
        /// The level of the whole answer.
        var level: TriageLevel
        /// The row's `request`, as written in the table.
        var body: [UInt8]
        var why: String

        /// How a failure names the row.
        var name: String { "row \(index) (\(rule)): \(why)" }
    }

    static let knowledgeBase: KnowledgeBase = {
        do { return try KnowledgeBase.bundled() } catch { fatalError("\(error)") }
    }()

    static func rows() throws -> [Row] {
        knowledgeBase.triageRuleTable.rows.enumerated().map { index, row in
            Row(
                index: index, rule: row.rule, fires: row.fires, level: row.outcome, body: Array(row.request.utf8),
                why: row.why)
        }
    }

    @Test func everyRowFiresAndGivesTheLevelTheTableSays() throws {
        let engine = TriageEngine(knowledgeBase: Self.knowledgeBase)
        let rows = try Self.rows()
        #expect(rows.count >= 2 * Self.knowledgeBase.triageRules.count)
        for row in rows {
            let request: TriageRequest
            do {
                request = try TriageRequestDecoder.decode(row.body)
            } catch {
                Issue.record("\(row.name) — the API refuses the request: \(error)")
                continue
            }
            let result = engine.triage(request)
            let fired = result.reasons.contains { $0.ruleID == row.rule }
            #expect(
                fired == row.fires,
                "\(row.name) — the rule \(fired ? "fires" : "does not fire"), the table says it \(row.fires ? "fires" : "does not")"
            )
            let reasons = result.reasons.map { "\($0.ruleID) \($0.level.rawValue)" }.joined(separator: ", ")
            #expect(
                result.level == row.level,
                "\(row.name) — the answer is \(result.level.rawValue), the table says \(row.level.rawValue); reasons: \(reasons)"
            )
        }
    }

    @Test func everyRuleFiresAtItsOwnLevelInOneRowAndDoesNotFireInAnother() throws {
        let rows = try Self.rows()
        for rule in Self.knowledgeBase.triageRules {
            let own = rows.filter { $0.rule == rule.id }
            #expect(
                own.contains { $0.fires && $0.level == rule.level },
                "\(rule.id): no row where it fires and the whole answer is its level, \(rule.level.rawValue)")
            #expect(own.contains { !$0.fires }, "\(rule.id): no row where it does not fire")
        }
    }

    @Test func everyRowNamesARuleAndRowsFollowTheRuleFile() throws {
        let order = Dictionary(
            uniqueKeysWithValues: Self.knowledgeBase.triageRules.enumerated().map { index, rule in (rule.id, index) })
        var previous = -1
        for row in try Self.rows() {
            guard let position = order[row.rule] else {
                Issue.record("\(row.name) — \(row.rule) is not a rule of triage-rules.json")
                continue
            }
            #expect(position >= previous, "\(row.name) — rows are grouped by rule in the order of triage-rules.json")
            previous = max(previous, position)
        }
    }
}

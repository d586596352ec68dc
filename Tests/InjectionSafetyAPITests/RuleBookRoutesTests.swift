import Foundation
import HTTPServer
import InjectionSafety
import Testing

@testable import InjectionSafetyAPI

/// `GET /v1/triage/rules`: the rule book as JSON, with the changelog, the
/// sign-off, the sources and the rows of the rule tables under every rule.
struct RuleBookRoutesTests {
    static let knowledgeBase = TestRouter.knowledgeBase

    func document() throws -> (response: HTTPResponse, object: [String: Any]) {
        let response = TestRouter.respond(.get, "/v1/triage/rules")
        return (response, try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]))
    }

    // MARK: - JSON

    @Test func theDocumentCarriesTheChangelogTheSignOffAndTheSourcesWithTheirEvidence() throws {
        let object = try document().object
        let versions = try #require(object["changelog"] as? [[String: Any]])
        #expect(versions.map { $0["version"] as? String } == Self.knowledgeBase.changelog.versions.map(\.version))
        #expect(versions.first?["version"] as? String == KnowledgeBase.contentVersion)
        #expect(versions.allSatisfy { ($0["date"] as? String)?.count == 10 && ($0["changes"] as? [String])?.isEmpty == false })
        let signOff = try #require(object["signOff"] as? [String: Any])
        #expect(signOff.keys.sorted() == ["reviewedBy", "reviewedOn"])
        #expect(signOff["reviewedBy"] is NSNull && signOff["reviewedOn"] is NSNull)
        let sources = try #require(object["sources"] as? [[String: Any]])
        #expect(sources.count == Self.knowledgeBase.sources.count)
        let kinds = Set(EvidenceKind.allCases.map(\.rawValue))
        #expect(sources.allSatisfy { kinds.contains($0["evidence"] as? String ?? "") })
        #expect(Set(sources.compactMap { $0["evidence"] as? String }) == kinds)
    }

    @Test func everyRuleOfTheDocumentCarriesItsRows() throws {
        let object = try document().object
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == Self.knowledgeBase.triageRules.map(\.id))
        for item in items {
            let id = try #require(item["id"] as? String)
            let rows = try #require(item["rows"] as? [[String: Any]], "\(id)")
            let table = Self.knowledgeBase.triageRuleTable.rows(for: id)
            #expect(rows.count == table.count, "\(id)")
            for (row, expected) in zip(rows, table) {
                #expect(row.keys.sorted() == ["fires", "level", "request", "why"])
                #expect(row["fires"] as? Bool == expected.fires && row["level"] as? String == expected.outcome.rawValue)
                #expect(row["why"] as? String == expected.why)
                let request = try #require(row["request"] as? [String: Any])
                let written = try #require(try JSONSerialization.jsonObject(with: Data(expected.request.utf8)) as? NSDictionary)
                #expect(NSDictionary(dictionary: request).isEqual(written), "\(id): \(expected.request)")
            }
        }
        let review = try #require(object["review"] as? [String: Any])
        let rules = try #require(review["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == Self.knowledgeBase.reviewRules.map(\.id))
        for rule in rules {
            #expect((rule["reads"] as? String)?.isEmpty == false)
            let rows = try #require(rule["rows"] as? [[String: Any]])
            #expect(rows.contains { $0["fires"] as? Bool == true } && rows.allSatisfy { $0["decision"] is String })
        }
        let symptomTriage = try #require(review["symptomTriage"] as? [String: Any])
        #expect(symptomTriage["ruleId"] as? String == "symptoms-need-care")
        #expect((symptomTriage["rows"] as? [[String: Any]])?.count == Self.knowledgeBase.reviewRuleTable.rows(for: "symptoms-need-care").count)
        let fever = try #require(rules.first { $0["id"] as? String == "fever-postpone" }?["rows"] as? [[String: Any]])
        #expect((fever.first?["request"] as? [String: Any])?["temperatureC"] as? Double == 38.0)
    }
}

import Foundation
import HTTPServer
import InjectionSafety
import Testing

@testable import InjectionSafetyAPI

/// `GET /v1/triage/rules`: the rule book as JSON and, with `Accept: text/html`,
/// as one printable page, each with the changelog, the sign-off and the rows
/// of the rule tables under every rule.
struct RuleBookRoutesTests {
    static let knowledgeBase = TestRouter.knowledgeBase

    func page() -> (response: HTTPResponse, html: String) {
        let response = TestRouter.respond(
            .get, "/v1/triage/rules", headers: [("Accept", "text/html,application/xhtml+xml")])
        return (response, String(decoding: response.body, as: UTF8.self))
    }

    func document() throws -> (response: HTTPResponse, object: [String: Any]) {
        let response = TestRouter.respond(.get, "/v1/triage/rules")
        return (response, try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]))
    }

    /// The page's `<article>` of one rule.
    func article(_ html: String, _ id: String) throws -> Substring {
        let anchor = try #require(html.range(of: "id=\"rule-\(id)\""), "no article for \(id)")
        let start = try #require(
            html.range(of: "<article ", options: .backwards, range: html.startIndex..<anchor.lowerBound))
        let end = try #require(html.range(of: "</article>", range: anchor.upperBound..<html.endIndex))
        return html[start.lowerBound..<end.upperBound]
    }

    // MARK: - The printable page

    @Test func thePageIsOnePrintableHTMLPageWithoutScripts() throws {
        let (response, html) = page()
        #expect(response.status == .ok)
        #expect(response.contentType == "text/html; charset=utf-8")
        #expect(response.header("Vary") == "Accept, Accept-Language")
        #expect(response.header("Cache-Control") == "public, max-age=300")
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<style>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("<link"))
        #expect(
            html.range(of: #"<[^>]*\son[a-z]+\s*="#, options: [.regularExpression, .caseInsensitive]) == nil,
            "no event handlers")
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.contains("does not replace"))
    }

    @Test func thePageSaysItIsNotYetSignedOffBeforeAnythingElse() throws {
        let html = page().html
        let signOff = try #require(html.range(of: "<h2>Not yet signed off</h2>"))
        let contents = try #require(html.range(of: "<h2>Contents</h2>"))
        #expect(signOff.lowerBound < contents.lowerBound)
        #expect(html.contains("version <strong>\(KnowledgeBase.contentVersion)</strong>"))
        #expect(html.contains(Self.knowledgeBase.version))
    }

    @Test func thePageListsEveryTriageAndReviewRule() throws {
        let html = page().html
        let reads = RuleBookPage.Page(knowledgeBase: Self.knowledgeBase)
        for rule in Self.knowledgeBase.triageRules {
            let block = try article(html, rule.id)
            #expect(block.contains("class=\"rule \(rule.level.rawValue)\""), "\(rule.id)")
            #expect(block.contains("<dt>Looks at</dt><dd>\(reads.reads(rule.when.reading))</dd>"), "\(rule.id): reads")
            #expect(block.contains(HTMLPage.escape(rule.explanation)), "\(rule.id): explanation")
            if let sign = rule.warningSign {
                #expect(block.contains(HTMLPage.escape(sign)), "\(rule.id): warning sign")
            }
            if let choice = rule.productChoice {
                #expect(
                    block.contains("Product choice</dt><dd class=\"choice\">\(HTMLPage.escape(choice))"), "\(rule.id)")
            } else {
                #expect(!block.contains("Product choice"), "\(rule.id)")
            }
            for id in rule.sources {
                let source = try #require(Self.knowledgeBase.sources.first { $0.id == id })
                #expect(
                    block.contains("<a href=\"\(HTMLPage.escape(source.url))\">\(HTMLPage.escape(source.title))</a>"))
                #expect(block.contains(HTMLPage.escape(RuleBookPage.title(source.evidence))))
            }
        }
        for rule in Self.knowledgeBase.reviewRules {
            let block = try article(html, rule.id)
            #expect(block.contains("class=\"rule \(rule.decision.rawValue)\""), "\(rule.id)")
            #expect(block.contains(HTMLPage.escape(rule.explanation)), "\(rule.id)")
        }
        let symptomTriage = try article(html, Self.knowledgeBase.reviewSymptomTriage.ruleID)
        #expect(symptomTriage.contains(HTMLPage.escape(Self.knowledgeBase.reviewSymptomTriage.productChoice)))
        // Every rule once, and the table of contents points at every section.
        let articles = html.components(separatedBy: "<article ").count - 1
        #expect(articles == Self.knowledgeBase.triageRules.count + Self.knowledgeBase.reviewRules.count + 1)
        for anchor in [
            "changelog", "levels", "node-types", "definitions", "pre-existing-symptoms", "triage-rules", "review-rules",
        ]
            + TriageLevel.allCases.map({ "level-\($0.rawValue)" }) + [
                "decision-postpone", "decision-discuss-with-provider",
            ]
        {
            #expect(html.contains("href=\"#\(anchor)\""), "\(anchor) not in the contents")
            #expect(html.contains("id=\"\(anchor)\""), "\(anchor) has no section")
        }
    }

    /// Under each rule, every row of its table: the request as written, whether it fires, the answer and why.
    @Test func eachRuleShowsTheRowsThatFireItAndThoseThatDoNot() throws {
        let html = page().html
        let glucose = try article(html, "glucose-low")
        let rows = Self.knowledgeBase.triageRuleTable.rows(for: "glucose-low")
        #expect(rows.contains { $0.fires } && rows.contains { !$0.fires })
        #expect(glucose.components(separatedBy: "<td class=\"fires\">").count - 1 == rows.count)
        for row in rows {
            let cells =
                "<tr class=\"\(row.fires ? "yes" : "no")\"><td class=\"fires\">\(row.fires ? "fires" : "does not fire")</td>"
                + "<td><span class=\"badge \(row.outcome.rawValue)\">\(RuleBookPage.title(row.outcome))</span></td>"
                + "<td class=\"request\"><code>\(HTMLPage.escape(row.request))</code></td><td>\(HTMLPage.escape(row.why))</td></tr>"
            #expect(glucose.contains(cells), "\(row.why)")
        }
        let fever = try article(html, "fever-postpone")
        #expect(fever.contains(HTMLPage.escape(#"{"injection":"facet-joint","temperatureC":38.0}"#)))
        #expect(fever.contains("does not fire</td><td><span class=\"badge ready\">Ready</span>"))
        for rule in Self.knowledgeBase.triageRules {
            let count = try article(html, rule.id).components(separatedBy: "<td class=\"fires\">").count - 1
            #expect(count == Self.knowledgeBase.triageRuleTable.rows(for: rule.id).count, "\(rule.id)")
        }
    }

    @Test func thePageShowsTheChangelogTheLevelsTheNodeTypesAndTheDefinitions() throws {
        let html = page().html
        for version in Self.knowledgeBase.changelog.versions {
            #expect(html.contains("id=\"version-\(version.version)\""))
            for change in version.changes { #expect(html.contains("<li>\(HTMLPage.escape(change))</li>")) }
        }
        for level in TriageLevel.allCases {
            #expect(html.contains(HTMLPage.escape(Self.knowledgeBase.patientTexts.action(for: level))))
        }
        for node in TriageCondition.nodeTypes { #expect(html.contains("<tr><td><code>\(node.node)</code></td>")) }
        for definition in Self.knowledgeBase.triageDefinitions {
            #expect(html.contains("id=\"definition-\(definition.name)\""))
            #expect(html.contains(HTMLPage.escape(definition.meaning)))
        }
        // A rule that uses a definition links to it.
        #expect(try article(html, "weakness-not-expected").contains("<a href=\"#definition-weakness-not-expected\">"))
        #expect(html.contains(HTMLPage.escape(Self.knowledgeBase.preExistingSymptoms.meaning)))
    }

    @Test func thePageEscapesTheData() throws {
        let html = page().html
        #expect(html.contains("Baylor Scott &amp; White Health"))
        #expect(!html.contains("Scott & White"))
        #expect(html.contains("&quot;injection&quot;:&quot;"))
        // Data that looks like markup stays text.
        let hostile = try Self.editedKnowledgeBase("triage-rules.json") { object in
            var rules = try #require(object["rules"] as? [[String: Any]])
            rules[0]["explanation"] = #"<script>alert("x")</script> & <b onload='y'>"#
            object["rules"] = rules
        }
        let page = String(decoding: RuleBookPage.html(hostile), as: UTF8.self)
        #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b onload=&#39;y&#39;&gt;"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("<b onload"))
    }

    @Test func aSignedOffRuleBookSaysWhoSignedAndWhen() throws {
        let signed = try Self.editedKnowledgeBase("changelog.json") { object in
            object["signOff"] = ["reviewedBy": "Dr A. Example <pain medicine>", "reviewedOn": "2026-12-05"]
        }
        #expect(signed.integrityProblems() == [])
        let html = String(decoding: RuleBookPage.html(signed), as: UTF8.self)
        #expect(!html.contains("Not yet signed off"))
        #expect(html.contains("<h2>Signed off</h2>"))
        #expect(
            html.contains(
                "signed off by <strong>Dr A. Example &lt;pain medicine&gt;</strong> on <strong>2026-12-05</strong>"))
    }

    /// The shipped files with one of them edited as JSON.
    static func editedKnowledgeBase(_ name: String, _ edit: (inout [String: Any]) throws -> Void) throws
        -> KnowledgeBase
    {
        var files = try KnowledgeBase.bundledFiles()
        var object = try #require(try JSONSerialization.jsonObject(with: files[name]!) as? [String: Any])
        try edit(&object)
        files[name] = try JSONSerialization.data(withJSONObject: object)
        return try KnowledgeBase(files: files)
    }

    // MARK: - Both representations

    @Test func eachRepresentationHasItsOwnValidator() throws {
        let (html, json) = (page().response, try document().response)
        let htmlTag = try #require(html.header("ETag"))
        let jsonTag = try #require(json.header("ETag"))
        #expect(htmlTag != jsonTag)
        #expect(json.header("Vary") == "Accept, Accept-Language")
        #expect(json.contentType == "application/json")
        let notModified = TestRouter.respond(
            .get, "/v1/triage/rules", headers: [("Accept", "text/html"), ("If-None-Match", htmlTag)])
        #expect(notModified.status == .notModified)
        #expect(notModified.body.isEmpty)
        #expect(notModified.header("Vary") == "Accept, Accept-Language")
        let otherTag = TestRouter.respond(.get, "/v1/triage/rules", headers: [("If-None-Match", htmlTag)])
        #expect(otherTag.status == .ok)
        #expect(otherTag.header("ETag") == jsonTag)
        #expect(
            TestRouter.respond(.get, "/v1/triage/rules", headers: [("Accept", "application/json")]).header("ETag")
                == jsonTag)
    }

    @Test func aQueryIsRefusedInBothRepresentations() {
        #expect(TestRouter.respond(.get, "/v1/triage/rules?x=1").status == .unprocessableContent)
        #expect(
            TestRouter.respond(.get, "/v1/triage/rules?x=1", headers: [("Accept", "text/html")]).status
                == .unprocessableContent)
    }

    // MARK: - JSON

    @Test func theDocumentCarriesTheChangelogTheSignOffAndTheSourcesWithTheirEvidence() throws {
        let object = try document().object
        let versions = try #require(object["changelog"] as? [[String: Any]])
        #expect(versions.map { $0["version"] as? String } == Self.knowledgeBase.changelog.versions.map(\.version))
        #expect(versions.first?["version"] as? String == KnowledgeBase.contentVersion)
        #expect(
            versions.allSatisfy {
                ($0["date"] as? String)?.count == 10 && ($0["changes"] as? [String])?.isEmpty == false
            })
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
                let written = try #require(
                    try JSONSerialization.jsonObject(with: Data(expected.request.utf8)) as? NSDictionary)
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
        #expect(
            (symptomTriage["rows"] as? [[String: Any]])?.count
                == Self.knowledgeBase.reviewRuleTable.rows(for: "symptoms-need-care").count)
        let fever = try #require(rules.first { $0["id"] as? String == "fever-postpone" }?["rows"] as? [[String: Any]])
        #expect((fever.first?["request"] as? [String: Any])?["temperatureC"] as? Double == 38.0)
    }
}

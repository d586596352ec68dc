import Foundation
import HTTPFramework
import HTTPServer
import InjectionSafety
import Logging
import Testing

@testable import InjectionSafetyAPI

/// CDS Hooks: discovery, hook calls built as an EHR sends them
/// (`Tests/Fixtures/cds`), cards, 412 and 400, feedback.
struct CDSHooksTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtureNames = [
        "anticoagulated-high-glucose", "pregnant-fluoroscopy", "clean", "unmapped-medication", "missing-prefetch",
        "every-mapped-code",
    ]

    /// A fixture's text with `{{daysAgo:N}}` made the date N days before today.
    static func fixtureText(_ name: String) throws -> String {
        var text = try String(
            contentsOf: root.appendingPathComponent("Tests/Fixtures/cds/\(name).json"), encoding: .utf8)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        while let range = text.range(of: #"\{\{daysAgo:\d+\}\}"#, options: .regularExpression) {
            let days = Int(text[range].dropFirst(10).dropLast(2)) ?? 0
            text.replaceSubrange(range, with: formatter.string(from: Date().addingTimeInterval(-Double(days) * 86_400)))
        }
        return text
    }

    static func fixture(_ name: String) throws -> (request: String, expect: [String: Any]) {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(fixtureText(name).utf8)) as? [String: Any])
        let request = try JSONSerialization.data(withJSONObject: try #require(object["request"]))
        return (String(decoding: request, as: UTF8.self), object["expect"] as? [String: Any] ?? [:])
    }

    static func service(for request: String) -> String {
        request.contains(#""hook":"appointment-book""#)
            ? CDSHooksRoutes.Service.appointmentBook.rawValue : CDSHooksRoutes.Service.orderSign.rawValue
    }

    static func object(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test func discoveryListsBothServicesWithTheirPrefetch() throws {
        let body = try Self.object(TestRouter.respond(.get, "/cds-services"))
        let services = try #require(body["services"] as? [[String: Any]])
        #expect(services.compactMap { $0["hook"] as? String } == ["order-sign", "appointment-book"])
        for service in services {
            #expect(service["id"] is String && service["description"] is String && service["title"] is String)
            #expect(service["usageRequirements"] is String)
            let prefetch = try #require(service["prefetch"] as? [String: String])
            #expect(Set(prefetch.keys) == Set(CDSHooksRoutes.prefetch.map(\.key)))
            #expect(prefetch.values.allSatisfy { $0.contains("{{context.patientId}}") })
        }
    }

    /// The cards are for clinicians: English whatever the EHR's Accept-Language.
    @Test func cardsAreEnglishInEveryLanguage() throws {
        let (request, _) = try Self.fixture("anticoagulated-high-glucose")
        let target = "/cds-services/\(Self.service(for: request))"
        let english = TestRouter.post(target, request)
        let spanish = TestRouter.post(target, request, headers: [("Accept-Language", "es")])
        #expect(spanish.status == .ok)
        #expect(spanish.header("Content-Language") == nil)
        // The same cards but for their random uuids.
        func withoutIDs(_ response: HTTPResponse) -> String {
            String(decoding: response.body, as: UTF8.self).replacing(/"uuid":"[0-9a-fA-F-]{36}"/, with: "")
        }
        #expect(withoutIDs(english) == withoutIDs(spanish))
    }

    /// Each fixture gives its expected decision and injection; every card is well formed.
    @Test(arguments: fixtureNames.filter { $0 != "missing-prefetch" })
    func fixturesGiveTheirCards(name: String) throws {
        let (request, expect) = try Self.fixture(name)
        let response = TestRouter.post("/cds-services/\(Self.service(for: request))", request)
        #expect(response.status == .ok, "\(String(decoding: response.body, as: UTF8.self))")
        let cards = try #require(try Self.object(response)["cards"] as? [[String: Any]])
        for card in cards {
            let summary = try #require(card["summary"] as? String)
            #expect(summary.count < 140, "\(summary)")
            #expect(["info", "warning", "critical"].contains(card["indicator"] as? String))
            #expect((card["uuid"] as? String)?.count == 36)
            let source = try #require(card["source"] as? [String: Any])
            #expect((source["url"] as? String)?.hasPrefix("http://localhost/v1/triage/rules#") == true)
        }
        let ruleCards = cards.filter { $0["indicator"] as? String != "info" }
        let rules = ruleCards.compactMap {
            (($0["source"] as? [String: Any])?["url"] as? String)?.components(separatedBy: "#rule-").last
        }
        let decision =
            ruleCards.contains { $0["indicator"] as? String == "critical" }
            ? "postpone" : ruleCards.isEmpty ? "ready" : "discuss-with-provider"
        #expect(decision == expect["decision"] as? String, "\(name): \(rules)")
        for rule in expect["rules"] as? [String] ?? [] { #expect(rules.contains(rule), "\(name): \(rule) in \(rules)") }
        let summary = try #require(cards.last)
        #expect(summary["indicator"] as? String == "info")
        if let count = expect["unclassified"] as? Int {
            #expect((summary["summary"] as? String)?.contains("\(count) could not be classified") == true)
        }
        let detail = summary["detail"] as? String ?? ""
        #expect(detail.contains((expect["injection"] as? String) ?? "?"), "\(detail)")
    }

    /// The same facts give the same reasons through CDS Hooks and through the review endpoint.
    @Test(arguments: fixtureNames.filter { $0 != "missing-prefetch" })
    func reasonsEqualTheReviewEndpointsForTheSameFacts(name: String) throws {
        let (request, _) = try Self.fixture(name)
        let members = try #require(
            { () -> [(key: String, value: JSONValue)]? in
                if case .object(let fields) = try? JSONParser.parse(Array(request.utf8)) { return fields }
                return nil
            }())
        var reader = CDSHookReader(
            mapping: TestRouter.knowledgeBase.cdsMapping,
            service: CDSHooksRoutes.Service(rawValue: Self.service(for: request))!)
        let facts = try reader.read(members).request
        var body: [String: Any] = [
            "injection": facts.injection.rawValue, "conditions": facts.conditions.map(\.rawValue).sorted(),
        ]
        if let approach = facts.approach { body["approach"] = approach.rawValue }
        if let value = facts.bloodGlucoseMgDl { body["bloodGlucoseMgDl"] = value }
        if let value = facts.systolicBloodPressure { body["systolicBloodPressure"] = value }
        if let value = facts.temperatureC { body["temperatureC"] = value }
        let steroids =
            (facts.steroidInjectionsPast12Months ?? 0)
            + (TestRouter.knowledgeBase.injection(facts.injection)?.defaultMedications.contains(.corticosteroid) == true
                ? 1 : 0)
        body["steroidInjectionsPast12Months"] = steroids
        let review = try Self.object(
            TestRouter.post(
                "/v1/checklists/pre-procedure/review",
                String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)))
        let viaReview = (review["reasons"] as? [[String: Any]] ?? []).compactMap { $0["ruleId"] as? String }
        let cards = try #require(
            try Self.object(TestRouter.post("/cds-services/\(Self.service(for: request))", request))["cards"]
                as? [[String: Any]])
        let viaHooks = cards.filter { $0["indicator"] as? String != "info" }.compactMap {
            (($0["source"] as? [String: Any])?["url"] as? String)?.components(separatedBy: "#rule-").last
        }
        #expect(viaHooks == viaReview, "\(name)")
    }

    /// Every code of cds-mapping.json appears in at least one fixture.
    @Test func everyMappedCodeIsInAFixture() throws {
        let texts = try Self.fixtureNames.map { try Self.fixtureText($0) }.joined()
        for (list, entry) in TestRouter.knowledgeBase.cdsMapping.allEntries {
            guard let code = entry.code else { continue }
            #expect(texts.contains("\"code\": \"\(code)"), "\(list): \(code) is in no fixture")
        }
    }

    @Test func missingPrefetchIs412NamingTheKeys() throws {
        let (request, _) = try Self.fixture("missing-prefetch")
        let response = TestRouter.post("/cds-services/\(Self.service(for: request))", request)
        #expect(response.status.code == 412)
        let problem = try Self.object(response)
        #expect(problem["type"] as? String == "/problems/prefetch-missing")
        let pointers = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
        #expect(pointers.contains("/prefetch/medicationRequests"))
        #expect(TestRouter.respond(.get, "/problems/prefetch-missing").status == .ok)
    }

    @Test(arguments: [
        (#"{"hook":"patient-view","hookInstance":"x","context":{"patientId":"p1"},"prefetch":{}}"#, "/hook"),
        (#"{"hook":"order-sign","context":{"patientId":"p1"},"prefetch":{}}"#, "/hookInstance"),
        (#"{"hook":"order-sign","hookInstance":"x","prefetch":{}}"#, "/context"),
        (#"{"hook":"order-sign","hookInstance":"x","context":{},"prefetch":{}}"#, "/context/patientId"),
        (#"{"hook":"order-sign","hookInstance":"x","context":{"patientId":"p1"},"prefetch":[]}"#, "/prefetch"),
    ])
    func malformedHookRequestsAre400NamingThePointer(body: String, pointer: String) throws {
        let response = TestRouter.post("/cds-services/\(CDSHooksRoutes.Service.orderSign.rawValue)", body)
        #expect(response.status == .badRequest)
        let problem = try Self.object(response)
        #expect(problem["type"] as? String == "/problems/invalid-hook-request")
        let pointers = (problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
        #expect(pointers.contains(pointer), "\(pointers)")
    }

    @Test func unknownServiceIs404AndFeedbackIsCounted() throws {
        #expect(TestRouter.post("/cds-services/no-such-service", "{}").status == .notFound)
        let metrics = ApplicationMetrics()
        let router = try Application.makeRouter(knowledgeBase: TestRouter.knowledgeBase, metrics: metrics)
        var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
        let feedback =
            #"{"feedback":[{"card":"4e0a3a1e-3283-4575-ab82-028d55fe2719","outcome":"overridden","outcomeTimestamp":"2026-12-04T10:00:00Z"}]}"#
        let response = router.respond(
            to: HTTPRequest(
                method: .post, target: "/cds-services/\(CDSHooksRoutes.Service.orderSign.rawValue)/feedback",
                headers: HTTPHeaders([("Content-Type", "application/json")]), body: Array(feedback.utf8)),
            context: &context)
        #expect(response.status == .ok)
        #expect(
            String(decoding: metrics.exposition(), as: UTF8.self).contains(
                #"cds_feedback_total{outcome="overridden"} 1"#))
        let bad = TestRouter.post(
            "/cds-services/\(CDSHooksRoutes.Service.orderSign.rawValue)/feedback",
            #"{"feedback":[{"card":"x","outcome":"ignored","outcomeTimestamp":"2026-12-04T10:00:00Z"}]}"#)
        #expect(bad.status == .badRequest)
    }
}

import HTTPFramework
import HTTPServer
import InjectionSafety
import InjectionSafetyAPI
import Logging
import Testing

/// `GET /metrics`: triage levels and review decisions are counted, nothing about the patient is.
struct MetricsRoutesTests {
    let metrics = ApplicationMetrics()
    let router: LanguageRouter

    init() throws {
        router = try Application.makeRouter(knowledgeBase: TestRouter.knowledgeBase, metrics: metrics)
    }

    func send(_ method: HTTPMethod, _ target: String, body: String? = nil) -> HTTPResponse {
        var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
        let headers: [(String, String)] = body == nil ? [] : [("Content-Type", "application/json")]
        return router.respond(
            to: HTTPRequest(
                method: method, target: target, headers: HTTPHeaders(headers), body: Array((body ?? "").utf8)),
            context: &context)
    }

    func scrape() -> String {
        let response = send(.get, "/metrics")
        #expect(response.status == .ok)
        #expect(response.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.header("Cache-Control") == "no-store")
        return String(decoding: response.body, as: UTF8.self)
    }

    /// The value of one sample line, e.g. `triage_results_total{level="urgent"}`.
    static func value(of sample: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }

    @Test func everyLevelAndDecisionStartsAtZero() {
        let text = scrape()
        for level in TriageLevel.allCases {
            #expect(Self.value(of: #"triage_results_total{level="\#(level.rawValue)"}"#, in: text) == 0)
        }
        for decision in ReviewDecision.allCases {
            #expect(Self.value(of: #"checklist_reviews_total{decision="\#(decision.rawValue)"}"#, in: text) == 0)
        }
    }

    @Test func triageAnswersAreCountedByLevelWithoutTheirSymptoms() {
        let emergency = #"{"injection":"epidural-steroid","hoursSinceInjection":3,"symptoms":["seizure"]}"#
        let nothing = #"{"injection":"facet-joint","hoursSinceInjection":2}"#
        #expect(send(.post, "/v1/triage", body: emergency).status == .ok)
        #expect(send(.post, "/v1/triage", body: emergency).status == .ok)
        #expect(send(.post, "/v1/triage", body: nothing).status == .ok)
        // Rejected requests have no level.
        #expect(send(.post, "/v1/triage", body: #"{"injection":"facet-joint"}"#).status == .unprocessableContent)
        let text = scrape()
        #expect(Self.value(of: #"triage_results_total{level="emergency"}"#, in: text) == 2)
        #expect(Self.value(of: #"triage_results_total{level="self-care"}"#, in: text) == 1)
        #expect(!text.contains("seizure"))
        #expect(!text.contains("epidural-steroid"))
    }

    @Test func reviewsAreCountedByDecision() {
        #expect(
            send(
                .post, "/v1/checklists/pre-procedure/review", body: #"{"injection":"facet-joint","temperatureC":38.4}"#
            ).status == .ok)
        #expect(send(.post, "/v1/checklists/pre-procedure/review", body: #"{"injection":"facet-joint"}"#).status == .ok)
        let text = scrape()
        #expect(Self.value(of: #"checklist_reviews_total{decision="postpone"}"#, in: text) == 1)
        #expect(Self.value(of: #"checklist_reviews_total{decision="ready"}"#, in: text) == 1)
    }

    @Test func aQueryIsRejected() {
        #expect(send(.get, "/metrics?format=json").status == .unprocessableContent)
    }
}

import CoreMetrics
import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter
import Prometheus

/// The service's metrics: the HTTP server's (``ServerMetrics``) and the API's
/// own counts, kept in one Prometheus registry and served at `GET /metrics`.
///
/// The API adds, counts only and never anything about a patient:
/// - `triage_results_total{level}`: triage answers by overall level.
/// - `checklist_reviews_total{decision}`: pre-procedure reviews by decision.
/// - `cds_hook_calls_total{service,decision}`: CDS Hooks calls answered, by service and review decision.
/// - `cds_feedback_total{outcome}`: CDS Hooks feedback entries, by outcome (accepted, overridden).
public final class ApplicationMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Pass to `HTTPServer` so its counts land in the same registry.
    public let server: ServerMetrics
    /// The registry's swift-metrics factory, for the access log's request counts.
    public let factory: any MetricsFactory
    private let triageResults: [TriageLevel: CoreMetrics.Counter]
    private let reviewDecisions: [ReviewDecision: CoreMetrics.Counter]
    private let hookCalls: [String: CoreMetrics.Counter]
    private let feedback: [String: CoreMetrics.Counter]

    /// A fresh registry (each instance is independent: tests can make many).
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Requests take microseconds to milliseconds here; the default buckets start at 5 ms.
        factory.durationHistogramBuckets["http_request_duration_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1),
        ]
        self.registry = registry
        server = ServerMetrics(factory: factory)
        self.factory = factory
        var triageResults: [TriageLevel: CoreMetrics.Counter] = [:]
        for level in TriageLevel.allCases {
            triageResults[level] = CoreMetrics.Counter(
                label: "triage_results_total", dimensions: [("level", level.rawValue)], factory: factory)
        }
        self.triageResults = triageResults
        var reviewDecisions: [ReviewDecision: CoreMetrics.Counter] = [:]
        for decision in ReviewDecision.allCases {
            reviewDecisions[decision] = CoreMetrics.Counter(
                label: "checklist_reviews_total", dimensions: [("decision", decision.rawValue)], factory: factory)
        }
        self.reviewDecisions = reviewDecisions
        var hookCalls: [String: CoreMetrics.Counter] = [:]
        for service in CDSHooksRoutes.Service.allCases {
            for decision in ReviewDecision.allCases {
                hookCalls[service.rawValue + "/" + decision.rawValue] = CoreMetrics.Counter(
                    label: "cds_hook_calls_total",
                    dimensions: [("service", service.rawValue), ("decision", decision.rawValue)], factory: factory)
            }
        }
        self.hookCalls = hookCalls
        var feedback: [String: CoreMetrics.Counter] = [:]
        for outcome in ["accepted", "overridden"] {
            feedback[outcome] = CoreMetrics.Counter(
                label: "cds_feedback_total", dimensions: [("outcome", outcome)], factory: factory)
        }
        self.feedback = feedback
    }

    func hookAnswered(_ service: CDSHooksRoutes.Service, _ decision: ReviewDecision) {
        hookCalls[service.rawValue + "/" + decision.rawValue]?.increment()
    }

    func feedbackReceived(_ outcome: String) {
        feedback[outcome]?.increment()
    }

    func triageAnswered(_ level: TriageLevel) {
        triageResults[level]?.increment()
    }

    func reviewAnswered(_ decision: ReviewDecision) {
        reviewDecisions[decision]?.increment()
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }
}

/// `GET /metrics`: the counts above in Prometheus text format. Not for the
/// public internet: the reverse proxy keeps it for the internal scraper.
enum MetricsRoutes {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func register(in router: inout Router, metrics: ApplicationMetrics) {
        router.add(.get, "/metrics") { request, _ in
            try QueryValidator.requireNoParameters(request.query)
            return HTTPResponse(
                status: .ok, contentType: contentType, headers: [("Cache-Control", "no-store")],
                body: metrics.exposition())
        }
    }
}

import CoreMetrics

/// What the server counts, through swift-metrics (the backend, e.g. Prometheus,
/// is the application's choice). Counts only: no path, query or body ever
/// becomes a label; routes are named by their template.
///
/// Metric names:
/// - `http_requests_total{method,route,status}`: answered requests.
/// - `http_request_duration_seconds{method,route}`: time from a complete request to its serialized response.
/// - `http_response_bytes_total{route}`: response bytes (head and body) queued to clients.
/// - `http_open_connections`: client connections open now.
/// - `http_connections_total{outcome}`: accepted connections (`accepted` or `rejected` over the limit).
/// - `http_parse_errors_total{kind}`: requests rejected by the parser, by ``ParseError`` case.
/// - `http_request_timeouts_total`: requests answered 408.
public final class ServerMetrics: Sendable {
    let factory: any MetricsFactory
    let openConnections: Meter
    let acceptedConnections: Counter
    let rejectedConnections: Counter
    let requestTimeouts: Counter
    private let parseErrors: [ParseError: Counter]

    /// - Parameter factory: the metrics backend; by default none (nothing is recorded).
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        openConnections = Meter(label: "http_open_connections", dimensions: [], factory: factory)
        acceptedConnections = Counter(
            label: "http_connections_total", dimensions: [("outcome", "accepted")], factory: factory)
        rejectedConnections = Counter(
            label: "http_connections_total", dimensions: [("outcome", "rejected")], factory: factory)
        requestTimeouts = Counter(label: "http_request_timeouts_total", dimensions: [], factory: factory)
        var parseErrors: [ParseError: Counter] = [:]
        for error in ParseError.allCases {
            parseErrors[error] = Counter(
                label: "http_parse_errors_total", dimensions: [("kind", "\(error)")], factory: factory)
        }
        self.parseErrors = parseErrors
    }

    func parseError(_ error: ParseError) {
        parseErrors[error]?.increment()
    }
}

/// One event loop's handles for per-request metrics, made once per route,
/// method and status and reused (creating a handle takes the backend's lock).
/// Confined to its loop's queue.
final class RequestMetricsCache {
    private struct Key: Hashable {
        var route: String
        var method: HTTPMethod
        var status: Int
    }

    private struct Handles {
        var requests: Counter
        var duration: Timer
        var bytes: Counter
    }

    private let metrics: ServerMetrics
    private var handles: [Key: Handles] = [:]

    init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    func record(method: HTTPMethod, route: String, status: Int, nanoseconds: UInt64, bytes: Int) {
        let key = Key(route: route, method: method, status: status)
        let entry: Handles
        if let existing = handles[key] {
            entry = existing
        } else {
            let factory = metrics.factory
            entry = Handles(
                requests: Counter(
                    label: "http_requests_total",
                    dimensions: [("method", method.rawValue), ("route", route), ("status", String(status))],
                    factory: factory),
                duration: Timer(
                    label: "http_request_duration_seconds",
                    dimensions: [("method", method.rawValue), ("route", route)], factory: factory),
                bytes: Counter(label: "http_response_bytes_total", dimensions: [("route", route)], factory: factory))
            handles[key] = entry
        }
        entry.requests.increment()
        entry.duration.recordNanoseconds(Int64(clamping: nanoseconds))
        entry.bytes.increment(by: bytes)
    }
}

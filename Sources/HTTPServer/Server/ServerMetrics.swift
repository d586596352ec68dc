import CoreMetrics

/// What the server counts about connections, through swift-metrics (the backend, e.g. Prometheus,
/// is the application's choice). Counts only: no path, query or body ever
/// becomes a label. (Requests by route are counted by the framework's access log.)
///
/// Metric names:
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

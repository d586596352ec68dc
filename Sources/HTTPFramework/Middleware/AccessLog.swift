import CoreMetrics
import Dispatch
import HTTPServer
import Locking
import Logging

/// Logs and counts each answered request: never a body, a query string or a
/// header value other than the request id.
///
/// The log line is `request` at `info` with plain metadata: `connection`,
/// `request_id`, `client` (the peer, or the forwarded client when the peer is
/// one of the ``TrustedProxies``), `method`, `route` (the template, or
/// `unmatched`), `status`, `bytes` (the response body) and `duration_ms`.
///
/// Metrics (swift-metrics; the backend is the application's choice):
/// - `http_requests_total{method,route,status}`: answered requests.
/// - `http_request_duration_seconds{method,route}`: time to build the response.
/// - `http_response_bytes_total{route}`: response body bytes.
public struct AccessLog: Middleware {
    let trustedProxies: TrustedProxies
    let metrics: RequestMetrics

    public init(trustedProxies: TrustedProxies = TrustedProxies(), metricsFactory: any MetricsFactory) {
        self.trustedProxies = trustedProxies
        self.metrics = RequestMetrics(factory: metricsFactory)
    }

    public func respond(to request: HTTPRequest, context: inout RequestContext, next: Next) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        let response = next(request, &context)
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        let bytes = request.method == .head ? 0 : response.body.count
        let route = context.routeTemplate ?? "unmatched"
        metrics.record(
            method: request.method, route: route, status: response.status.code, nanoseconds: elapsed, bytes: bytes)
        if context.logger.logLevel <= .info {
            // The peer's text is made once per connection; a forwarded client's per request.
            let client =
                trustedProxies.isEmpty || context.connection.peer.map(trustedProxies.contains) != true
                ? context.connection.peerDescription
                : trustedProxies.clientAddress(peer: context.connection.peer, headers: request.headers)?.description
                    ?? "unknown"
            context.logger.info(
                "request",
                metadata: [
                    "connection": .stringConvertible(context.connection.id),
                    "request_id": .string(context.requestID),
                    "client": .string(client),
                    "method": .string(request.method.rawValue),
                    "route": .string(route),
                    "status": .stringConvertible(response.status.code),
                    "bytes": .stringConvertible(bytes),
                    "duration_ms": .string(Self.milliseconds(elapsed)),
                ])
        }
        return response
    }

    /// `0.05` for 50 µs: milliseconds with two decimals.
    static func milliseconds(_ nanoseconds: UInt64) -> String {
        let hundredths = nanoseconds / 10_000
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

/// Handles for per-request metrics, made once per route, method and status and
/// reused (creating a handle takes the backend's lock).
final class RequestMetrics: Sendable {
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

    private let factory: any MetricsFactory
    private let handles = LockedValue<[Key: Handles]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(method: HTTPMethod, route: String, status: Int, nanoseconds: UInt64, bytes: Int) {
        let key = Key(route: route, method: method, status: status)
        let entry = handles.withLock { handles in
            if let existing = handles[key] { return existing }
            let made = Handles(
                requests: Counter(
                    label: "http_requests_total",
                    dimensions: [("method", method.rawValue), ("route", route), ("status", String(status))],
                    factory: factory),
                duration: Timer(
                    label: "http_request_duration_seconds",
                    dimensions: [("method", method.rawValue), ("route", route)], factory: factory),
                bytes: Counter(label: "http_response_bytes_total", dimensions: [("route", route)], factory: factory))
            handles[key] = made
            return made
        }
        entry.requests.increment()
        entry.duration.recordNanoseconds(Int64(clamping: nanoseconds))
        entry.bytes.increment(by: bytes)
    }
}

import CoreMetrics
import Dispatch
import HTTPServer
import JSONWriter
import Locking
import Logging

/// Logs and counts each answered request: never a body, a query string or a
/// header value other than the request id.
///
/// The line is `request` at `info` with the fields of an ``AccessLogEntry``.
/// Where it goes is an ``AccessLogDestination``: through swift-log as plain
/// metadata, or (the shipped JSON format) written by the framework with the
/// one JSON writer straight to a JSON-lines output, the same members without
/// building and hashing a metadata dictionary per request. It is written only
/// while the request's logger is at `info` or below.
///
/// Metrics (swift-metrics; the backend is the application's choice):
/// - `http_requests_total{method,route,status}`: answered requests.
/// - `http_request_duration_seconds{method,route}`: time to build the response.
/// - `http_response_bytes_total{route}`: response body bytes.
public struct AccessLog: Middleware {
    let trustedProxies: TrustedProxies
    let metrics: RequestMetrics
    let destination: AccessLogDestination

    public init(
        trustedProxies: TrustedProxies = TrustedProxies(), metricsFactory: any MetricsFactory,
        destination: AccessLogDestination = .logger
    ) {
        self.trustedProxies = trustedProxies
        self.metrics = RequestMetrics(factory: metricsFactory)
        self.destination = destination
    }

    public func respond(to request: HTTPRequest, context: inout RequestContext, next: Next) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        let response = next(request, &context)
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        let bytes = request.method == .head ? 0 : response.body.count
        let route = context.routeTemplate ?? "unmatched"
        metrics.record(
            method: request.method, route: route, status: response.status.code, nanoseconds: elapsed, bytes: bytes)
        guard context.logger.logLevel <= .info else { return response }
        // The peer's text is made once per connection; a forwarded client's per request.
        let client =
            trustedProxies.isEmpty || context.connection.peer.map(trustedProxies.contains) != true
            ? context.connection.peerDescription
            : trustedProxies.clientAddress(peer: context.connection.peer, headers: request.headers)?.description
                ?? "unknown"
        let entry = AccessLogEntry(
            connection: context.connection.id, requestID: context.requestID, client: client, method: request.method,
            route: route, status: response.status.code, bytes: bytes, durationNanoseconds: elapsed)
        switch destination {
        case .logger:
            context.logger.info("request", metadata: entry.metadata)
        case .jsonLines(let write):
            var fields: [UInt8] = []
            fields.reserveCapacity(256)
            fields.append(jsonLiteral: #""level":"info","label":"#)
            JSONString.append(context.logger.label, to: &fields)
            fields.append(jsonLiteral: #","message":"request""#)
            entry.appendJSONMembers(to: &fields)
            write(fields)
        }
        return response
    }
}

/// Where the access log's lines go.
public enum AccessLogDestination: Sendable {
    /// Through the request's swift-log logger, the entry's fields as plain metadata.
    case logger
    /// A JSON-lines output: `write` gets the members of one line after its time
    /// (`"level":"info","label":…,"message":"request",` and the entry's fields),
    /// as ServiceLogging's `LogOutput.write(fields:urgent:)` takes them.
    case jsonLines(write: @Sendable ([UInt8]) -> Void)
}

/// One answered request, as the access log records it.
public struct AccessLogEntry: Sendable, Equatable {
    public var connection: UInt64
    public var requestID: String
    /// The peer, or the forwarded client when the peer is a trusted proxy.
    public var client: String
    public var method: HTTPMethod
    /// The route template, or `unmatched`.
    public var route: String
    public var status: Int
    /// Response body bytes (none for `HEAD`).
    public var bytes: Int
    public var durationNanoseconds: UInt64

    /// The fields as swift-log metadata, every value a string.
    public var metadata: Logger.Metadata {
        [
            "connection": .string(String(connection)), "request_id": .string(requestID), "client": .string(client),
            "method": .string(method.rawValue), "route": .string(route), "status": .string(String(status)),
            "bytes": .string(String(bytes)), "duration_ms": .string(Self.milliseconds(durationNanoseconds)),
        ]
    }

    /// `,"connection":"7","request_id":"…",…,"duration_ms":"0.05"`: the same fields and
    /// string values as ``metadata``, written with the one JSON writer.
    public func appendJSONMembers(to json: inout [UInt8]) {
        json.append(jsonLiteral: #","connection":""#)
        JSONString.appendDecimal(Int(clamping: connection), to: &json)
        json.append(jsonLiteral: #"","request_id":"#)
        JSONString.append(requestID, to: &json)
        json.append(jsonLiteral: #","client":"#)
        JSONString.append(client, to: &json)
        json.append(jsonLiteral: #","method":"#)
        JSONString.append(method.rawValue, to: &json)
        json.append(jsonLiteral: #","route":"#)
        JSONString.append(route, to: &json)
        json.append(jsonLiteral: #","status":""#)
        JSONString.appendDecimal(status, to: &json)
        json.append(jsonLiteral: #"","bytes":""#)
        JSONString.appendDecimal(bytes, to: &json)
        json.append(jsonLiteral: #"","duration_ms":""#)
        let hundredths = durationNanoseconds / 10_000
        JSONString.appendDecimal(Int(clamping: hundredths / 100), to: &json)
        json.append(UInt8(ascii: "."))
        json.append(UInt8(ascii: "0") + UInt8(hundredths % 100 / 10))
        json.append(UInt8(ascii: "0") + UInt8(hundredths % 10))
        json.append(UInt8(ascii: "\""))
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

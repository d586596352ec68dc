import Foundation
import HTTPServer
import Locking
import Logging
import Metrics
import Testing

@testable import HTTPFramework

/// The access log's line: the route, never the query; the client through trusted
/// proxies; the same fields through swift-log and as JSON lines.
struct AccessLogTests {
    /// A log handler that keeps what it is given.
    final class Capture: LogHandler, @unchecked Sendable {
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:]
        var lines: [(message: String, metadata: Logger.Metadata)] = []
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.append((message: "\(event.message)", metadata: event.metadata ?? [:]))
        }
    }

    static func application(
        proxies: String = "", destination: AccessLogDestination = .logger, logger: Logger
    ) throws -> HTTPApplication {
        var router = Router()
        router.add(.get, "/v1/items/{id}") { _, _ in HTTPResponse(body: Array("twelve bytes".utf8)) }
        return HTTPApplication(
            router: router,
            middleware: [
                AccessLog(
                    trustedProxies: try TrustedProxies.parse(proxies), metricsFactory: NOOPMetricsHandler.instance,
                    destination: destination)
            ],
            logger: logger)
    }

    /// The line through swift-log: its metadata, every value as text.
    func serve(_ request: HTTPRequest, peer: String, proxies: String = "") throws -> (HTTPResponse, [String: String]) {
        let capture = Capture()
        let application = try Self.application(proxies: proxies, logger: Logger(label: "test") { _ in capture })
        let response = application.respond(to: request, connection: ConnectionInfo(id: 7, peer: IPAddress(peer)))
        let line = try #require(capture.lines.first { $0.message == "request" })
        return (response, line.metadata.mapValues(\.description))
    }

    static let secretRequest = HTTPRequest(
        method: .get, target: "/v1/items/secret?symptom=numbness", headers: HTTPHeaders([("X-Request-ID", "a\"b")]))

    @Test func theLineNamesTheRouteAndNeverTheQuery() throws {
        let (response, fields) = try serve(Self.secretRequest, peer: "192.0.2.1")
        #expect(response.header("X-Request-ID") == "a\"b")
        #expect(
            fields == [
                "connection": "7", "request_id": "a\"b", "client": "192.0.2.1", "method": "GET",
                "route": "/v1/items/{id}", "status": "200", "bytes": "12", "duration_ms": fields["duration_ms"] ?? "?",
            ])
        #expect(!fields.values.contains { $0.contains("numbness") || $0.contains("secret") })
    }

    /// The JSON-lines destination writes the same members as the metadata, with the fixed ones first.
    @Test func jsonLinesCarryTheSameFields() throws {
        let written = LockedValue<[[UInt8]]>([])
        var logger = Logger(label: "injection-safety") { _ in Capture() }
        logger.logLevel = .info
        let application = try Self.application(
            destination: .jsonLines(write: { fields in written.withLock { $0.append(fields) } }), logger: logger)
        _ = application.respond(to: Self.secretRequest, connection: ConnectionInfo(id: 7, peer: IPAddress("::1")))
        let lines = written.withLock { $0 }
        #expect(lines.count == 1)
        let text = "{" + String(decoding: lines.first ?? [], as: UTF8.self) + "}"
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String], "\(text)")
        #expect(object["level"] == "info" && object["label"] == "injection-safety" && object["message"] == "request")
        #expect(object["request_id"] == "a\"b" && object["client"] == "::1" && object["route"] == "/v1/items/{id}")
        #expect(object["connection"] == "7" && object["status"] == "200" && object["bytes"] == "12")
        let (_, viaLogger) = try serve(Self.secretRequest, peer: "::1")
        #expect(Set(object.keys).subtracting(["level", "label", "message"]) == Set(viaLogger.keys))
    }

    @Test func noLineAboveInfo() throws {
        let written = LockedValue(0)
        var logger = Logger(label: "test") { _ in Capture() }
        logger.logLevel = .notice
        let application = try Self.application(
            destination: .jsonLines(write: { _ in written.withLock { $0 += 1 } }), logger: logger)
        _ = application.respond(to: Self.secretRequest, connection: ConnectionInfo(id: 1, peer: nil))
        #expect(written.withLock { $0 } == 0)
    }

    @Test func aTrustedProxysForwardedClientIsLogged() throws {
        let request = HTTPRequest(
            method: .head, target: "/nowhere", headers: HTTPHeaders([("X-Forwarded-For", "203.0.113.9")]))
        let (response, fromProxy) = try serve(request, peer: "10.0.0.2", proxies: "10.0.0.0/8")
        #expect(response.status == .notFound)
        #expect(fromProxy["client"] == "203.0.113.9")
        #expect(fromProxy["route"] == "unmatched")
        #expect(fromProxy["bytes"] == "0", "HEAD sends no body")
        let (_, untrusted) = try serve(request, peer: "198.51.100.4")
        #expect(untrusted["client"] == "198.51.100.4")
    }

    @Test(arguments: [
        (UInt64(0), "0.00"), (9_999, "0.00"), (10_000, "0.01"), (999_999, "0.99"), (1_000_000, "1.00"),
        (123_456_789_000, "123456.78"),
    ])
    func durationsHaveTwoDecimals(nanoseconds: UInt64, text: String) throws {
        #expect(AccessLogEntry.milliseconds(nanoseconds) == text)
        var entry = AccessLogEntry(
            connection: 1, requestID: "r", client: "c", method: .get, route: "/", status: 200, bytes: 0,
            durationNanoseconds: nanoseconds)
        var json: [UInt8] = []
        entry.appendJSONMembers(to: &json)
        #expect(String(decoding: json, as: UTF8.self).hasSuffix(#""duration_ms":"\#(text)""#))
        entry.durationNanoseconds = nanoseconds
        #expect(entry.metadata["duration_ms"]?.description == text)
    }
}

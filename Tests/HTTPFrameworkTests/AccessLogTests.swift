import HTTPServer
import Logging
import Metrics
import Testing

@testable import HTTPFramework

/// The access log's line: plain metadata, the client through trusted proxies, never the query.
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

    func serve(
        _ request: HTTPRequest, peer: String, proxies: String = ""
    ) throws -> (HTTPResponse, Logger.Metadata) {
        let capture = Capture()
        let logger = Logger(label: "test") { _ in capture }
        var router = Router()
        router.add(.get, "/v1/items/{id}") { _, _ in HTTPResponse(body: Array("twelve bytes".utf8)) }
        let application = HTTPApplication(
            router: router,
            middleware: [
                AccessLog(
                    trustedProxies: try TrustedProxies.parse(proxies), metricsFactory: NOOPMetricsHandler.instance)
            ],
            logger: logger)
        let response = application.respond(to: request, connection: ConnectionInfo(id: 7, peer: IPAddress(peer)))
        let line = try #require(capture.lines.first { $0.message == "request" })
        return (response, line.metadata)
    }

    @Test func theLineNamesTheRouteAndNeverTheQuery() throws {
        let request = HTTPRequest(
            method: .get, target: "/v1/items/secret?symptom=numbness", headers: HTTPHeaders([("X-Request-ID", "abc")]))
        let (response, metadata) = try serve(request, peer: "192.0.2.1")
        #expect(response.header("X-Request-ID") == "abc")
        #expect(metadata["connection"]?.description == "7")
        #expect(metadata["request_id"]?.description == "abc")
        #expect(metadata["client"]?.description == "192.0.2.1")
        #expect(metadata["method"]?.description == "GET")
        #expect(metadata["route"]?.description == "/v1/items/{id}")
        #expect(metadata["status"]?.description == "200")
        #expect(metadata["bytes"]?.description == "12")
        #expect(metadata["duration_ms"] != nil)
        #expect(!metadata.values.contains { $0.description.contains("numbness") || $0.description.contains("secret") })
    }

    @Test func aTrustedProxysForwardedClientIsLogged() throws {
        let request = HTTPRequest(
            method: .head, target: "/nowhere", headers: HTTPHeaders([("X-Forwarded-For", "203.0.113.9")]))
        let (response, fromProxy) = try serve(request, peer: "10.0.0.2", proxies: "10.0.0.0/8")
        #expect(response.status == .notFound)
        #expect(fromProxy["client"]?.description == "203.0.113.9")
        #expect(fromProxy["route"]?.description == "unmatched")
        #expect(fromProxy["bytes"]?.description == "0", "HEAD sends no body")
        let (_, untrusted) = try serve(request, peer: "198.51.100.4")
        #expect(untrusted["client"]?.description == "198.51.100.4")
    }

    @Test(arguments: [
        (UInt64(0), "0.00"), (9_999, "0.00"), (10_000, "0.01"), (999_999, "0.99"), (1_000_000, "1.00"),
        (123_456_789_000, "123456.78"),
    ])
    func durationsHaveTwoDecimals(nanoseconds: UInt64, text: String) {
        #expect(AccessLog.milliseconds(nanoseconds) == text)
    }
}

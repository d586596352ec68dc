import Foundation
import TestSupport
import Testing

/// What an operator sees of the running server: `/metrics` scraped over TCP,
/// and the shutdown log.
struct ObservabilityIntegrationTests {
    static func value(of sample: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }

    @Test func metricsCountRequestsConnectionsParseErrorsAndTriageLevels() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        for _ in 0..<3 {
            #expect(try client.request("GET", "\(server.baseURL)/healthz").status == 200)
        }
        #expect(try client.request("GET", "\(server.baseURL)/v1/side-effects/no-such-effect").status == 404)
        let triage = try client.request(
            "POST", "\(server.baseURL)/v1/triage", headers: ["Content-Type: application/json"],
            upload: .fixed(
                Array(#"{"injection":"epidural-steroid","hoursSinceInjection":3,"symptoms":["seizure"]}"#.utf8)))
        #expect(triage.status == 200)
        // A request the parser rejects, on its own connection.
        let raw = try RawClient(port: server.port)
        raw.send("GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n")
        #expect(raw.receive().text.hasPrefix("HTTP/1.1 400"))

        let scrape = try client.request("GET", "\(server.baseURL)/metrics?x=1")
        #expect(scrape.status == 422, "a query is refused")
        let response = try client.request("GET", "\(server.baseURL)/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let text = response.text
        #expect(Self.value(of: #"http_requests_total{method="GET",route="/healthz",status="200"}"#, in: text) == 3)
        #expect(
            Self.value(of: #"http_requests_total{method="GET",route="/v1/side-effects/{id}",status="404"}"#, in: text)
                == 1)
        #expect(Self.value(of: #"http_requests_total{method="POST",route="/v1/triage",status="200"}"#, in: text) == 1)
        let parseErrors = text.split(separator: "\n").filter {
            $0.hasPrefix("http_parse_errors_total{") && !$0.hasSuffix(" 0")
        }
        #expect(parseErrors.count == 1, "\(parseErrors)")
        #expect(Self.value(of: #"triage_results_total{level="emergency"}"#, in: text) == 1)
        #expect(Self.value(of: #"http_request_duration_seconds_count{method="GET",route="/healthz"}"#, in: text) == 3)
        // Body bytes: an emergency answer with its reasons and warning signs.
        #expect((Self.value(of: #"http_response_bytes_total{route="/v1/triage"}"#, in: text) ?? 0) > 500)
        // This connection (and perhaps the raw one, closing) is open while it scrapes.
        #expect((Self.value(of: "http_open_connections", in: text) ?? 0) >= 1)
        #expect((Self.value(of: #"http_connections_total{outcome="accepted"}"#, in: text) ?? 0) >= 2)
        // Routes are templates: no id, query or symptom reaches a label.
        for secret in ["no-such-effect", "seizure", "epidural-steroid"] {
            #expect(!text.contains(secret), "\(secret) appears in /metrics")
        }
    }

    /// The logged client is the peer, unless the peer is a trusted proxy: then
    /// the address it forwarded.
    @Test(arguments: [
        ([String](), "127.0.0.1"),
        (["--trusted-proxies", "127.0.0.1"], "203.0.113.9"),
        (["--trusted-proxies", "10.0.0.0/8"], "127.0.0.1"),
    ])
    func logsTheForwardedClientOnlyFromATrustedProxy(arguments: [String], expected: String) throws {
        let server = try ServerProcess(arguments: arguments)
        defer { server.stop() }
        let response = try CurlClient().request(
            "GET", "\(server.baseURL)/healthz",
            headers: ["X-Forwarded-For: 198.51.100.1, 203.0.113.9", "X-Request-ID: fwd-1"])
        #expect(response.status == 200)
        let line = try #require(server.waitForLogLine(containing: "fwd-1", timeout: 5))
        #expect(line.contains(#""client":"\#(expected)""#), "\(line)")
        #expect(!line.contains("198.51.100.1"), "a hop left of the client is never logged")
    }

    @Test func corsPreflightAndSimpleRequestThroughTheServer() throws {
        let origin = "https://portal.example.org"
        let server = try ServerProcess(arguments: ["--cors-allowed-origins", origin])
        defer { server.stop() }
        let client = try CurlClient()
        let preflight = try client.request(
            "OPTIONS", "\(server.baseURL)/v1/triage",
            headers: [
                "Origin: \(origin)", "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: content-type",
            ])
        #expect(preflight.status == 204)
        #expect(preflight.header("Access-Control-Allow-Origin") == origin)
        #expect(preflight.header("Access-Control-Allow-Methods") == "POST, OPTIONS")
        #expect(preflight.header("Content-Length") == nil)
        let simple = try client.request("GET", "\(server.baseURL)/v1/symptoms", headers: ["Origin: \(origin)"])
        #expect(simple.status == 200)
        #expect(simple.header("Access-Control-Allow-Origin") == origin)
        let other = try client.request(
            "GET", "\(server.baseURL)/v1/symptoms", headers: ["Origin: https://other.example"])
        #expect(other.status == 200)
        #expect(other.header("Access-Control-Allow-Origin") == nil)
    }
}

import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `injection-safety-server` binary, each test on its own free loopback
/// port, driven by libcurl; raw sockets only for what libcurl will not send.
struct ServerIntegrationTests {
    static let healthBody = #"{"status":"ok"}"#

    @Test func getHealthz() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let response = try CurlClient().request("GET", "\(server.baseURL)/healthz")
        #expect(response.status == 200)
        #expect(response.statusLines == ["HTTP/1.1 200 OK"])
        #expect(response.text == Self.healthBody)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("Content-Length") == "15")
        let date = try #require(response.header("Date"))
        let parsed = try #require(Self.httpDate(date), "Date is not an IMF-fixdate: \(date)")
        #expect(abs(parsed.timeIntervalSinceNow) < 60, "Date \(date) is not now")
    }

    /// HEAD: GET's headers and no body bytes. A body after the head would be read
    /// as the start of the next response on the kept-alive connection.
    @Test func headHasGetHeadersAndNoBody() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        let head = try client.request("HEAD", "\(server.baseURL)/healthz")
        #expect(head.sentHeadLines.first == "HEAD /healthz HTTP/1.1")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "15")
        #expect(head.header("Content-Type") == "application/json")
        #expect(head.body.isEmpty)
        try Self.expectConnectionReused(client, server)
    }

    @Test func keepAliveReusesOneConnection() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        var connects: [Int] = []
        for _ in 0..<5 {
            let response = try client.request("GET", "\(server.baseURL)/healthz")
            #expect(response.status == 200)
            #expect(response.text == Self.healthBody)
            #expect(response.header("Connection") != "close")
            connects.append(response.newConnections)
        }
        #expect(connects == [1, 0, 0, 0, 0])
        #expect(connects.reduce(0, +) == 1)
    }

    /// `Expect: 100-continue` gets `100 Continue`, the body is read and framed
    /// away, the route answers 405, and the same connection serves the next request.
    @Test func expectContinueThenBodyThenReuse() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 2048)
        let response = try client.request(
            "POST", "\(server.baseURL)/healthz", headers: ["Expect: 100-continue", "Content-Type: application/json"],
            upload: .fixed(body))
        #expect(response.sentHeader("Expect") == "100-continue")
        #expect(response.sentHeader("Content-Length") == "2048")
        #expect(response.statusLines.count == 2)
        #expect(response.statusLines.first == "HTTP/1.1 100 Continue")
        #expect(response.statusLines.last?.hasPrefix("HTTP/1.1 405 ") == true)
        #expect(response.uploadedBytes == 2048)
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("Connection") != "close")
        try Self.expectConnectionReused(client, server)
    }

    @Test func chunkedUploadIsFramedAndTheConnectionReused() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        let body = Array(String(repeating: "0123456789", count: 300).utf8)
        let response = try client.request(
            "POST", "\(server.baseURL)/healthz", upload: .chunked(body, pieceSize: 700))
        #expect(response.sentHeader("Transfer-Encoding") == "chunked")
        #expect(response.sentHeader("Content-Length") == nil)
        #expect(response.uploadPieces == 5)  // 4 × 700 + 200
        #expect(response.uploadedBytes == 3000)
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("Connection") != "close")
        try Self.expectConnectionReused(client, server)
    }

    /// A declared body over `--max-body-bytes`: 413 at once (no `100 Continue`
    /// when the client asked for one), and the connection is closed.
    @Test(arguments: [true, false])
    func oversizedBodyGets413(withExpect: Bool) throws {
        let server = try ServerProcess(arguments: ["--max-body-bytes", "1024"])
        defer { server.stop() }
        let client = try CurlClient()
        let body = [UInt8](repeating: UInt8(ascii: "b"), count: 4096)
        let response = try client.request(
            "POST", "\(server.baseURL)/healthz", headers: [withExpect ? "Expect: 100-continue" : "Expect:"],
            upload: .fixed(body))
        #expect(response.sentHeader("Expect") == (withExpect ? "100-continue" : nil))
        #expect(response.sentHeader("Content-Length") == "4096")
        #expect(response.status == 413)
        #expect(response.statusLines.count == 1, "\(response.statusLines)")
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("Connection") == "close")
        let problem = try Self.problem(response.body)
        #expect(problem["status"] as? Int == 413)
        #expect(problem["title"] as? String == "Content Too Large")
        #expect(response.text.contains(#""status":413"#))
        // The server is still serving, on a new connection.
        let next = try client.request("GET", "\(server.baseURL)/healthz")
        #expect(next.status == 200)
        #expect(next.newConnections == 1)
    }

    @Test func unknownPathIs404Problem() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let response = try CurlClient().request("GET", "\(server.baseURL)/v1/nothing-here")
        #expect(response.status == 404)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("Content-Length") == String(response.body.count))
        let problem = try Self.problem(response.body)
        #expect(problem["type"] as? String == "about:blank")
        #expect(problem["title"] as? String == "Not Found")
        #expect(problem["status"] as? Int == 404)
        let detail = try #require(problem["detail"] as? String)
        #expect(!detail.isEmpty)
        #expect(!detail.contains("nothing-here"), "the detail must not echo the request")
    }

    @Test(arguments: ["DELETE", "POST", "PUT"])
    func wrongMethodIs405ProblemWithAllow(method: String) throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let response = try CurlClient().request(method, "\(server.baseURL)/healthz")
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
        #expect(response.header("Content-Type") == "application/problem+json")
        let problem = try Self.problem(response.body)
        #expect(problem["type"] as? String == "about:blank")
        #expect(problem["title"] as? String == "Method Not Allowed")
        #expect(problem["status"] as? Int == 405)
        #expect((problem["detail"] as? String)?.isEmpty == false)
    }

    @Test func optionsAnswersAllow() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let response = try CurlClient().request("OPTIONS", "\(server.baseURL)/healthz")
        #expect(response.status == 200)
        #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(object["allow"] as? [String] == ["GET", "HEAD", "OPTIONS"])
    }

    /// HTTP/1.0 without `Connection: keep-alive`: answered, then the connection is closed.
    @Test func http10ConnectionIsNotReused() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        let first = try client.request("GET", "\(server.baseURL)/healthz", http10: true)
        #expect(first.sentHeadLines.first == "GET /healthz HTTP/1.0")
        #expect(first.status == 200)
        #expect(first.text == Self.healthBody)
        #expect(first.newConnections == 1)
        #expect(first.header("Connection") == "close")
        let second = try client.request("GET", "\(server.baseURL)/healthz")
        #expect(second.status == 200)
        #expect(second.newConnections == 1)
    }

    /// Content-Length with Transfer-Encoding (a smuggling shape libcurl will not
    /// send): 400, `Connection: close`, then the server closes the connection.
    @Test func contentLengthWithTransferEncodingIs400AndClose() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let socket = try RawClient(port: server.port, receiveTimeout: 5)
        socket.send("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")
        let started = Date()
        let (text, closed) = socket.receive()  // to EOF, or the 5 s SO_RCVTIMEO
        #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(text)")
        #expect(text.lowercased().contains("\r\nconnection: close\r\n"), "\(text)")
        #expect(text.contains("\r\nContent-Type: application/problem+json\r\n"), "\(text)")
        #expect(RawClient.completeResponses(in: text) == 1, "\(text)")
        #expect(closed, "expected EOF after the 400; got a timeout or an error")
        #expect(Date().timeIntervalSince(started) < 4.5)
    }

    /// SIGTERM: the idle kept-alive connection is closed, new connections are
    /// refused, the slow in-flight request still completes (with
    /// `Connection: close`), and the process exits 0.
    /// A request a proxy sends on an idle kept-alive connection during the drain's
    /// idle grace is answered, with `Connection: close`, instead of meeting a closed connection.
    @Test func aRequestOnAnIdleConnectionDuringTheDrainIsAnswered() throws {
        let server = try ServerProcess(arguments: ["--drain-idle-grace", "3"])
        defer { server.stop() }
        let idle = try RawClient(port: server.port)
        idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.receiveResponses(1).hasPrefix("HTTP/1.1 200 OK\r\n"))
        server.terminate()
        #expect(Self.waitUntilRefused(port: server.port, timeout: 5), "still accepting after SIGTERM")
        idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let (text, closed) = idle.receive()
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text)")
        #expect(text.contains("\r\nConnection: close\r\n"), "\(text)")
        #expect(closed)
        #expect(server.waitForExit(timeout: 5) == 0)
    }

    @Test func sigtermDrainsInFlightRequestAndExitsZero() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let idle = try RawClient(port: server.port)
        idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = idle.receiveResponses(1)
        #expect(first.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(first)")
        #expect(!first.lowercased().contains("connection: close"))

        let slow = try RawClient(port: server.port)
        slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")  // head not finished
        Thread.sleep(forTimeInterval: 0.2)
        let signalled = Date()
        server.terminate()
        // The listener closes as the drain begins; then, after its grace (DRAIN_IDLE_GRACE), the idle connection.
        #expect(Self.waitUntilRefused(port: server.port, timeout: 5), "still accepting after SIGTERM")
        let idleAfter = idle.receive()
        #expect(idleAfter.text.isEmpty && idleAfter.closed, "idle connection not closed: \(idleAfter)")
        // The in-flight request survives a while into the drain.
        let remaining = 0.3 - Date().timeIntervalSince(signalled)
        if remaining > 0 { Thread.sleep(forTimeInterval: remaining) }
        #expect(server.waitForExit(timeout: 0) == nil, "exited with a request in flight")

        slow.send("\r\n")
        let (text, closed) = slow.receive()
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text)")
        #expect(text.contains("\r\nConnection: close\r\n"), "\(text)")
        #expect(text.hasSuffix("\r\n\r\n" + Self.healthBody), "\(text)")
        #expect(closed)
        #expect(server.waitForExit(timeout: 5) == 0)
        // The last line says what was drained: at least our two connections open (a probe of
        // waitUntilRefused may be accepted before the signal lands), one request answered.
        let stopped = server.log.split(separator: "\n").first { $0.contains("every connection drained") } ?? ""
        let atStart = stopped.firstRange(of: #""connections_at_start":""#).map {
            stopped[$0.upperBound...].prefix { $0.isNumber }
        }
        #expect(atStart.flatMap { Int($0) }.map { $0 >= 2 } == true, "\(server.log)")
        #expect(stopped.contains(#""requests_answered":"1""#), "\(server.log)")
        #expect(stopped.contains(#""drain_ms":""#), "\(server.log)")
    }

    /// The access log names method, route template, status and duration, never the query.
    @Test func accessLogHasRouteTemplateAndNoQuery() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let response = try CurlClient().request("GET", "\(server.baseURL)/healthz?symptom=saddle-numbness")
        #expect(response.status == 200)
        // Log lines are written in batches (at least every 100 ms).
        let line = try #require(
            server.waitForLogLine(containing: #""message":"request""#, timeout: 5), "no access log line: \(server.log)")
        #expect(line.contains(#""route":"/healthz""#))
        #expect(line.contains(#""method":"GET""#))
        #expect(line.contains(#""status":"200""#))
        #expect(line.contains(#""duration_ms":"#))
        #expect(!server.log.contains("saddle-numbness"))
    }

    /// A supervisor may stop the server as soon as it says it is listening: the
    /// SIGTERM must start the same graceful shutdown (exit 0), not be lost or kill it.
    @Test func sigtermRightAfterListeningExitsZero() throws {
        for attempt in 1...10 {
            let server = try ServerProcess()
            defer { server.stop() }
            server.terminate()
            let status = server.waitForExit(timeout: 3)
            #expect(
                status == 0,
                "attempt \(attempt): exit status \(status.map { String($0) } ?? "none, still running 3 s after SIGTERM"); log:\n\(server.log)"
            )
            if status != 0 { break }
        }
    }

    // MARK: - Helpers

    /// The next GET on the same handle is answered over the same connection:
    /// whatever came before was framed exactly.
    static func expectConnectionReused(
        _ client: CurlClient, _ server: ServerProcess, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let next = try client.request("GET", "\(server.baseURL)/healthz")
        #expect(next.status == 200, sourceLocation: sourceLocation)
        #expect(next.text == healthBody, sourceLocation: sourceLocation)
        #expect(next.newConnections == 0, sourceLocation: sourceLocation)
    }

    static func problem(_ body: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    }

    /// Parses an IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ text: String) -> Date? {
        guard text.count == 29 else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }

    /// Tries to connect every 10 ms until the port refuses; false if it still accepts at the timeout.
    static func waitUntilRefused(port: Int, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard (try? RawClient(port: port, receiveTimeout: 1)) != nil else { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }
}

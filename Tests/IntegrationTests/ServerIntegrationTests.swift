import Foundation
import TestSupport
import Testing

/// The real server binary, driven over loopback TCP by libcurl.
struct ServerIntegrationTests {
    @Test func getHealthz() throws {
        let server = try ServerProcess()
        let response = try CurlClient().request("GET", "\(server.baseURL)/healthz")
        #expect(response.status == 200)
        #expect(response.text == #"{"status":"ok"}"#)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("Content-Length") == "15")
        let date = try #require(response.header("Date"))
        #expect(date.hasSuffix(" GMT") && date.count == 29, "\(date)")
    }

    @Test func headHasGetHeadersAndNoBody() throws {
        let server = try ServerProcess()
        let response = try CurlClient().request("HEAD", "\(server.baseURL)/healthz")
        #expect(response.status == 200)
        #expect(response.header("Content-Length") == "15")
        #expect(response.body.isEmpty)
    }

    @Test func keepAliveReusesOneConnection() throws {
        let server = try ServerProcess()
        let client = CurlClient()
        var connections = 0
        for _ in 0..<5 {
            let response = try client.request("GET", "\(server.baseURL)/healthz")
            #expect(response.status == 200)
            connections += response.newConnections
        }
        #expect(connections == 1)
    }

    @Test func expectContinueThenBodyThenReuse() throws {
        let server = try ServerProcess()
        let client = CurlClient()
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 2048)
        let response = try client.request(
            "POST", "\(server.baseURL)/healthz", headers: ["Expect: 100-continue", "Content-Type: application/json"],
            upload: .fixed(body))
        #expect(response.statusLines.first == "HTTP/1.1 100 Continue")
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
        // The body was consumed by the framing: the same connection serves the next request.
        let next = try client.request("GET", "\(server.baseURL)/healthz")
        #expect(next.status == 200)
        #expect(next.newConnections == 0)
    }

    @Test func chunkedUploadIsFramedAndTheConnectionReused() throws {
        let server = try ServerProcess()
        let client = CurlClient()
        let body = Array(String(repeating: "0123456789", count: 300).utf8)
        let response = try client.request(
            "POST", "\(server.baseURL)/healthz", upload: .chunked(body, pieceSize: 700))
        #expect(response.status == 405)
        #expect(response.header("Content-Type") == "application/problem+json")
        let next = try client.request("GET", "\(server.baseURL)/healthz")
        #expect(next.status == 200)
        #expect(next.newConnections == 0)
    }

    @Test(arguments: [true, false])
    func oversizedBodyGets413(withExpect: Bool) throws {
        let server = try ServerProcess(arguments: ["--max-body-bytes", "1024"])
        let body = [UInt8](repeating: UInt8(ascii: "b"), count: 4096)
        let response = try CurlClient().request(
            "POST", "\(server.baseURL)/healthz", headers: [withExpect ? "Expect: 100-continue" : "Expect:"],
            upload: .fixed(body))
        #expect(response.status == 413)
        #expect(!response.statusLines.contains("HTTP/1.1 100 Continue"))
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("Connection") == "close")
        #expect(response.text.contains(#""status":413"#))
    }

    @Test func unknownPathIs404Problem() throws {
        let server = try ServerProcess()
        let response = try CurlClient().request("GET", "\(server.baseURL)/v1/nothing-here")
        #expect(response.status == 404)
        #expect(response.header("Content-Type") == "application/problem+json")
        let problem = try #require(
            try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(problem["type"] as? String == "about:blank")
        #expect(problem["title"] as? String == "Not Found")
        #expect(problem["status"] as? Int == 404)
        #expect((problem["detail"] as? String)?.isEmpty == false)
    }

    @Test func wrongMethodIs405WithAllowAndOptionsAnswersAllow() throws {
        let server = try ServerProcess()
        let client = CurlClient()
        let deleted = try client.request("DELETE", "\(server.baseURL)/healthz")
        #expect(deleted.status == 405)
        #expect(deleted.header("Allow") == "GET, HEAD, OPTIONS")
        #expect(deleted.text.contains(#""status":405"#))
        let options = try client.request("OPTIONS", "\(server.baseURL)/healthz")
        #expect(options.status == 200)
        #expect(options.header("Allow") == "GET, HEAD, OPTIONS")
    }

    @Test func http10ConnectionIsNotReused() throws {
        let server = try ServerProcess()
        let client = CurlClient()
        let first = try client.request("GET", "\(server.baseURL)/healthz", http10: true)
        #expect(first.status == 200)
        #expect(first.header("Connection") == "close")
        let second = try client.request("GET", "\(server.baseURL)/healthz", http10: true)
        #expect(second.newConnections == 1)
    }

    /// libcurl will not send a smuggling attempt; a raw socket does.
    @Test func contentLengthWithTransferEncodingIs400AndClose() throws {
        let server = try ServerProcess()
        let socket = try RawClient(port: server.port)
        socket.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        let (text, closed) = socket.receive()
        #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(text.contains("Connection: close\r\n"))
        #expect(text.contains("application/problem+json"))
        #expect(closed)
    }

    /// SIGTERM: the slow in-flight request completes, the idle connection is
    /// closed, new connections are refused, and the process exits 0.
    @Test func sigtermDrainsInFlightRequestAndExitsZero() throws {
        let server = try ServerProcess()
        let idle = try RawClient(port: server.port)
        idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.receiveResponses(1).hasPrefix("HTTP/1.1 200 OK"))
        let slow = try RawClient(port: server.port)
        slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
        Thread.sleep(forTimeInterval: 0.2)
        server.terminate()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(throws: (any Error).self) { _ = try RawClient(port: server.port) }
        slow.send("\r\n")
        let (text, closed) = slow.receive()
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text)")
        #expect(text.contains("Connection: close\r\n"))
        #expect(text.hasSuffix(#"{"status":"ok"}"#))
        #expect(closed)
        let idleAfter = idle.receive()
        #expect(idleAfter.text.isEmpty && idleAfter.closed)
        #expect(server.waitForExit(timeout: 5) == 0)
        #expect(server.log.contains("every connection drained"))
    }

    /// The access log names method, route template, status and duration, never the query.
    @Test func accessLogHasRouteTemplateAndNoQuery() throws {
        let server = try ServerProcess()
        _ = try CurlClient().request("GET", "\(server.baseURL)/healthz?symptom=saddle-numbness")
        server.terminate()
        #expect(server.waitForExit(timeout: 5) == 0)
        let line = try #require(server.log.split(separator: "\n").first { $0.contains(#""message":"request""#) })
        #expect(line.contains(#""route":"/healthz""#))
        #expect(line.contains(#""method":"GET""#))
        #expect(line.contains(#""status":"200""#))
        #expect(line.contains(#""duration_ms":"#))
        #expect(!server.log.contains("saddle-numbness"))
    }
}

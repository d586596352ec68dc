import Testing

@testable import HTTPServer

/// Valid requests: what the parser reports, whole and at every split.
struct RequestParserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: String
        var targets: [String]
        var bodies: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "simple GET", bytes: "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n", targets: ["/healthz"],
            bodies: [""]),
        Case(
            name: "POST with Content-Length",
            bytes:
                "POST /v1/triage HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"bc\"}\n",
            targets: ["/v1/triage"], bodies: ["{\"a\":\"bc\"}\n"]),
        Case(
            name: "QUERY with a body",
            bytes:
                "QUERY /v1/triage HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
            targets: ["/v1/triage"], bodies: ["{}"]),
        Case(
            name: "identical Content-Length fields",
            bytes: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
            targets: ["/"], bodies: ["abc"]),
        Case(
            name: "chunked with extensions and trailers",
            bytes: "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n",
            targets: ["/up"], bodies: ["hello world"]),
        Case(
            name: "chunked with uppercase hex and TE in another case",
            bytes: "POST / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
            targets: ["/"], bodies: ["0123456789"]),
        Case(
            name: "three pipelined requests",
            bytes:
                "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHost: a\r\n\r\n",
            targets: ["/a", "/b", "/c"], bodies: ["", "hi", ""]),
        Case(
            name: "pipelined after a chunked body",
            bytes:
                "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n",
            targets: ["/a", "/b"], bodies: ["ok", ""]),
        Case(
            name: "empty lines before the request line",
            bytes: "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", targets: ["/"], bodies: [""]),
        Case(
            name: "absolute-form target",
            bytes: "GET http://example.com/healthz?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
            targets: ["http://example.com/healthz?x=1"], bodies: [""]),
        Case(name: "OPTIONS asterisk", bytes: "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", targets: ["*"], bodies: [""]),
        Case(name: "HTTP/1.0 without Host", bytes: "GET / HTTP/1.0\r\n\r\n", targets: ["/"], bodies: [""]),
        Case(
            name: "field values with surrounding whitespace and obs-text",
            bytes: "GET / HTTP/1.1\r\nHost:a\r\nX-A: \t caf\u{e9} \t\r\n\r\n", targets: ["/"], bodies: [""]),
    ]

    @Test("valid request parses the same whole and split", arguments: cases)
    func parses(_ testCase: Case) {
        let (whole, mismatches) = ParserHarness.parseEverySplit(Array(testCase.bytes.utf8))
        #expect(whole.error == nil, "\(whole)")
        #expect(whole.requests.map(\.target) == testCase.targets)
        #expect(whole.requests.map { String(decoding: $0.body, as: UTF8.self) } == testCase.bodies)
        #expect(!whole.incomplete)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }

    @Test func headersKeepOrderDuplicatesAndTrimmedValues() throws {
        let outcome = ParserHarness.parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a:  2 \r\nAccept: */*\r\n\r\n")
        let request = try #require(outcome.requests.first)
        #expect(request.headers == ["Host: a", "X-A: 1", "x-a: 2", "Accept: */*"])
    }

    @Test func headerLookupIsCaseInsensitive() throws {
        var parser = RequestParser(limits: ServerLimits())
        parser.append(
            contentsOf: Array("GET / HTTP/1.1\r\nHOST: a\r\nContent-TYPE: text/plain\r\nX-A: 1\r\nX-a: 2\r\n\r\n".utf8))
        guard case .request(let request) = parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(request.headers["content-type"] == "text/plain")
        #expect(request.headers["Host"] == "a")
        #expect(request.headers.values(for: "x-a") == ["1", "2"])
        #expect(request.headers["missing"] == nil)
    }

    @Test func targetSplitsIntoPathAndQuery() {
        let request = HTTPRequest(method: .get, target: "/v1/side-effects?q=numb%20legs&limit=5")
        #expect(request.path == "/v1/side-effects")
        #expect(request.query == "q=numb%20legs&limit=5")
        let absolute = HTTPRequest(method: .get, target: "https://example.com/a/b?c")
        #expect(absolute.path == "/a/b")
        #expect(absolute.query == "c")
        let bare = HTTPRequest(method: .get, target: "http://example.com")
        #expect(bare.path == "/")
    }

    /// RFC 9112 §9.3: persistence depends on the version and Connection.
    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n", false),
        ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
        ("GET / HTTP/1.0\r\nConnection: Keep-Alive, close\r\n\r\n", false),
    ])
    func keepAliveFollowsVersionAndConnection(request: String, keepAlive: Bool) throws {
        let outcome = ParserHarness.parse(request)
        let parsed = try #require(outcome.requests.first)
        #expect(parsed.keepAlive == keepAlive)
    }

    @Test func expectContinueIsReportedOnceBeforeTheBody() {
        var parser = RequestParser(limits: ServerLimits())
        parser.append(
            contentsOf: Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        #expect(isContinue(parser.next()))
        #expect(isNeedMoreData(parser.next()))
        parser.append(contentsOf: Array("ok".utf8))
        guard case .request(let request) = parser.next() else {
            Issue.record("expected the request")
            return
        }
        #expect(request.body == Array("ok".utf8))
    }

    @Test func expectContinueIsNotReportedWhenTheBodyAlreadyArrived() {
        var parser = RequestParser(limits: ServerLimits())
        parser.append(
            contentsOf: Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok".utf8))
        guard case .request = parser.next() else {
            Issue.record("expected the request at once")
            return
        }
    }

    @Test func expectContinueWithChunkedBody() {
        var parser = RequestParser(limits: ServerLimits())
        parser.append(
            contentsOf: Array(
                "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        #expect(isContinue(parser.next()))
        parser.append(contentsOf: Array("1\r\nx\r\n0\r\n\r\n".utf8))
        guard case .request(let request) = parser.next() else {
            Issue.record("expected the request")
            return
        }
        #expect(request.body == Array("x".utf8))
    }

    /// An oversized body is refused from its Content-Length alone, before any
    /// body byte, so a client waiting on 100-continue gets 413 at once.
    @Test func oversizedBodyIsRefusedBeforeContinue() {
        var limits = ServerLimits()
        limits.maxBodyBytes = 10
        var parser = RequestParser(limits: limits)
        parser.append(
            contentsOf: Array("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n".utf8))
        guard case .failure(.bodyTooLarge) = parser.next() else {
            Issue.record("expected bodyTooLarge")
            return
        }
    }

    @Test func bodyAtExactlyTheLimitIsAccepted() {
        var limits = ServerLimits()
        limits.maxBodyBytes = 4
        let fixed = ParserHarness.parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd", limits: limits)
        #expect(fixed.requests.count == 1 && fixed.error == nil)
        let chunked = ParserHarness.parse(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n",
            limits: limits)
        #expect(chunked.requests.count == 1 && chunked.error == nil)
    }

    @Test func partialRequestIsIncompleteNotAnError() {
        let outcome = ParserHarness.parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        #expect(outcome.requests.isEmpty)
        #expect(outcome.error == nil)
        #expect(outcome.incomplete)
    }

    @Test func contentLengthParsesDigitByDigit() throws {
        #expect(try RequestParser.parseContentLength(Array("0".utf8)).get() == 0)
        #expect(try RequestParser.parseContentLength(Array("1048576".utf8)).get() == 1_048_576)
        #expect(try RequestParser.parseContentLength(Array("007".utf8)).get() == 7)
        #expect(try RequestParser.parseContentLength(Array("5,5".utf8)).get() == 5)
        #expect(try RequestParser.parseContentLength(Array(String(Int.max).utf8)).get() == Int.max)
        for bad in ["+3", "-3", "3a", "", " ", "0x10", "1 2", "9223372036854775808", "1_000", ","] {
            #expect(throws: ParseError.self, "\(bad)") { try RequestParser.parseContentLength(Array(bad.utf8)).get() }
        }
    }

    private func isContinue(_ result: ParseResult) -> Bool {
        if case .continueExpected = result { return true }
        return false
    }

    private func isNeedMoreData(_ result: ParseResult) -> Bool {
        if case .needMoreData = result { return true }
        return false
    }
}

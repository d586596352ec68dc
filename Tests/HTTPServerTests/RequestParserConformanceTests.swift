import Testing

@testable import HTTPServer

/// RFC 9112 framing and RFC 9110 semantics: each malformed request maps to
/// one error (and so one status), whole, byte by byte and at every split.
struct RequestParserConformanceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var request: String
        var expected: ParseError
        var limits: ServerLimits = ServerLimits()
        var testDescription: String { name }
    }

    static let smallLimits: ServerLimits = {
        var limits = ServerLimits()
        limits.maxRequestTargetBytes = 64
        limits.maxHeaderBytes = 256
        limits.maxHeaderFields = 5
        limits.maxBodyBytes = 32
        return limits
    }()

    static let cases: [Case] = [
        // RFC 9112 §3.2: Host is required in HTTP/1.1, and only once.
        Case(name: "HTTP/1.1 without Host", request: "GET / HTTP/1.1\r\n\r\n", expected: .missingHost),
        Case(
            name: "two Host fields", request: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            expected: .duplicateHost),
        Case(
            name: "two identical Host fields", request: "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
            expected: .duplicateHost),
        Case(name: "Host with a space", request: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", expected: .invalidFieldValue),
        // RFC 9112 §6.1: Content-Length with Transfer-Encoding is a smuggling attempt.
        Case(
            name: "Content-Length with Transfer-Encoding",
            request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            expected: .contentLengthWithTransferEncoding),
        Case(
            name: "Transfer-Encoding before Content-Length",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
            expected: .contentLengthWithTransferEncoding),
        // RFC 9110 §8.6: Content-Length is 1*DIGIT; differing values are an error.
        Case(
            name: "two differing Content-Length fields",
            request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            expected: .conflictingContentLength),
        Case(
            name: "Content-Length list that differs",
            request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!",
            expected: .conflictingContentLength),
        // Go issue 39017: "+3" must not parse as 3.
        Case(
            name: "Content-Length with plus sign", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n",
            expected: .invalidContentLength),
        Case(
            name: "negative Content-Length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
            expected: .invalidContentLength),
        Case(
            name: "hexadecimal Content-Length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n",
            expected: .invalidContentLength),
        Case(
            name: "Content-Length with inner space",
            request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\n",
            expected: .invalidContentLength),
        Case(
            name: "empty Content-Length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
            expected: .invalidContentLength),
        Case(
            name: "Content-Length overflowing Int",
            request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
            expected: .invalidContentLength),
        // RFC 9112 §6.3: the final coding must be chunked; others are not implemented.
        Case(
            name: "Transfer-Encoding gzip only",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
            expected: .chunkedNotFinal),
        Case(
            name: "Transfer-Encoding chunked then gzip",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            expected: .chunkedNotFinal),
        Case(
            name: "Transfer-Encoding gzip then chunked",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            expected: .unsupportedTransferCoding),
        Case(
            name: "Transfer-Encoding chunked twice",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            expected: .chunkedNotFinal),
        Case(
            name: "Transfer-Encoding chunked with a parameter",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;x=1\r\n\r\n",
            expected: .chunkedNotFinal),
        Case(
            name: "empty Transfer-Encoding", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n",
            expected: .chunkedNotFinal),
        Case(
            name: "Transfer-Encoding in HTTP/1.0",
            request: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            expected: .transferEncodingInHTTP10),
        // RFC 9112 §7.1: chunk framing.
        Case(
            name: "chunk size not hexadecimal",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            expected: .invalidChunkSize),
        Case(
            name: "chunk size missing", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
            expected: .invalidChunkSize),
        Case(
            name: "chunk size with sign",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n",
            expected: .invalidChunkSize),
        Case(
            name: "chunk size line with bare LF",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n",
            expected: .invalidChunkSize),
        Case(
            name: "chunk size overflow",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
            expected: .chunkSizeOverflow),
        Case(
            name: "chunk data without CRLF",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
            expected: .missingChunkTerminator),
        Case(
            name: "chunk data with CR but no LF",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\rX",
            expected: .missingChunkTerminator),
        // RFC 9112 §5.1–5.2 and §2.2: field syntax, folding, line breaks.
        Case(
            name: "obs-fold", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  continued\r\n\r\n",
            expected: .obsoleteLineFolding),
        Case(
            name: "obs-fold with tab", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\tcontinued\r\n\r\n",
            expected: .obsoleteLineFolding),
        Case(
            name: "space before colon", request: "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
            expected: .whitespaceBeforeColon),
        Case(
            name: "tab before colon", request: "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
            expected: .whitespaceBeforeColon),
        Case(
            name: "invalid field-name character", request: "GET / HTTP/1.1\r\nHost: a\r\nX(A): 1\r\n\r\n",
            expected: .invalidFieldName),
        Case(
            name: "field without colon", request: "GET / HTTP/1.1\r\nHost: a\r\nXA\r\n\r\n", expected: .invalidFieldName
        ),
        Case(
            name: "empty field name", request: "GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n", expected: .invalidFieldName),
        Case(
            name: "bare CR in a field value", request: "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", expected: .bareLineBreak),
        Case(
            name: "bare CR in the request line", request: "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n",
            expected: .bareLineBreak),
        Case(name: "bare LF ending a field", request: "GET / HTTP/1.1\r\nHost: a\n\r\n", expected: .bareLineBreak),
        Case(name: "NUL in a field value", request: "GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n", expected: .nulInHead),
        Case(name: "NUL in the request line", request: "GET /\u{0} HTTP/1.1\r\nHost: a\r\n\r\n", expected: .nulInHead),
        Case(
            name: "control character in a field value", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u{1}b\r\n\r\n",
            expected: .invalidFieldValue),
        Case(
            name: "DEL in a field value", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u{7F}b\r\n\r\n",
            expected: .invalidFieldValue),
        // RFC 9112 §3: request line.
        Case(name: "DEL in the target", request: "GET /a\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", expected: .invalidTarget),
        Case(
            name: "target not in origin form", request: "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", expected: .invalidTarget),
        Case(name: "asterisk target for GET", request: "GET * HTTP/1.1\r\nHost: a\r\n\r\n", expected: .invalidTarget),
        Case(
            name: "two spaces after the method", request: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
            expected: .invalidRequestLine),
        Case(
            name: "space after the version", request: "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
            expected: .invalidRequestLine),
        Case(name: "missing version", request: "GET /\r\nHost: a\r\n\r\n", expected: .invalidRequestLine),
        Case(
            name: "method with a non-token byte", request: "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n",
            expected: .invalidMethod),
        Case(name: "unknown method", request: "BREW / HTTP/1.1\r\nHost: a\r\n\r\n", expected: .unknownMethod),
        Case(name: "lowercase method", request: "get / HTTP/1.1\r\nHost: a\r\n\r\n", expected: .unknownMethod),
        Case(name: "HTTP/2.0", request: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", expected: .unsupportedVersion),
        Case(
            name: "HTTP/0.9 style version", request: "GET / HTTP/0.9\r\nHost: a\r\n\r\n", expected: .unsupportedVersion),
        Case(name: "HTTP/1.2", request: "GET / HTTP/1.2\r\nHost: a\r\n\r\n", expected: .unsupportedVersion),
        Case(name: "lowercase version", request: "GET / http/1.1\r\nHost: a\r\n\r\n", expected: .invalidVersion),
        Case(name: "version without minor", request: "GET / HTTP/1\r\nHost: a\r\n\r\n", expected: .invalidVersion),
        Case(name: "two-digit minor version", request: "GET / HTTP/1.10\r\nHost: a\r\n\r\n", expected: .invalidVersion),
        // RFC 9110 §10.1.1
        Case(
            name: "unknown expectation",
            request: "POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx",
            expected: .unsupportedExpectation),
        // Limits.
        Case(
            name: "target over the limit",
            request: "GET /" + String(repeating: "a", count: 64) + " HTTP/1.1\r\nHost: a\r\n\r\n",
            expected: .targetTooLong, limits: smallLimits),
        Case(
            name: "unterminated request line far over the target limit",
            request: "GET /" + String(repeating: "a", count: 200), expected: .targetTooLong, limits: smallLimits),
        Case(
            name: "header section over the limit",
            request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: " + String(repeating: "b", count: 300) + "\r\n\r\n",
            expected: .headerSectionTooLarge, limits: smallLimits),
        Case(
            name: "unterminated header section over the limit",
            request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: " + String(repeating: "b", count: 300),
            expected: .headerSectionTooLarge, limits: smallLimits),
        Case(
            name: "many small fields over the size limit",
            request: "GET / HTTP/1.1\r\nHost: a\r\n"
                + String(repeating: "X-A: " + String(repeating: "b", count: 60) + "\r\n", count: 5),
            expected: .headerSectionTooLarge, limits: smallLimits),
        Case(
            name: "more fields than the limit",
            request: "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-A: 1\r\n", count: 5) + "\r\n",
            expected: .tooManyHeaderFields, limits: smallLimits),
        Case(
            name: "Content-Length over the body limit",
            request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 33\r\n\r\n",
            expected: .bodyTooLarge, limits: smallLimits),
        Case(
            name: "chunks adding up over the body limit",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n11\r\n",
            expected: .bodyTooLarge, limits: smallLimits),
        Case(
            name: "trailers over the header limit",
            request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: "
                + String(repeating: "t", count: 300) + "\r\n\r\n",
            expected: .headerSectionTooLarge, limits: smallLimits),
    ]

    @Test("malformed request is rejected with the expected error", arguments: cases)
    func rejects(_ testCase: Case) {
        let (whole, mismatches) = ParserHarness.parseEverySplit(Array(testCase.request.utf8), limits: testCase.limits)
        #expect(whole.error == testCase.expected, "\(whole)")
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }

    /// The status table of the foundation issue: each error maps to its status.
    @Test func errorsMapToTheirStatuses() {
        let expected: [ParseError: Int] = [
            .missingHost: 400, .duplicateHost: 400, .contentLengthWithTransferEncoding: 400,
            .conflictingContentLength: 400, .invalidContentLength: 400, .chunkedNotFinal: 400,
            .unsupportedTransferCoding: 501, .transferEncodingInHTTP10: 400, .invalidChunkSize: 400,
            .chunkSizeOverflow: 400, .missingChunkTerminator: 400, .obsoleteLineFolding: 400,
            .whitespaceBeforeColon: 400, .invalidFieldName: 400, .bareLineBreak: 400, .nulInHead: 400,
            .targetTooLong: 414, .headerSectionTooLarge: 431, .tooManyHeaderFields: 431, .bodyTooLarge: 413,
            .unsupportedVersion: 505, .invalidVersion: 400, .unknownMethod: 501, .unsupportedExpectation: 417,
        ]
        for (error, status) in expected {
            #expect(error.status.code == status, "\(error)")
        }
        for error in ParseError.allCases {
            #expect((400..<600).contains(error.status.code), "\(error)")
            #expect(!error.detail.isEmpty)
        }
    }

    /// No byte outside `tchar` may appear in a field name (RFC 9110 §5.6.2).
    @Test func everyNonTokenByteIsRejectedInFieldNames() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8(0)...UInt8(255) {
            #expect(ByteClass.isToken(byte) == tchar.contains(byte), "byte \(byte)")
            guard !tchar.contains(byte), byte != UInt8(ascii: ":") else { continue }
            var bytes = Array("GET / HTTP/1.1\r\nHost: a\r\nX".utf8)
            bytes.append(byte)
            bytes.append(contentsOf: Array("Y: 1\r\n\r\n".utf8))
            let outcome = ParserHarness.parse([bytes])
            #expect(outcome.error != nil && outcome.requests.isEmpty, "byte \(byte): \(outcome)")
        }
    }

    /// Once failed, a parser stays failed whatever arrives next.
    @Test func failureIsSticky() {
        var parser = RequestParser(limits: ServerLimits())
        parser.append(contentsOf: Array("GET / HTTP/1.1\r\n\r\n".utf8))
        guard case .failure(.missingHost) = parser.next() else {
            Issue.record("expected missingHost")
            return
        }
        parser.append(contentsOf: Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        guard case .failure(.missingHost) = parser.next() else {
            Issue.record("expected the failure to persist")
            return
        }
    }
}

import Testing

@testable import HTTPServer

struct ResponseSerializerTests {
    func serialize(_ response: HTTPResponse, isHead: Bool = false, close: Bool = false, http10: Bool = false) -> String
    {
        var output: [UInt8] = []
        ResponseSerializer.write(
            response, isHead: isHead, close: close, keepAliveForHTTP10: http10,
            date: Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8), into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func writesFramingItself() {
        let response = HTTPResponse(
            headers: [("Content-Length", "999"), ("X-Request-ID", "abc"), ("Transfer-Encoding", "chunked")],
            body: Array("{}".utf8))
        #expect(
            serialize(response)
                == "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nX-Request-ID: abc\r\n\r\n{}")
    }

    /// Every field the serializer owns is dropped from a handler's, in any
    /// case; fields of the same length or first letter stay.
    @Test func dropsEveryFramingFieldInAnyCase() {
        let owned = ["content-length", "TRANSFER-ENCODING", "Connection", "date", "Content-type", "Keep-Alive"]
        let kept = ["Vary", "Dare", "ETag", "X-Request-ID", "Cache-Control", "Content-Language", "Keep-Alivf", "Tag"]
        let text = serialize(HTTPResponse(headers: (owned + kept).map { ($0, "v") }, body: Array("{}".utf8)))
        let head = text.split(separator: "\r\n\r\n")[0]
        let names = head.split(separator: "\r\n").dropFirst().compactMap { $0.split(separator: ":").first }
        #expect(names == ["Date", "Content-Type", "Content-Length"] + kept.map { Substring($0) })
    }

    @Test func headKeepsContentLengthAndDropsBody() {
        let text = serialize(HTTPResponse(body: Array("hello".utf8)), isHead: true)
        #expect(text.contains("Content-Length: 5\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test func connectionHeaders() {
        #expect(serialize(HTTPResponse(), close: true).contains("\r\nConnection: close\r\n"))
        #expect(serialize(HTTPResponse(), http10: true).contains("\r\nConnection: keep-alive\r\n"))
        #expect(!serialize(HTTPResponse()).contains("Connection:"))
    }

    @Test func noContentHasNoBodyOrLength() {
        let text = serialize(HTTPResponse(status: .noContent, body: Array("x".utf8)))
        #expect(!text.contains("Content-Length"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test(arguments: [0, 7, 10, 99, 100, 12345, 1_048_576, Int.max])
    func decimalDigits(_ value: Int) {
        var output: [UInt8] = []
        ResponseSerializer.appendDecimal(value, to: &output)
        #expect(String(decoding: output, as: UTF8.self) == String(value))
    }

    @Test func dateIsIMFFixdate() {
        #expect(DateCache.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(DateCache.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }
}

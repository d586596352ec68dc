/// Writes a response's bytes. It owns framing: handlers never set
/// `Content-Length`, `Transfer-Encoding`, `Connection` or `Date`.
enum ResponseSerializer {
    /// Field names the serializer writes itself; a handler's copies are dropped.
    private static let framingFields: [String] = [
        "content-length", "transfer-encoding", "connection", "date", "content-type", "keep-alive",
    ]
    /// Their first letters, as bits over `a`...`z`.
    private static let framingFirstLetters: UInt32 = framingFields.reduce(0) { letters, name in
        letters | 1 << UInt32((name.utf8.first ?? UInt8(ascii: "a")) - UInt8(ascii: "a"))
    }

    /// Whether a handler's field is one the serializer owns, compared
    /// case-insensitively without allocating (every response has extra fields).
    private static func isFramingField(_ name: String) -> Bool {
        // Most fields (ETag, Vary, X-Request-ID...) start with a letter none of these does.
        let letter = UInt32(ByteClass.lowercased(name.utf8.first ?? 0)) &- UInt32(UInt8(ascii: "a"))
        guard letter < 26, framingFirstLetters & 1 << letter != 0 else { return false }
        return framingFields.contains { framing in
            framing.utf8.count == name.utf8.count
                && zip(framing.utf8, name.utf8).allSatisfy { $0 == ByteClass.lowercased($1) }
        }
    }

    /// Appends the response to `output`.
    /// - Parameters:
    ///   - isHead: the request was HEAD: write the GET headers, no body (RFC 9110 §9.3.2).
    ///   - close: add `Connection: close`.
    ///   - keepAliveForHTTP10: add `Connection: keep-alive` (an HTTP/1.0 client asked for it).
    static func write(
        _ response: HTTPResponse, isHead: Bool, close: Bool, keepAliveForHTTP10: Bool,
        date: [UInt8], into output: inout some ResponseOutput
    ) {
        output.append(literal: "HTTP/1.1 ")
        appendDecimal(response.status.code, to: &output)
        output.append(UInt8(ascii: " "))
        output.append(string: response.status.reasonPhrase)
        output.append(literal: "\r\nDate: ")
        output.append(contentsOf: date)
        if response.status.allowsContent {
            output.append(literal: "\r\nContent-Type: ")
            output.append(string: response.contentType)
            output.append(literal: "\r\nContent-Length: ")
            appendDecimal(response.body.count, to: &output)
        }
        if close {
            output.append(literal: "\r\nConnection: close")
        } else if keepAliveForHTTP10 {
            output.append(literal: "\r\nConnection: keep-alive")
        }
        for field in response.headers where !isFramingField(field.name) {
            output.append(literal: "\r\n")
            output.append(string: field.name)
            output.append(literal: ": ")
            output.append(string: field.value)
        }
        output.append(literal: "\r\n\r\n")
        if !isHead && response.status.allowsContent {
            output.appendBody(response.body)
        }
    }

    /// The interim `100 Continue` response (RFC 9110 §15.2.1).
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    static func appendDecimal(_ value: Int, to output: inout some ResponseOutput) {
        if value < 10 {
            output.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            output.append(contentsOf: buffer[(20 - count)...])
        }
    }
}

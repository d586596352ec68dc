/// A response as a handler builds it.
///
/// Handlers never set framing fields: the serializer writes `Content-Length`,
/// `Date` and `Connection`, and leaves the body out for `HEAD`.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    /// The media type of the body, written as `Content-Type`.
    public var contentType: String
    /// Other header fields, in order. Framing fields here are ignored.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        status: HTTPStatus = .ok,
        contentType: String = "application/json",
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// The value of the named extra header, if set.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

extension HTTPResponse {
    /// An RFC 9457 `application/problem+json` response with `type`, `title`,
    /// `status` and `detail`. `detail` should come from a fixed vocabulary:
    /// never echo the client's bytes back.
    public static func problem(
        _ status: HTTPStatus,
        detail: String,
        type: String = "about:blank",
        title: String? = nil,
        extraMembers: String = ""
    ) -> HTTPResponse {
        var json = "{\"type\":"
        JSONString.append(type, to: &json)
        json += ",\"title\":"
        JSONString.append(title ?? status.reasonPhrase, to: &json)
        json += ",\"status\":\(status.code),\"detail\":"
        JSONString.append(detail, to: &json)
        json += extraMembers
        json += "}"
        return HTTPResponse(status: status, contentType: "application/problem+json", body: Array(json.utf8))
    }
}

/// JSON string escaping (RFC 8259 §7) for the server's own bodies and logs.
public enum JSONString {
    /// Appends `value` as a quoted JSON string. Bytes at or above 0x80 pass
    /// through (valid UTF-8 is valid JSON); quotes, backslashes and control
    /// characters are escaped.
    public static func append(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            // Most strings need no escape: find the first byte that does, eight at a time.
            var clean = 0
            if let base = bytes.baseAddress {
                while clean + 8 <= bytes.count,
                    !needsEscape(UnsafeRawPointer(base + clean).loadUnaligned(as: UInt64.self))
                {
                    clean += 8
                }
            }
            // Fewer than eight bytes left (the scan above stops early at a word that
            // needs an escape, and then more are left: those go to the loop below).
            if clean < bytes.count, bytes.count - clean < 8, let base = bytes.baseAddress {
                // The last 1–7 bytes as one word, padded with a byte that needs no escape.
                var tail: UInt64 = 0x4141_4141_4141_4141
                withUnsafeMutableBytes(of: &tail) { word in
                    word.baseAddress!.copyMemory(from: base + clean, byteCount: bytes.count - clean)
                }
                if !needsEscape(tail) { clean = bytes.count }
            }
            if clean == bytes.count {
                output.append(contentsOf: bytes)
                return
            }
            var runStart = 0
            for index in clean..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else {
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\n"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case UInt8(ascii: "\t"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: Array("\\u00".utf8))
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 0xF)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        output.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    /// Whether any of the eight bytes of `word` is below 0x20, `"`, `\` or 0x7F
    /// (the classic "has a zero byte" and "has a byte less than n" bit tricks;
    /// bytes at or above 0x80 never match).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let below0x20 = (word &- ones &* 0x20) & ~word & highs
        return
            (below0x20 | hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x5C))
            | hasZeroByte(word ^ (ones &* 0x7F))) != 0
    }

    /// Appends `value` as a quoted JSON string.
    public static func append(_ value: String, to output: inout String) {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        output += String(decoding: bytes, as: UTF8.self)
    }
}

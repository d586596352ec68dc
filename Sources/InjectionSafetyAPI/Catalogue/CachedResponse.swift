import FoundationEssentials
import HTTPFramework
import HTTPServer
import JSONWriter

/// A catalogue body with its strong validator, answered with `ETag`,
/// `Cache-Control` (and `Content-Language` when it has patient text), and as `304 Not Modified` when the
/// client already holds it (RFC 9110 §13.1.2).
struct CachedResponse: Sendable {
    let body: [UInt8]
    let etag: String
    /// The language of the body's text, when it has patient text (then the
    /// response says so and varies on `Accept-Language`).
    let language: String?

    static let cacheControl = "public, max-age=300"

    /// A body whose validator is a hash of its bytes (for documents built once).
    init(body: [UInt8], language: String? = nil) {
        self.init(body: body, identity: body, language: language)
    }

    /// A body whose validator is a hash of `identity`: bytes that determine the
    /// body completely (e.g. the data version and the ids on a page), cheaper to
    /// hash than the body itself.
    init<Identity: Sequence<UInt8>>(body: [UInt8], identity: Identity, language: String? = nil) {
        self.body = body
        self.language = language
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in identity { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        self.etag = "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// The response to `request`: 304 when `If-None-Match` matches, else 200 with the body.
    func response(to request: HTTPRequest, extraHeaders: [(name: String, value: String)] = []) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("ETag", etag), ("Cache-Control", Self.cacheControl)]
        if let language { headers += ContentLanguage.headers(language) }
        // One Vary field: what this response's other headers vary on, with Accept-Language.
        for header in extraHeaders {
            if header.name == "Vary", let index = headers.firstIndex(where: { $0.name == "Vary" }) {
                headers[index].value = header.value + ", " + headers[index].value
            } else {
                headers.append(header)
            }
        }
        if let condition = request.headers["If-None-Match"], Self.matches(condition, etag) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        return HTTPResponse(status: .ok, contentType: "application/json", headers: headers, body: body)
    }

    /// `If-None-Match` uses the weak comparison: `*`, or any listed tag equal
    /// to ours once a `W/` prefix is set aside.
    static func matches(_ condition: String, _ etag: String) -> Bool {
        let trimmed = String(condition.trimmingWhitespace())
        if trimmed == "*" { return true }
        for candidate in trimmed.split(separator: ",") {
            var tag = String(candidate.trimmingWhitespace())
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag == etag { return true }
        }
        return false
    }
}

import FoundationEssentials
import HTTPFramework
import HTTPServer
import JSONWriter

/// A catalogue body with its strong validator, answered with `ETag`,
/// `Cache-Control` (with `Content-Language` and `Vary: Accept-Language` when it
/// has patient text, and `Vary` for what else it was chosen by), and as
/// `304 Not Modified` when the client already holds it (RFC 9110 §13.1.2).
struct CachedResponse: Sendable {
    let body: [UInt8]
    let etag: String
    /// The headers of every answer, made once.
    let headers: [(name: String, value: String)]

    static let cacheControl = "public, max-age=300"

    /// A body whose validator is a hash of its bytes (for documents built once).
    /// - Parameter language: the language of its text, when it has patient text.
    /// - Parameter vary: the request headers other than `Accept-Language` the body was chosen by (`Accept`).
    init(body: [UInt8], language: String? = nil, vary: String? = nil) {
        self.init(body: body, identity: body, language: language, vary: vary)
    }

    /// A body whose validator is a hash of `identity`: bytes that determine the
    /// body completely (e.g. the data version and the ids on a page), cheaper to
    /// hash than the body itself.
    init<Identity: Sequence<UInt8>>(
        body: [UInt8], identity: Identity, language: String? = nil, vary: String? = nil
    ) {
        self.body = body
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in identity { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        let etag = "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
        self.etag = etag
        var headers: [(name: String, value: String)] = [("ETag", etag), ("Cache-Control", Self.cacheControl)]
        if let language { headers.append(("Content-Language", language)) }
        let varies = [vary, language.map { _ in "Accept-Language" }].compactMap { $0 }
        if !varies.isEmpty { headers.append(("Vary", varies.joined(separator: ", "))) }
        self.headers = headers
    }

    /// The response to `request`: 304 when `If-None-Match` matches, else 200 with the body.
    func response(to request: HTTPRequest, extraHeaders: [(name: String, value: String)] = []) -> HTTPResponse {
        var headers = self.headers
        headers += extraHeaders
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

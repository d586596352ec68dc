/// A complete request: its head and its whole body (after chunked decoding).
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request-target as sent (origin-form, absolute-form, `*` or authority-form).
    public var target: String
    /// The path part of the target, still percent-encoded; `/` for `*` and authority-form.
    public var path: Substring
    /// The query part of the target after `?`, still encoded, or `nil` when absent.
    public var query: Substring?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Whether the client wants the connection kept open after this exchange
    /// (RFC 9112 §9.3: HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `keep-alive`).
    public var keepAlive: Bool

    public init(
        method: HTTPMethod,
        target: String,
        version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders([]),
        body: [UInt8] = [],
        keepAlive: Bool = true
    ) {
        self.method = method
        self.target = target
        (self.path, self.query) = HTTPRequest.split(target: target)
        self.version = version
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
    }

    /// Splits a request-target into path and query (RFC 9112 §3.2).
    static func split(target: String) -> (path: Substring, query: Substring?) {
        // Scanned as UTF-8 bytes: `/` and `?` are ASCII, so their indices are valid
        // String indices too, and no grapheme breaking is done per request.
        var rest = target[...]
        if rest.utf8.first != UInt8(ascii: "/") {
            // absolute-form (scheme://authority/path?query), asterisk-form or authority-form.
            guard let schemeEnd = Self.endOfScheme(rest) else { return ("/"[...], nil) }
            let afterAuthority = rest[schemeEnd...].firstIndex { $0 == "/" || $0 == "?" }
            guard let afterAuthority else { return ("/"[...], nil) }
            rest = rest[afterAuthority...]
            if rest.first == "?" { return ("/"[...], rest.dropFirst()) }
        }
        if let mark = rest.utf8.firstIndex(of: UInt8(ascii: "?")) {
            return (rest[..<mark], rest[rest.utf8.index(after: mark)...])
        }
        return (rest, nil)
    }

    /// The index just after `scheme://`, if the target starts with one.
    private static func endOfScheme(_ target: Substring) -> Substring.Index? {
        guard let colon = target.firstIndex(of: ":"),
            target[colon...].hasPrefix("://"),
            target[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        return target.index(colon, offsetBy: 3)
    }
}

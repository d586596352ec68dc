import HTTPServer

/// Cross-origin access for browser apps on other origins (a clinic portal's
/// front end calling the API directly). Off unless origins are configured.
///
/// A request whose `Origin` is allowed gets `Access-Control-Allow-Origin` (and
/// the response headers a script may read); a preflight `OPTIONS` from it is
/// answered `204` with the path's methods, the request headers the API reads,
/// and a max-age. Any other origin gets no CORS headers, so the browser keeps
/// the response from the page. No credentials: the API has no cookies.
public struct CORSPolicy: Sendable, Equatable {
    /// Exact origins (`https://portal.example.org`); empty means CORS is off.
    public let allowedOrigins: Set<String>
    /// `*` was configured: every origin, answered with `Access-Control-Allow-Origin: *`.
    public let allowsAnyOrigin: Bool

    public static let allowedRequestHeaders = "Accept, Accept-Language, Content-Type, If-None-Match, X-Request-ID"
    public static let exposedHeaders = "Content-Language, ETag, Link, X-Request-ID"
    /// Seconds a browser may cache a preflight answer.
    public static let maxAgeSeconds = 600

    public init(allowedOrigins: [String] = []) {
        self.allowsAnyOrigin = allowedOrigins.contains("*")
        self.allowedOrigins = Set(allowedOrigins.filter { $0 != "*" })
    }

    public var isEnabled: Bool { allowsAnyOrigin || !allowedOrigins.isEmpty }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let entry: String
        public init(entry: String) { self.entry = entry }
        public var description: String {
            "'\(entry)' is not * or an origin such as https://portal.example.org (scheme, host and optional port; lowercase; no path)"
        }
    }

    /// Parses a comma-separated list of origins or `*`; empty means off.
    public static func parse(_ list: String) throws(ParseError) -> CORSPolicy {
        var origins: [String] = []
        for entry in list.split(separator: ",") {
            let origin = String(entry.filter { $0 != " " && $0 != "\t" })
            guard !origin.isEmpty else { continue }
            guard origin == "*" || isSerializedOrigin(origin) else { throw ParseError(entry: origin) }
            origins.append(origin)
        }
        return CORSPolicy(allowedOrigins: origins)
    }

    /// `scheme://host[:port]` as a browser sends it in `Origin` (RFC 6454 §6.2).
    static func isSerializedOrigin(_ text: String) -> Bool {
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "http" || parts[0] == "https" else { return false }
        var hostAndPort = parts[1]
        if let colon = hostAndPort.lastIndex(of: ":"), !hostAndPort.hasSuffix("]") {
            let port = hostAndPort[hostAndPort.index(after: colon)...]
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber),
                let value = Int(port), (1...65535).contains(value)
            else { return false }
            hostAndPort = hostAndPort[..<colon]
        }
        guard !hostAndPort.isEmpty else { return false }
        return hostAndPort.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "[")
                || byte == UInt8(ascii: "]") || byte == UInt8(ascii: ":")
        }
    }

    /// The `Access-Control-Allow-Origin` value for this `Origin`, or `nil` if it is not allowed.
    public func allowOriginValue(for origin: String?) -> String? {
        guard let origin else { return nil }
        if allowedOrigins.contains(origin) { return origin }
        return allowsAnyOrigin ? "*" : nil
    }
}

/// Applies a ``CORSPolicy`` to every response (a no-op when the policy is off).
public struct CORSMiddleware: Middleware {
    let policy: CORSPolicy

    public init(policy: CORSPolicy) {
        self.policy = policy
    }

    public func respond(
        to request: HTTPRequest, context: inout RequestContext, next: Next
    ) -> HTTPResponse {
        guard policy.isEnabled else { return next(request, &context) }
        let origin = request.headers["Origin"]
        let allowOrigin = policy.allowOriginValue(for: origin)
        if request.method == .options, let allowOrigin, request.headers["Access-Control-Request-Method"] != nil {
            return preflight(request, context: &context, allowOrigin: allowOrigin, next: next)
        }
        var response = next(request, &context)
        if let allowOrigin {
            response.headers.append(("Access-Control-Allow-Origin", allowOrigin))
            response.headers.append(("Access-Control-Expose-Headers", CORSPolicy.exposedHeaders))
        }
        // The answer depends on Origin whenever specific origins are listed: say so to caches.
        if !policy.allowedOrigins.isEmpty { Self.addVary("Origin", to: &response) }
        return response
    }

    /// `OPTIONS` with `Access-Control-Request-Method` from an allowed origin.
    private func preflight(
        _ request: HTTPRequest, context: inout RequestContext, allowOrigin: String, next: Next
    ) -> HTTPResponse {
        // The router answers OPTIONS on a known path with its methods in Allow (404 otherwise).
        let options = next(request, &context)
        guard options.status == .ok, let allow = options.header("Allow") else { return options }
        var response = HTTPResponse(
            status: .noContent,
            headers: [
                ("Access-Control-Allow-Origin", allowOrigin),
                ("Access-Control-Allow-Methods", allow),
                ("Access-Control-Allow-Headers", CORSPolicy.allowedRequestHeaders),
                ("Access-Control-Max-Age", String(CORSPolicy.maxAgeSeconds)),
            ])
        response.headers.append(("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"))
        return response
    }

    static func addVary(_ field: String, to response: inout HTTPResponse) {
        if let index = response.headers.firstIndex(where: { $0.name.lowercased() == "vary" }) {
            response.headers[index].value += ", \(field)"
        } else {
            response.headers.append(("Vary", field))
        }
    }
}

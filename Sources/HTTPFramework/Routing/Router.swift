import Glibc
import HTTPServer
import Logging

/// Routes requests by method and path segments, with `{param}` captures.
///
/// - `HEAD` is answered by the `GET` route (the serializer drops the body).
/// - `OPTIONS` on a known path answers `200` with `Allow`.
/// - A known path with another method answers `405` with `Allow`.
/// - An unknown path answers `404`; a malformed percent-escape `400`.
/// All errors are `application/problem+json`: a handler throws a
/// ``ProblemConvertible`` error and the router renders it; any other error is a
/// `500` (logged by its type, never its text, which may hold request data).
public struct Router: Sendable {
    public typealias Handler = @Sendable (HTTPRequest, inout RequestContext) throws -> HTTPResponse

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    struct Route: Sendable {
        var template: String
        var segments: [Segment]
        var handlers: [HTTPMethod: Handler]
    }

    private var routes: [Route] = []
    /// The routes without parameters that a request's path reaches only by its
    /// exact spelling (no earlier route with parameters matches it): such a
    /// path is found by comparing bytes, without splitting it into segments.
    private var exactPaths: [(path: [UInt8], route: Int)] = []

    public init() {}

    /// Adds a handler for `method` on `template`, e.g. `/v1/side-effects/{id}`.
    /// Adding the same method and template twice is a programming error.
    public mutating func add(_ method: HTTPMethod, _ template: String, handler: @escaping Handler) {
        let segments = Self.segments(of: template[...]).map { segment -> Segment in
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            return .literal(String(segment))
        }
        if let index = routes.firstIndex(where: { $0.segments == segments }) {
            precondition(routes[index].handlers[method] == nil, "duplicate route \(method.rawValue) \(template)")
            routes[index].handlers[method] = handler
        } else {
            routes.append(Route(template: template, segments: segments, handlers: [method: handler]))
            let literals = segments.compactMap { segment -> Substring? in
                if case .literal(let literal) = segment { return literal[...] }
                return nil
            }
            if literals.count == segments.count,
                !routes.dropLast().contains(where: { Self.match($0.segments, literals) != nil })
            {
                exactPaths.append((Array(("/" + literals.joined(separator: "/")).utf8), routes.count - 1))
            }
        }
    }

    /// Every route: its method and template, in the order added (HEAD and OPTIONS implied, not listed).
    public var routeTable: [(method: HTTPMethod, template: String)] {
        routes.flatMap { route in
            route.handlers.keys.sorted { $0.rawValue < $1.rawValue }.map { (method: $0, template: route.template) }
        }
    }

    public func respond(to request: HTTPRequest, context: inout RequestContext) -> HTTPResponse {
        if let index = exactRoute(request.path) {
            context.routeTemplate = routes[index].template
            return respond(to: request, route: routes[index], context: &context)
        }
        let rawSegments = Self.segments(of: request.path)
        // Segments are compared as bytes (RFC 3986 §6.2.1); only a path with an
        // escape is decoded first, and only a matched route's captures become strings.
        var decoded: [Substring] = rawSegments
        if request.path.utf8.contains(UInt8(ascii: "%")) {
            for index in decoded.indices {
                guard let value = PercentDecoding.decode(decoded[index]) else {
                    return Problem(status: .badRequest, detail: "The request path has a malformed percent-encoding.")
                        .response
                }
                decoded[index] = value[...]
            }
        }
        // One spelling per resource: a path with an empty segment (a trailing or
        // doubled slash) is redirected (308, method and body kept) to the path
        // without it when a route has that path, else 404. So `/metrics/` is
        // not a second name of `/metrics` that a proxy's block could miss.
        if Self.hasEmptySegment(request.path) {
            guard routes.contains(where: { Self.match($0.segments, decoded) != nil }) else {
                return Problem(status: .notFound, detail: "No resource exists at this path.").response
            }
            var location = "/" + rawSegments.joined(separator: "/")
            if let query = request.query { location += "?" + query }
            return HTTPResponse(
                status: HTTPStatus(code: 308, reasonPhrase: "Permanent Redirect"), headers: [("Location", location)])
        }
        for route in routes {
            guard let parameters = Self.match(route.segments, decoded) else { continue }
            context.routeTemplate = route.template
            context.parameters = parameters
            return respond(to: request, route: route, context: &context)
        }
        return Problem(status: .notFound, detail: "No resource exists at this path.").response
    }

    /// The answer of the matched `route`: its handler's for the method, else `OPTIONS`'s or `405`.
    private func respond(to request: HTTPRequest, route: Route, context: inout RequestContext) -> HTTPResponse {
        let method = request.method == .head ? .get : request.method
        if let handler = route.handlers[method] {
            do {
                return try handler(request, &context)
            } catch let error as any ProblemConvertible {
                return error.problem.response
            } catch {
                context.logger.error(
                    "handler failed",
                    metadata: ["route": .string(route.template), "error_type": "\(type(of: error))"])
                return Problem(status: .internalServerError, detail: "The server could not answer this request.")
                    .response
            }
        }
        let allow = Self.allowHeader(route)
        if request.method == .options {
            let methods = allow.split(separator: ",").map { "\"\($0.trimmingPrefix(" "))\"" }
            let body = "{\"allow\":[\(methods.joined(separator: ","))]}"
            return HTTPResponse(status: .ok, headers: [("Allow", allow)], body: Array(body.utf8))
        }
        return Problem(
            status: .methodNotAllowed, detail: "This resource does not support the request method.",
            headers: [("Allow", allow)]
        ).response
    }

    /// The route whose template is exactly `path`, byte for byte, if it is one of ``exactPaths``.
    private func exactRoute(_ path: Substring) -> Int? {
        var path = path
        return path.withUTF8 { bytes in
            for entry in exactPaths where entry.path.count == bytes.count {
                let equal = entry.path.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
                if equal { return entry.route }
            }
            return nil
        }
    }

    // MARK: - Matching

    /// Whether the path has an empty segment: `//`, or a `/` at the end of a path other than `/`.
    static func hasEmptySegment(_ path: Substring) -> Bool {
        let bytes = path.utf8
        guard bytes.count > 1 else { return false }
        if bytes.last == UInt8(ascii: "/") { return true }
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == UInt8(ascii: "/") && previous == UInt8(ascii: "/") { return true }
            previous = byte
        }
        return false
    }

    /// The non-empty segments between `/`s, split on UTF-8 bytes (no grapheme
    /// breaking per request; `/` is ASCII, so the indices are valid in `path`).
    private static func segments(of path: Substring) -> [Substring] {
        path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map {
            path[$0.startIndex..<$0.endIndex]
        }
    }

    private static func match(_ pattern: [Segment], _ segments: [Substring]) -> [String: String]? {
        guard pattern.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(pattern, segments) {
            switch expected {
            case .literal(let literal):
                guard literal.utf8.elementsEqual(actual.utf8) else { return nil }
            case .parameter(let name):
                parameters[name] = String(actual)
            }
        }
        return parameters
    }

    private static func allowHeader(_ route: Route) -> String {
        var methods = Set(route.handlers.keys)
        if methods.contains(.get) { methods.insert(.head) }
        methods.insert(.options)
        let order: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options]
        return order.filter(methods.contains).map(\.rawValue).joined(separator: ", ")
    }
}

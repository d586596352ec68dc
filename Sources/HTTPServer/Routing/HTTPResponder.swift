import Logging

/// What the server calls with each complete request.
public protocol HTTPResponder: Sendable {
    /// Answers one request. Runs on the connection's event loop: it must not block.
    func respond(to request: HTTPRequest, context: inout RequestContext) -> HTTPResponse
}

/// Facts about one request that are not in its bytes.
public struct RequestContext: Sendable {
    /// The connection's number, unique for the server's lifetime (for logs).
    public let connectionID: UInt64
    /// The matched route's template, e.g. `/v1/side-effects/{id}`: what logs and
    /// metrics name, never the raw path. Set by the router.
    public var routeTemplate: String?
    /// Values of the route's `{param}` captures, percent-decoded.
    public var parameters: [String: String] = [:]
    /// The request's logger.
    public var logger: Logger

    public init(connectionID: UInt64, logger: Logger) {
        self.connectionID = connectionID
        self.logger = logger
    }
}

import HTTPServer
import Logging

/// A step around the router: it sees each request before the router and each
/// response after it (errors are already rendered by then), and may answer
/// itself. Runs on the connection's event loop: it must not block.
public protocol Middleware: Sendable {
    typealias Next = (HTTPRequest, inout RequestContext) -> HTTPResponse

    func respond(to request: HTTPRequest, context: inout RequestContext, next: Next) -> HTTPResponse
}

/// What answers a request inside the middleware: a ``Router``, or a type that
/// picks one of several (e.g. one per language of the content).
public protocol RequestRouter: Sendable {
    func respond(to request: HTTPRequest, context: inout RequestContext) -> HTTPResponse
}

extension Router: RequestRouter {}

/// The framework's ``HTTPResponder``: gives each request its context (request
/// id, logger, connection), runs the middleware in order around the router,
/// and echoes the request id. It also answers what the server refuses itself
/// (unreadable, late or over the connection limit) as problem details with a
/// generated request id, and logs it.
public struct HTTPApplication: HTTPResponder {
    let router: any RequestRouter
    let middleware: [any Middleware]
    let logger: Logger
    let requestIDs = RequestIDGenerator()

    /// - Parameter middleware: outermost first (e.g. the access log, then CORS).
    public init(router: any RequestRouter, middleware: [any Middleware] = [], logger: Logger) {
        self.router = router
        self.middleware = middleware
        self.logger = logger
    }

    public func respond(to request: HTTPRequest, connection: ConnectionInfo) -> HTTPResponse {
        let requestID = RequestContext.requestID(from: request.headers["X-Request-ID"], generate: requestIDs.next)
        var context = RequestContext(connection: connection, logger: logger, requestID: requestID)
        var response = run(0, request, &context)
        response.headers.append(("X-Request-ID", context.requestID))
        return response
    }

    private func run(_ index: Int, _ request: HTTPRequest, _ context: inout RequestContext) -> HTTPResponse {
        guard index < middleware.count else { return router.respond(to: request, context: &context) }
        return middleware[index].respond(to: request, context: &context) { request, context in
            run(index + 1, request, &context)
        }
    }

    /// Also for a request that could not be read: a generated `X-Request-ID`, on the
    /// response and in the log line, so a client's report can be found in the log.
    public func respond(to refusal: Refusal, connection: ConnectionInfo) -> HTTPResponse {
        let requestID = requestIDs.next()
        var response = Problem(status: refusal.status, detail: refusal.detail).response
        response.headers.append(("X-Request-ID", requestID))
        var metadata: Logger.Metadata = [
            "connection": .stringConvertible(connection.id), "status": .stringConvertible(refusal.status.code),
            "request_id": .string(requestID),
        ]
        switch refusal {
        case .unreadable(let error):
            metadata["error"] = .string("\(error)")
            logger.notice("request rejected", metadata: metadata)
        case .requestTimeout:
            logger.notice("request timed out", metadata: metadata)
        case .overloaded:
            logger.notice("connection refused: over the connection limit", metadata: metadata)
        }
        return response
    }
}

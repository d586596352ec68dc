import Foundation
import HTTPFramework
import HTTPServer
import Logging

/// An in-process server on a free loopback port, shut down when the test ends.
final class TestServer {
    let server: HTTPServer

    init(limits: ServerLimits = ServerLimits(), router: Router = TestServer.defaultRouter()) throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        server = HTTPServer(
            configuration: HTTPServer.Configuration(host: "127.0.0.1", port: 0, limits: limits, eventLoopCount: 2),
            responder: HTTPApplication(router: router, logger: logger), logger: logger)
        try server.start()
    }

    var port: Int { server.port }

    static func defaultRouter() -> Router {
        var router = Router()
        router.add(.get, "/hello") { request, _ in HTTPResponse(body: Array("hello \(request.target)".utf8)) }
        router.add(.post, "/echo") { request, _ in HTTPResponse(contentType: "text/plain", body: request.body) }
        router.add(.get, "/large") { _, _ in HTTPResponse(body: [UInt8](repeating: UInt8(ascii: "x"), count: 4 << 20)) }
        return router
    }

    private var shutdownOutcome: OutcomeHolder?

    /// Starts a graceful shutdown (once) and returns where its outcome will appear.
    @discardableResult
    func beginShutdown() -> OutcomeHolder {
        if let shutdownOutcome { return shutdownOutcome }
        let holder = OutcomeHolder()
        shutdownOutcome = holder
        server.shutdown { holder.value = $0 }
        return holder
    }

    /// Shuts down and waits (bounded) for the outcome.
    @discardableResult
    func shutdown(timeout: TimeInterval = 15) -> HTTPServer.ShutdownOutcome? {
        beginShutdown().wait(timeout: timeout)
    }

    deinit { shutdown(timeout: 15) }
}

/// A shutdown outcome set on one thread and read on another.
final class OutcomeHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: HTTPServer.ShutdownOutcome?
    var value: HTTPServer.ShutdownOutcome? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    /// Polls until the outcome is known or `timeout` passes.
    func wait(timeout: TimeInterval) -> HTTPServer.ShutdownOutcome? {
        let deadline = Date().addingTimeInterval(timeout)
        while value == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return value
    }
}

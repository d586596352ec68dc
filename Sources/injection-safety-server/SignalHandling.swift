import Dispatch
import Foundation
import HTTPServer
import Logging

/// SIGTERM and SIGINT start a graceful shutdown; the process exits when it ends.
enum SignalHandling {
    /// Keeps the signal sources alive for the life of the process.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// - Parameter beforeExit: runs just before the process exits (flushes logs).
    static func installShutdownHandlers(
        server: HTTPServer, logger: Logger, beforeExit: @escaping @Sendable () -> Void
    ) {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
            source.setEventHandler {
                logger.notice(
                    "shutting down",
                    metadata: ["signal": "\(signalNumber == SIGTERM ? "SIGTERM" : "SIGINT")",
                               "open_connections": "\(server.openConnectionCount)"])
                server.shutdown { outcome in
                    switch outcome {
                    case .drained:
                        logger.notice("stopped: every connection drained")
                        beforeExit()
                        exit(0)
                    case .deadlineExceeded(let closed):
                        logger.error(
                            "stopped: drain deadline passed", metadata: ["closed_connections": "\(closed)"])
                        beforeExit()
                        exit(1)
                    }
                }
            }
            source.activate()
            sources.append(source)
        }
    }
}

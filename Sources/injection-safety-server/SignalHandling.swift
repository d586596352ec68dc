import Dispatch
import FoundationEssentials
import Glibc
import HTTPServer
import InjectionSafetyAPI
import Logging

/// SIGTERM and SIGINT start a graceful shutdown; the process exits when it ends.
enum SignalHandling {
    /// Keeps the signal sources alive for the life of the process.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers and returns once libdispatch has registered them,
    /// so a signal sent right after this returns is never lost. (A source on the
    /// main queue is registered only when `dispatchMain()` starts, too late.)
    /// - Parameter beforeExit: runs just before the process exits (flushes logs).
    static func installShutdownHandlers(
        server: HTTPServer, logger: Logger, readiness: Readiness, beforeExit: @escaping @Sendable () -> Void
    ) {
        let queue = DispatchQueue(label: "injection-safety.signals")
        let registered = DispatchGroup()
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.setEventHandler {
                logger.notice(
                    "shutting down",
                    metadata: [
                        "signal": "\(signalNumber == SIGTERM ? "SIGTERM" : "SIGINT")",
                        "open_connections": "\(server.openConnectionCount)",
                    ])
                readiness.markDraining()
                server.shutdown { outcome in
                    let drained = server.drainStatistics
                    var metadata: Logger.Metadata = [
                        "connections_at_start": "\(drained.connectionsAtStart)",
                        "requests_answered": "\(drained.requestsAnswered)",
                        "drain_ms":
                            "\(drained.elapsed.components.seconds * 1000 + drained.elapsed.components.attoseconds / 1_000_000_000_000_000)",
                    ]
                    switch outcome {
                    case .drained:
                        logger.notice("stopped: every connection drained", metadata: metadata)
                        beforeExit()
                        exit(0)
                    case .deadlineExceeded(let closed):
                        metadata["closed_connections"] = "\(closed)"
                        logger.error("stopped: drain deadline passed", metadata: metadata)
                        beforeExit()
                        exit(1)
                    }
                }
            }
            source.activate()
            sources.append(source)
        }
        if registered.wait(timeout: .now() + 5) == .timedOut {
            logger.warning("signal handlers not confirmed registered within 5 s")
        }
    }
}

import Dispatch
import FoundationEssentials
import Glibc
import Locking
import Logging
import Synchronization

/// A small HTTP/1.1 server on non-blocking sockets and epoll.
///
/// One listening socket is read by a Dispatch source that accepts until
/// `EAGAIN`; each accepted socket goes to one of a few event loops (a thread
/// and an epoll instance each), where readiness feeds an incremental
/// ``RequestParser`` and responses are written straight away (waiting for
/// `EPOLLOUT` only when the socket is full).
/// ``shutdown(completion:)`` drains gracefully: it stops accepting, closes idle
/// connections, lets in-flight requests finish, and gives up at the drain deadline.
public final class HTTPServer: @unchecked Sendable {
    /// Where to listen and what to enforce.
    public struct Configuration: Sendable {
        /// Address to bind: `0.0.0.0`, `::` (IPv4 and IPv6), `127.0.0.1`, `::1`, or a name.
        public var host: String
        /// Port to bind; `0` picks a free one (see ``HTTPServer/port``).
        public var port: Int
        public var limits: ServerLimits
        /// Serial event loops; default one per processor this process may run on.
        public var eventLoopCount: Int
        /// A listening socket this process was started with (socket activation,
        /// `LISTEN_FDS`), used instead of binding `host` and `port`. The socket
        /// outlives the process: a drain stops accepting from it and closes this
        /// process's descriptor, and leaves the connections still queued to the
        /// next process that accepts from it (nothing queued is reset).
        public var inheritedListener: Int32?

        public init(
            host: String = "0.0.0.0", port: Int = 8080, limits: ServerLimits = ServerLimits(),
            eventLoopCount: Int = HTTPServer.availableProcessorCount(), inheritedListener: Int32? = nil
        ) {
            self.host = host
            self.port = port
            self.limits = limits
            self.eventLoopCount = max(1, eventLoopCount)
            self.inheritedListener = inheritedListener
        }
    }

    /// Processors this process may run on (its CPU affinity, as `taskset` or a
    /// container's cpuset sets it), at least 1.
    public static func availableProcessorCount() -> Int {
        // Glibc's sched_getaffinity is not visible to Swift; the kernel prints the same mask.
        let fallback = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
        else { return fallback }
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0 != "," && $0 != " " && $0 != "\t" }
        var count = 0
        for digit in mask {
            guard let value = digit.hexDigitValue else { return fallback }
            count += value.nonzeroBitCount
        }
        return count > 0 ? min(count, fallback) : fallback
    }

    /// How a shutdown ended.
    public enum ShutdownOutcome: Sendable, Equatable {
        /// Every connection finished within the drain deadline.
        case drained
        /// The deadline passed; this many connections were closed mid-request.
        case deadlineExceeded(closedConnections: Int)
    }

    public let configuration: Configuration
    let responder: any HTTPResponder
    let logger: Logger
    let metrics: ServerMetrics

    private(set) var loops: [EventLoop] = []
    /// Serial: accepting, pausing and the start of a shutdown. (Internal so that
    /// a test can hold it and leave connections waiting in the kernel's queue.)
    let acceptQueue: DispatchQueue
    private var listenSource: (any DispatchSourceRead)?
    private var listener: Listener?
    /// Accept-queue state: the next connection's id and the next loop to use.
    private var nextConnectionID: UInt64 = 0
    private var nextLoop = 0
    private var acceptPaused = false

    private let openConnections = Atomic<Int>(0)
    private let rejectingConnections = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)
    private let answeredWhileDraining = Atomic<Int>(0)
    /// Set once a shutdown has taken the last queued connections and closed the
    /// listener: only then may the last connection to close end the drain.
    private let listenerClosed = Atomic<Bool>(false)
    private let shutdownState = LockedValue(ShutdownState())

    private struct ShutdownState {
        var completion: (@Sendable (ShutdownOutcome) -> Void)?
        var finished = false
        /// Set when the drain deadline passed with this many connections open.
        var closedAtDeadline: Int?
        var connectionsAtStart = 0
        var startedAt: UInt64 = 0
    }

    /// What a graceful shutdown did, for its closing log line.
    public struct DrainStatistics: Sendable, Equatable {
        /// Client connections open when the drain began.
        public var connectionsAtStart: Int
        /// Responses written after the drain began (each closed its connection).
        public var requestsAnswered: Int
        /// Time from the start of the drain until now.
        public var elapsed: Duration
    }

    /// The drain so far; meaningful once ``shutdown(completion:)`` has been called.
    public var drainStatistics: DrainStatistics {
        let (connections, started) = shutdownState.withLock { ($0.connectionsAtStart, $0.startedAt) }
        let elapsed = started == 0 ? 0 : DispatchTime.now().uptimeNanoseconds &- started
        return DrainStatistics(
            connectionsAtStart: connections, requestsAnswered: answeredWhileDraining.load(ordering: .relaxed),
            elapsed: .nanoseconds(Int64(clamping: elapsed)))
    }

    public init(
        configuration: Configuration, responder: any HTTPResponder, logger: Logger,
        metrics: ServerMetrics = ServerMetrics()
    ) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.metrics = metrics
        self.acceptQueue = DispatchQueue(label: "injection-safety.http.accept")
    }

    /// The bound port, once ``start()`` has returned.
    public var port: Int { listener?.port ?? 0 }
    /// The bound address, once ``start()`` has returned.
    public var boundHost: String { listener?.host ?? configuration.host }
    /// Whether the socket was passed in (``Configuration/inheritedListener``), once ``start()`` has returned.
    public var listenerIsInherited: Bool { listener?.isInherited ?? false }

    /// Whether a graceful shutdown has begun (readiness should then fail).
    public var isDraining: Bool { draining.load(ordering: .acquiring) }

    /// Client connections open now.
    public var openConnectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// Binds, listens and starts accepting. Throws if the address cannot be bound.
    public func start() throws {
        signal(SIGPIPE, SIG_IGN)
        let listener =
            try configuration.inheritedListener.map(Listener.inherit)
            ?? Listener.bind(host: configuration.host, port: configuration.port)
        self.listener = listener
        let environment = ConnectionEnvironment(
            limits: configuration.limits, responder: responder, logger: logger, metrics: metrics,
            now: { DispatchTime.now().uptimeNanoseconds },
            isDraining: { [unowned self] in self.isDraining },
            answeredWhileDraining: { [unowned self] in self.answeredWhileDraining.add(1, ordering: .relaxed) })
        loops = try (0..<configuration.eventLoopCount).map {
            try EventLoop(index: $0, server: self, environment: environment)
        }
        try loops.forEach { try $0.start() }
        let source = DispatchSource.makeReadSource(fileDescriptor: listener.fileDescriptor, queue: acceptQueue)
        source.setEventHandler { [unowned self] in self.acceptConnections() }
        // Cancelled by a shutdown. Connections that completed their handshake wait
        // in the kernel's queue, their requests likely sent, and closing the
        // listener would reset them: take them first (each answers and closes),
        // right before the close, so that few can slip in between. (On Linux
        // nothing closes the gap: shutdown(SHUT_RD) on a listener resets its
        // queue just as close does.) An inherited listener stays open in the
        // process that passed it: its queue is left to the next process.
        source.setCancelHandler { [unowned self] in
            if !listener.isInherited { self.acceptConnections(beforeClosing: true) }
            close(listener.fileDescriptor)
            self.listenerClosed.store(true, ordering: .sequentiallyConsistent)
            if self.openConnections.load(ordering: .sequentiallyConsistent) == 0 { self.finishShutdown(.drained) }
        }
        listenSource = source
        source.activate()
    }

    // MARK: - Accepting

    /// Accepts every connection the kernel has queued. Once a shutdown has begun,
    /// only the last pass before the listener closes (`beforeClosing`) accepts.
    private func acceptConnections(beforeClosing: Bool = false) {
        guard let listener, beforeClosing || !isDraining else { return }
        while true {
            var peerStorage = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = withUnsafeMutablePointer(to: &peerStorage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listener.fileDescriptor, $0, &peerLength)
                }
            }
            if descriptor < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK:
                    return
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    pauseAccepting(reason: errno)
                    return
                default:
                    logger.error("accept failed", metadata: ["error": "\(SocketError("accept"))"])
                    return
                }
            }
            // accept(2) on Linux does not pass O_NONBLOCK on; set it, and close-on-exec.
            guard (try? Listener.setNonBlocking(descriptor)) != nil else {
                close(descriptor)
                continue
            }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            var noDelay: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            var sendBuffer = Int32(clamping: configuration.limits.sendBufferBytes)
            setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<Int32>.size))

            let open = openConnections.add(1, ordering: .relaxed).newValue
            var rejecting = false
            if open > configuration.limits.maxConnections {
                // Over the limit: answer 503 to a bounded number, drop the rest at once.
                if rejectingConnections.add(1, ordering: .relaxed).newValue
                    > configuration.limits.maxRejectingConnections
                {
                    rejectingConnections.subtract(1, ordering: .relaxed)
                    openConnections.subtract(1, ordering: .relaxed)
                    close(descriptor)
                    metrics.rejectedConnections.increment()
                    continue
                }
                rejecting = true
            }
            (rejecting ? metrics.rejectedConnections : metrics.acceptedConnections).increment()
            metrics.openConnections.increment()
            nextConnectionID += 1
            let id = nextConnectionID
            let loop = loops[nextLoop]
            nextLoop = (nextLoop + 1) % loops.count
            let overLimit = rejecting
            let peer = IPAddress(peer: peerStorage)
            loop.execute { loop.adopt(fileDescriptor: descriptor, id: id, peer: peer, rejecting: overLimit) }
        }
    }

    /// Out of descriptors or memory: stop accepting for a moment, never for good.
    private func pauseAccepting(reason: Int32) {
        guard !acceptPaused, let listenSource else { return }
        acceptPaused = true
        logger.warning(
            "accept paused: out of resources", metadata: ["error": "\(SocketError("accept", code: reason))"])
        listenSource.suspend()
        acceptQueue.asyncAfter(deadline: .now() + .milliseconds(100)) { [self] in
            guard acceptPaused else { return }
            acceptPaused = false
            self.listenSource?.resume()
        }
    }

    func connectionClosed(rejected: Bool) {
        if rejected { rejectingConnections.subtract(1, ordering: .relaxed) }
        metrics.openConnections.decrement()
        let remaining = openConnections.subtract(1, ordering: .sequentiallyConsistent).newValue
        if remaining == 0 && listenerClosed.load(ordering: .sequentiallyConsistent) { finishShutdown(.drained) }
    }

    // MARK: - Shutdown

    /// Begins a graceful shutdown: stop accepting, close idle connections, let
    /// in-flight requests finish (their responses carry `Connection: close`),
    /// and close whatever is left at the drain deadline. `completion` runs once,
    /// on an arbitrary queue. Calling it again does nothing.
    public func shutdown(completion: @escaping @Sendable (ShutdownOutcome) -> Void) {
        let first = shutdownState.withLock { state -> Bool in
            guard state.completion == nil && !state.finished else { return false }
            state.completion = completion
            state.connectionsAtStart = openConnections.load(ordering: .acquiring)
            state.startedAt = DispatchTime.now().uptimeNanoseconds
            return true
        }
        guard first else { return }
        draining.store(true, ordering: .releasing)
        acceptQueue.async { [self] in
            if acceptPaused {
                acceptPaused = false
                listenSource?.resume()
            }
            for loop in loops { loop.execute { loop.drain() } }
            // The cancel handler takes the queued connections, closes the
            // listener and, if no connection is open, ends the drain.
            listenSource?.cancel()
            listenSource = nil
        }
        let deadline =
            DispatchTime.now()
            + .nanoseconds(
                Int(ConnectionStateMachine.nanoseconds(configuration.limits.drainTimeout)))
        DispatchQueue.global().asyncAfter(deadline: deadline) { [self] in
            let left = openConnections.load(ordering: .acquiring)
            guard left > 0 else { return }
            // Recorded first: the last connection closing below must not report a clean drain.
            shutdownState.withLock { $0.closedAtDeadline = left }
            let group = DispatchGroup()
            for loop in loops {
                group.enter()
                loop.execute {
                    loop.closeAll()
                    group.leave()
                }
            }
            group.notify(queue: .global()) { self.finishShutdown(.deadlineExceeded(closedConnections: left)) }
        }
    }

    private func finishShutdown(_ outcome: ShutdownOutcome) {
        let (completion, final) = shutdownState.withLock {
            state -> ((@Sendable (ShutdownOutcome) -> Void)?, ShutdownOutcome) in
            guard !state.finished else { return (nil, outcome) }
            state.finished = true
            if let closed = state.closedAtDeadline {
                return (state.completion, .deadlineExceeded(closedConnections: closed))
            }
            return (state.completion, outcome)
        }
        guard let completion else { return }
        for loop in loops { loop.execute { loop.stop() } }
        completion(final)
    }
}

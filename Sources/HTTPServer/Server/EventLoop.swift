import CLinuxEvents
import Dispatch
import FoundationEssentials
import Glibc
import Locking
import Logging

/// One thread with its own `epoll` instance, owning a group of connections,
/// their shared read buffer, the cached `Date` value, and their deadlines.
///
/// Why not Dispatch sources: on Linux each source event costs a hop from
/// libdispatch's manager thread to a worker and two `epoll_ctl` calls plus an
/// `ioctl` to re-arm, several times the work of answering a small request.
/// Here a request costs `epoll_wait`, `recv` and `send`; interest changes
/// (`epoll_ctl`) happen only when a response blocks or input ends.
/// Level-triggered: a connection that stops reading simply drops `EPOLLIN`.
///
/// Responses are written together, not as each is made: at the end of each
/// pass over the ready sockets, or once `ServerLimits.writeBatchResponses`
/// connections' responses wait. A client or proxy answered on many connections is then woken once
/// for the batch instead of once per response. On a busy loop each wake-up of
/// a sleeping peer costs the sender several microseconds in the kernel (an
/// inter-processor interrupt, dear in a virtual machine): writing in batches
/// took triage from about 22k to 28k requests a second on this machine
/// (BENCHMARKS.md). The batch bounds how long a response waits for others,
/// and a loop with one ready socket writes at once, so an idle server adds no
/// delay.
///
/// Everything except ``execute(_:)`` runs on the loop's thread; that
/// confinement is what makes the `@unchecked Sendable` sound.
final class EventLoop: @unchecked Sendable {
    unowned let server: HTTPServer
    let index: Int
    /// What this loop's connections read: limits, responder, clock, logger.
    let environment: ConnectionEnvironment
    /// Read buffer shared by this loop's connections (only one runs at a time).
    let readBuffer: UnsafeMutableRawBufferPointer
    var dateCache = DateCache()
    private(set) var connections: [UInt64: Connection] = [:]

    private let epoll: Int32
    private let wakeDescriptor: Int32
    /// Tasks from other threads. A pthread mutex, which ThreadSanitizer
    /// understands; it does not see `Synchronization.Mutex`'s futex as a lock.
    private let tasksLock = PthreadLock()
    private var tasks: [@Sendable () -> Void] = []
    /// The loop's thread has ended (guarded by `tasksLock`): tasks run at once,
    /// on the caller's thread, instead of waiting in `tasks` for ever (where a
    /// task that holds the loop would keep it, and whatever waits on the task, alive).
    private var ended = false
    private var running = true
    /// Connections whose responses wait to be written (``writeWithBatch(_:)``).
    private var pendingWrites: [Connection] = []
    /// How many connections' responses may wait (`ServerLimits.writeBatchResponses`).
    private let writeBatch: Int
    private var nextSweep: UInt64 = 0

    /// How often deadlines are checked, in nanoseconds (`ServerLimits.deadlineSweepInterval`).
    private let sweepInterval: UInt64
    static let maxEvents = 256
    /// `epoll_event.data` of the wake-up descriptor (connection ids start at 1).
    private static let wakeToken: UInt64 = 0

    init(index: Int, server: HTTPServer, environment: ConnectionEnvironment) throws {
        self.index = index
        self.server = server
        self.environment = environment
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw SocketError("epoll_create1") }
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeDescriptor >= 0 else {
            close(epoll)
            throw SocketError("eventfd")
        }
        let limits = environment.limits
        self.readBuffer = .allocate(byteCount: max(1, limits.readBufferBytes), alignment: 16)
        sweepInterval = max(1_000_000, ConnectionStateMachine.nanoseconds(limits.deadlineSweepInterval))
        writeBatch = max(1, limits.writeBatchResponses)
        var event = epoll_event()
        event.events = clinux_epollin
        event.data.u64 = Self.wakeToken
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, wakeDescriptor, &event)
    }

    deinit {
        readBuffer.deallocate()
        close(wakeDescriptor)
        close(epoll)
    }

    /// Starts the loop's thread. Call once. The thread holds the loop until
    /// ``stop()`` ends it. (A POSIX thread, not Foundation's `Thread`, whose
    /// object and closure outlived the thread under LeakSanitizer.)
    func start() throws {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 1 << 20)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, &attributes,
            { context in
                let loop = Unmanaged<EventLoop>.fromOpaque(context!).takeRetainedValue()
                _ = clinux_set_thread_name("http-loop-\(loop.index)")
                loop.run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<EventLoop>.fromOpaque(context).release()
            throw SocketError("pthread_create", code: result)
        }
    }

    /// Whether the loop's thread has ended.
    var hasEnded: Bool { tasksLock.withLock { ended } }

    /// Runs `task` on the loop's thread, soon (at once, here, if that thread
    /// has ended). Callable from any thread.
    func execute(_ task: @escaping @Sendable () -> Void) {
        let (wasEmpty, hasEnded) = tasksLock.withLock { () -> (Bool, Bool) in
            guard !ended else { return (false, true) }
            tasks.append(task)
            return (tasks.count == 1, false)
        }
        if hasEnded {
            task()
            return
        }
        if wasEmpty {
            var one: UInt64 = 1
            _ = write(wakeDescriptor, &one, 8)
        }
    }

    private func run() {
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Self.maxEvents)
        defer {
            events.deallocate()
            runTasksUntilEnded()
        }
        nextSweep = DispatchTime.now().uptimeNanoseconds + sweepInterval
        while running {
            let now = DispatchTime.now().uptimeNanoseconds
            let wait = nextSweep > now ? Int32((nextSweep - now) / 1_000_000) + 1 : 0
            let count = epoll_wait(epoll, events, Int32(Self.maxEvents), wait)
            if count < 0 {
                if errno == EINTR { continue }
                environment.logger.critical("epoll_wait failed", metadata: ["error": "\(SocketError("epoll_wait"))"])
                return
            }
            for slot in 0..<Int(count) {
                let event = events[slot]
                let token = event.data.u64
                if token == Self.wakeToken {
                    var value: UInt64 = 0
                    _ = read(wakeDescriptor, &value, 8)
                    continue
                }
                // A connection closed earlier in this batch is gone; ids are never reused.
                connections[token]?.handle(events: event.events)
                if pendingWrites.count >= writeBatch { writePending() }
            }
            // Before the tasks and the deadlines, which read a connection's
            // state as it is once its output is written.
            writePending()
            runTasks()
            writePending()
            let after = DispatchTime.now().uptimeNanoseconds
            if after >= nextSweep {
                nextSweep = after + sweepInterval
                checkDeadlines(now: after)
            }
        }
    }

    /// The thread is ending: runs what is queued, then marks the loop ended
    /// (under the lock, so that every later task runs at its caller's).
    private func runTasksUntilEnded() {
        while true {
            let pending = tasksLock.withLock { () -> [@Sendable () -> Void] in
                let taken = tasks
                tasks.removeAll()
                if taken.isEmpty { ended = true }
                return taken
            }
            if pending.isEmpty { return }
            for task in pending { task() }
            writePending()
        }
    }

    /// Writes `connection`'s queued responses with those of the other
    /// connections answered in this pass: at its end, or once the batch is
    /// full. Call once until it is written.
    func writeWithBatch(_ connection: Connection) {
        pendingWrites.append(connection)
    }

    /// Writes the responses waiting in the batch. A connection whose write lets
    /// it answer pipelined requests it already holds queues again, and is
    /// written in the next round here (its parser reads no new bytes, so this ends).
    private func writePending() {
        while !pendingWrites.isEmpty {
            let pending = pendingWrites
            pendingWrites.removeAll(keepingCapacity: true)
            for connection in pending { connection.writeQueuedOutput() }
        }
    }

    private func runTasks() {
        let pending = tasksLock.withLock { () -> [@Sendable () -> Void] in
            let taken = tasks
            tasks.removeAll(keepingCapacity: true)
            return taken
        }
        for task in pending { task() }
    }

    // MARK: - Interest

    /// Registers a connection's socket (no events yet: see ``setInterest``).
    func register(_ connection: Connection) -> Bool {
        var event = epoll_event()
        event.events = 0
        event.data.u64 = connection.id
        return epoll_ctl(epoll, EPOLL_CTL_ADD, connection.fileDescriptor, &event) == 0
    }

    /// Which events a connection waits for: `EPOLLIN`, `EPOLLOUT`, both or none.
    func setInterest(_ connection: Connection, reading: Bool, writing: Bool) {
        var event = epoll_event()
        event.events = (reading ? clinux_epollin : 0) | (writing ? clinux_epollout : 0)
        event.data.u64 = connection.id
        _ = epoll_ctl(epoll, EPOLL_CTL_MOD, connection.fileDescriptor, &event)
    }

    func unregister(_ connection: Connection) {
        var event = epoll_event()
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, connection.fileDescriptor, &event)
    }

    // MARK: - Connections

    /// Takes an accepted socket.
    func adopt(fileDescriptor: Int32, id: UInt64, peer: IPAddress?, rejecting: Bool) {
        guard running else {
            // The loop has stopped (the shutdown is over): nobody would serve it.
            close(fileDescriptor)
            server.connectionClosed(rejected: rejecting)
            return
        }
        let connection = Connection(
            id: id, fileDescriptor: fileDescriptor, peer: peer, rejecting: rejecting, environment: environment,
            loop: self)
        connections[id] = connection
        guard connection.start() else {
            connections[id] = nil
            close(fileDescriptor)
            server.connectionClosed(rejected: rejecting)
            return
        }
        if environment.isDraining() { connection.drain() }
    }

    /// Forgets a connection whose socket is closed.
    func connectionClosed(_ connection: Connection) {
        connections[connection.id] = nil
        server.connectionClosed(rejected: connection.rejecting)
    }

    /// Asks every connection to finish what is in flight and close.
    func drain() {
        for connection in Array(connections.values) { connection.drain() }
    }

    /// Closes every connection now (the drain deadline has passed).
    func closeAll() {
        for connection in Array(connections.values) { connection.abort(reason: "drain deadline passed") }
    }

    /// Ends the loop's thread (after shutdown).
    func stop() {
        running = false
    }

    private func checkDeadlines(now: UInt64) {
        for connection in Array(connections.values) { connection.timerFired(now: now) }
    }
}

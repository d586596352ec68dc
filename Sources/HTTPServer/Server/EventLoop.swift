import Dispatch
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A serial queue that owns a group of connections, their shared read buffer,
/// the cached `Date` value, and a timer that checks their deadlines.
///
/// Everything here is touched only on `queue`; that confinement is what makes
/// the `@unchecked Sendable` sound.
final class EventLoop: @unchecked Sendable {
    let queue: DispatchQueue
    unowned let server: HTTPServer
    /// Read buffer shared by this loop's connections (only one runs at a time).
    let readBuffer: UnsafeMutableRawBufferPointer
    var dateCache = DateCache()
    let requestMetrics: RequestMetricsCache
    /// Request ids: SplitMix64 over a random seed, so a request costs no `getrandom` call.
    private var requestIDState = UInt64.random(in: .min ... .max)
    private(set) var connections: [UInt64: Connection] = [:]
    private var sweepTimer: (any DispatchSourceTimer)?

    /// How often deadlines are checked.
    static let sweepInterval: DispatchTimeInterval = .milliseconds(250)
    static let readBufferSize = 64 * 1024

    init(index: Int, server: HTTPServer) {
        self.queue = DispatchQueue(label: "injection-safety.http.loop-\(index)")
        self.server = server
        self.requestMetrics = RequestMetricsCache(metrics: server.metrics)
        self.readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Starts the deadline timer. Call once.
    func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + Self.sweepInterval, repeating: Self.sweepInterval, leeway: .milliseconds(50))
        timer.setEventHandler { [unowned self] in self.checkDeadlines() }
        timer.activate()
        sweepTimer = timer
    }

    /// A new 16-hex-digit request id. On `queue`.
    func nextRequestID() -> String {
        requestIDState &+= 0x9E37_79B9_7F4A_7C15
        var z = requestIDState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let hex = String(z, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Takes an accepted socket. On `queue`.
    func adopt(fileDescriptor: Int32, id: UInt64, peer: IPAddress?, rejecting: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        let connection = Connection(id: id, fileDescriptor: fileDescriptor, peer: peer, loop: self, rejecting: rejecting)
        connections[id] = connection
        connection.start()
        if server.isDraining { connection.drain() }
    }

    /// Forgets a connection whose socket is closed. On `queue`.
    func connectionClosed(_ connection: Connection) {
        connections[connection.id] = nil
        server.connectionClosed(rejected: connection.rejecting)
    }

    /// Asks every connection to finish what is in flight and close.
    func drain() {
        dispatchPrecondition(condition: .onQueue(queue))
        for connection in Array(connections.values) { connection.drain() }
    }

    /// Closes every connection now (the drain deadline has passed).
    func closeAll() {
        dispatchPrecondition(condition: .onQueue(queue))
        for connection in Array(connections.values) { connection.abort(reason: "drain deadline passed") }
    }

    /// Stops the timer (after shutdown).
    func stop() {
        sweepTimer?.cancel()
        sweepTimer = nil
    }

    private func checkDeadlines() {
        let now = DispatchTime.now().uptimeNanoseconds
        for connection in Array(connections.values) { connection.timerFired(now: now) }
    }
}

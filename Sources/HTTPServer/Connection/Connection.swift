import CLinuxEvents
import Glibc
import Logging

/// What every connection of a server reads but does not own: the limits, the
/// responder, the clock, the server's drain flag, where to log and count.
/// Built once by ``HTTPServer``; connections never reach back into the server.
struct ConnectionEnvironment: Sendable {
    var limits: ServerLimits
    var responder: any HTTPResponder
    var logger: Logger
    var metrics: ServerMetrics
    /// Monotonic nanoseconds.
    var now: @Sendable () -> UInt64
    /// Whether the server has begun a graceful shutdown.
    var isDraining: @Sendable () -> Bool
    /// Counts a response written while the server drains.
    var answeredWhileDraining: @Sendable () -> Void
}

/// One client connection: the socket shell around a ``RequestParser``, an
/// ``OutputQueue`` and a ``ConnectionStateMachine``.
///
/// It performs the machine's actions (read, parse, write, linger, close, answer
/// `408` or `503`) and reports what happened back to it as events; it makes no
/// protocol decision of its own. Confined to its event loop's thread (hence
/// `@unchecked Sendable`).
///
/// The responses to the requests of one read (a parse error's answer among
/// them) are written with the loop's batch (see ``EventLoop``), when the
/// machine asks for the write that follows parsing; every other write (the
/// machine's `408` and `503`, a blocked socket becoming writable) happens at once.
///
/// Its socket is registered with the loop's `epoll` by connection id (never by
/// descriptor number, which the kernel reuses), with the interest the machine
/// asks for. A hang-up reported while it waits for nothing closes it, so a dead
/// socket cannot make the loop spin.
final class Connection: @unchecked Sendable {
    typealias Action = ConnectionStateMachine.Action

    let id: UInt64
    let fileDescriptor: Int32
    /// The connection's id and peer, as the responder sees them.
    let info: ConnectionInfo
    let environment: ConnectionEnvironment
    unowned let loop: EventLoop

    private var parser: RequestParser
    private var machine: ConnectionStateMachine
    private var output = OutputQueue()
    /// The interest last given to epoll: (reading, writing).
    private var registeredInterest = (reading: false, writing: false)
    /// Responses wait in `output` for the loop's batch to be written.
    private var writeQueuedForBatch = false

    init(
        id: UInt64, fileDescriptor: Int32, peer: IPAddress?, rejecting: Bool, environment: ConnectionEnvironment,
        loop: EventLoop
    ) {
        self.id = id
        self.fileDescriptor = fileDescriptor
        self.info = ConnectionInfo(id: id, peer: peer)
        self.environment = environment
        self.loop = loop
        self.parser = RequestParser(limits: environment.limits)
        self.machine = ConnectionStateMachine(limits: environment.limits, now: environment.now(), rejecting: rejecting)
    }

    var rejecting: Bool { machine.rejecting }
    private var isClosed: Bool { machine.phase == .closed }
    private var parserState: ConnectionStateMachine.ParserState {
        .init(isIdle: parser.isIdle, isReadingBody: parser.isReadingBody)
    }

    /// Registers the socket with the loop; `false` if epoll refused it.
    func start() -> Bool {
        guard loop.register(self) else { return false }
        updateInterest()
        return true
    }

    // MARK: - Events from the loop

    /// What epoll reported for this socket.
    func handle(events: UInt32) {
        guard !isClosed else { return }
        let failed = events & (clinux_epollerr | clinux_epollhup) != 0
        if machine.interest.reading && (events & clinux_epollin != 0 || failed) {
            readable()
            guard !isClosed else { return }
        }
        if machine.interest.writing && (events & clinux_epollout != 0 || failed) {
            perform(.write)
            guard !isClosed else { return }
        }
        // A hang-up or error is reported even while nothing is asked for.
        if failed && !machine.interest.reading && !machine.interest.writing { abort(reason: "socket hung up") }
    }

    /// Writes the responses queued for the loop's batch.
    func writeQueuedOutput() {
        guard writeQueuedForBatch else { return }
        writeQueuedForBatch = false
        guard !isClosed else { return }
        perform(.write)
    }

    /// Checks the current wait's deadline.
    func timerFired(now: UInt64) {
        guard !isClosed else { return }
        perform(machine.timerFired(now: now))
    }

    /// The server is shutting down gracefully.
    func drain() {
        guard !isClosed else { return }
        // Take what the client already sent: bytes in the socket are a request in flight.
        if machine.interest.reading { readable() }
        guard !isClosed else { return }
        // The machine decides on the output as written.
        writeQueuedOutput()
        guard !isClosed else { return }
        perform(machine.drainStarted(now: environment.now(), parser: parserState, outputEmpty: output.isEmpty))
    }

    /// Closes at once, dropping anything unwritten.
    func abort(reason: String) {
        guard !isClosed else { return }
        environment.logger.debug("connection aborted", metadata: ["connection": "\(id)", "reason": "\(reason)"])
        close()
    }

    // MARK: - Actions

    /// Performs `action` and those that follow from it, until the machine waits.
    private func perform(_ action: Action) {
        var action = action
        while true {
            switch action {
            case .wait:
                updateInterest()
                return
            case .parse:
                action = parse()
                if action == .write {
                    // Written with the batch's other responses.
                    if !writeQueuedForBatch {
                        writeQueuedForBatch = true
                        loop.writeWithBatch(self)
                    }
                    return
                }
            case .write:
                action = write()
            case .linger:
                shutdown(fileDescriptor, Int32(SHUT_WR))
                action = .wait
            case .close:
                close()
                return
            case .respondRequestTimeout:
                output.removeAll()
                environment.metrics.requestTimeouts.increment()
                queueLastResponse(.requestTimeout)
                action = machine.lastResponseQueued()
            case .respondOverloaded:
                queueLastResponse(.overloaded)
                action = machine.lastResponseQueued()
            }
        }
    }

    private func readable() {
        if machine.phase == .lingering {
            discardInput()
            return
        }
        let buffer = loop.readBuffer
        let limits = environment.limits
        reading: while true {
            let count = recv(fileDescriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 {
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                if count < buffer.count { break }
                // A full buffer: stop after this much so one client cannot hog the loop;
                // epoll reports the rest.
                if parser.bufferedByteCount > limits.maxHeaderBytes + limits.maxBodyBytes { break }
                continue
            }
            if count == 0 {
                machine.peerClosed()
                break
            }
            switch errno {
            case EINTR: continue reading
            case EAGAIN, EWOULDBLOCK: break reading
            default:
                abort(reason: "read failed")
                return
            }
        }
        perform(machine.bytesRead(parser: parserState))
    }

    /// Answers the requests the parser holds, as far as the machine allows.
    private func parse() -> Action {
        while machine.mayParse(unwrittenBytes: output.unwrittenCount) {
            switch parser.next() {
            case .needMoreData:
                break
            case .continueExpected:
                output.append(contentsOf: ResponseSerializer.continueResponse)
                continue
            case .request(let request):
                respond(to: request)
                continue
            case .failure(let error):
                environment.metrics.parseError(error)
                queueLastResponse(.unreadable(error))
                return machine.lastResponseQueued()
            }
            break
        }
        return machine.parsingStopped(
            now: environment.now(), parser: parserState, unwrittenBytes: output.unwrittenCount)
    }

    /// Writes as much of the output as the socket takes.
    private func write() -> Action {
        switch output.write(to: fileDescriptor) {
        case .complete:
            return machine.outputDrained(now: environment.now(), parser: parserState)
        case .wouldBlock:
            return machine.outputBlocked(now: environment.now())
        case .failed:
            abort(reason: "write failed")
            return .wait
        }
    }

    private func respond(to request: HTTPRequest) {
        let response = environment.responder.respond(to: request, connection: info)
        let plan = machine.requestParsed(keepAlive: request.keepAlive, serverDraining: environment.isDraining())
        ResponseSerializer.write(
            response, isHead: request.method == .head, close: plan.closes,
            keepAliveForHTTP10: request.version == .http1_0 && !plan.closes,
            date: loop.dateCache.current(), into: &output)
        if plan.duringDrain { environment.answeredWhileDraining() }
    }

    /// Queues the responder's answer to `refusal` as the connection's last (`Connection: close`).
    private func queueLastResponse(_ refusal: Refusal) {
        let response = environment.responder.respond(to: refusal, connection: info)
        ResponseSerializer.write(
            response, isHead: false, close: true, keepAliveForHTTP10: false,
            date: loop.dateCache.current(), into: &output)
    }

    private func discardInput() {
        let buffer = loop.readBuffer
        while true {
            let count = recv(fileDescriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            close()  // end of stream or error
            return
        }
    }

    // MARK: - Closing and interest

    private func close() {
        guard !isClosed else { return }
        machine.closed()
        loop.unregister(self)
        Glibc.close(fileDescriptor)
        loop.connectionClosed(self)
    }

    /// Tells epoll what the machine waits for, if that changed.
    private func updateInterest() {
        let wanted = machine.interest
        guard wanted != registeredInterest, !isClosed else { return }
        registeredInterest = wanted
        loop.setInterest(self, reading: wanted.reading, writing: wanted.writing)
    }
}

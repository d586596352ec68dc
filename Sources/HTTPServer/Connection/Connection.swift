import CLinuxEvents
import Dispatch
import Glibc
import Logging

/// One client connection: the event-loop shell around a ``RequestParser`` and a
/// ``ConnectionStateMachine``.
///
/// It reads, hands complete requests to the responder, writes, and closes; the
/// parser decides what the bytes mean and the state machine decides which wait
/// applies. Confined to its event loop's thread (hence `@unchecked Sendable`).
///
/// Its socket is registered with the loop's `epoll` by connection id (never by
/// descriptor number, which the kernel reuses). It waits for `EPOLLIN` while it
/// reads and for `EPOLLOUT` only while a response is blocked (then it stops
/// reading: backpressure). At end of input it stops waiting for `EPOLLIN`, and
/// a hang-up reported while it waits for nothing closes it, so a dead socket
/// cannot make the loop spin.
final class Connection: @unchecked Sendable {
    let id: UInt64
    let fileDescriptor: Int32
    /// The address at the other end of the socket (a proxy's, behind one).
    let peer: IPAddress?
    /// Answers its first request with 503 and closes (the server is over its connection limit).
    let rejecting: Bool
    unowned let loop: EventLoop

    private var parser: RequestParser
    private var machine: ConnectionStateMachine
    /// Not waiting for input (end of stream, or a blocked response).
    private var readSuspended = false
    /// Not waiting to write (nothing is blocked).
    private var writeSuspended = true
    /// The interest last given to epoll: (reading, writing).
    private var registeredInterest = (reading: false, writing: false)

    private var output = OutputQueue()
    /// Responses in `output` not yet fully written.
    private var queuedResponses = 0
    /// Close once `output` is written (the last response said `Connection: close`).
    private var closeAfterOutput = false
    /// The client ended its side of the stream.
    private var inputEnded = false
    /// The server is draining: every response from now on closes the connection.
    private var draining = false
    private var closing = false
    /// `peer` as text, made on first use.
    private var peerDescription: String?

    init(id: UInt64, fileDescriptor: Int32, peer: IPAddress?, loop: EventLoop, rejecting: Bool) {
        self.id = id
        self.fileDescriptor = fileDescriptor
        self.peer = peer
        self.loop = loop
        self.rejecting = rejecting
        let limits = loop.server.configuration.limits
        self.parser = RequestParser(limits: limits)
        self.machine = ConnectionStateMachine(limits: limits, now: DispatchTime.now().uptimeNanoseconds)
    }

    private var limits: ServerLimits { machine.limits }

    /// Registers the socket with the loop; `false` if epoll refused it.
    func start() -> Bool {
        guard loop.register(self) else { return false }
        updateInterest()
        return true
    }

    // MARK: - Events

    /// What epoll reported for this socket.
    func handle(events: UInt32) {
        guard !closing else { return }
        let failed = events & (clinux_epollerr | clinux_epollhup) != 0
        if !readSuspended && (events & clinux_epollin != 0 || failed) {
            readable()
            guard !closing else { return }
        }
        if !writeSuspended && (events & clinux_epollout != 0 || failed) {
            writable()
            guard !closing else { return }
        }
        // A hang-up or error is reported even while nothing is asked for.
        if failed && readSuspended && writeSuspended { abort(reason: "socket hung up") }
    }

    private func readable() {
        guard !closing else { return }
        if machine.phase == .lingering {
            discardInput()
            return
        }
        let buffer = loop.readBuffer
        while true {
            let count = recv(fileDescriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 {
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                if count < buffer.count { break }
                // A full buffer: stop after this much so one client cannot hog the loop;
                // the source fires again for the rest.
                if parser.bufferedByteCount > limits.maxHeaderBytes + limits.maxBodyBytes { break }
                continue
            }
            if count == 0 {
                inputEnded = true
                suspendReading()
                break
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: break
            default:
                abort(reason: "read failed")
                return
            }
            break
        }
        process()
    }

    /// Parses and answers what has arrived, then writes.
    private func process() {
        var completed = false
        while !closing {
            var stoppedAtPipelineLimit = false
            if rejecting && !closeAfterOutput && !parser.isIdle {
                // Over the connection limit: answer 503 as soon as the client speaks.
                respondOverloaded()
            }
            parsing: while !closeAfterOutput {
                if queuedResponses >= limits.maxPipelinedRequests
                    || output.unwrittenCount >= limits.maxQueuedOutputBytes
                {
                    stoppedAtPipelineLimit = true
                    break parsing
                }
                switch parser.next() {
                case .needMoreData:
                    break parsing
                case .continueExpected:
                    output.append(contentsOf: ResponseSerializer.continueResponse)
                case .request(let request):
                    respond(to: request)
                    completed = true
                case .failure(let error):
                    respondToParseError(error)
                }
            }
            guard flush() else { return }  // a write source takes over
            if closeAfterOutput {
                finishAfterLastResponse()
                return
            }
            if !stoppedAtPipelineLimit { break }
        }
        guard !closing else { return }
        if inputEnded {
            // The client will send nothing more; a partial request can never complete.
            close()
            return
        }
        machine.update(
            now: DispatchTime.now().uptimeNanoseconds, requestCompleted: completed,
            hasPartialRequest: !parser.isIdle, isReadingBody: parser.isReadingBody, outputPending: false)
    }

    private func respond(to request: HTTPRequest) {
        let server = loop.server
        let started = DispatchTime.now().uptimeNanoseconds
        var context = RequestContext(
            connectionID: id, logger: server.logger,
            requestID: RequestContext.requestID(from: request.headers["X-Request-ID"], generate: loop.nextRequestID))
        var response = server.responder.respond(to: request, context: &context)
        response.headers.append(("X-Request-ID", context.requestID))
        // The server flag, not only this connection's: drain() may not have reached it yet.
        let close = !request.keepAlive || draining || server.isDraining
        let before = output.count
        ResponseSerializer.write(
            response, isHead: request.method == .head, close: close,
            keepAliveForHTTP10: request.version == .http1_0 && !close,
            date: loop.dateCache.current(), into: &output)
        queuedResponses += 1
        if close { closeAfterOutput = true }
        if draining || server.isDraining { server.answeredWhileDrainingIncrement() }
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        let bytes = output.count - before
        let route = context.routeTemplate ?? "unmatched"
        loop.requestMetrics.record(
            method: request.method, route: route, status: response.status.code, nanoseconds: elapsed, bytes: bytes)
        let logger = context.logger
        if logger.logLevel <= .info {
            let record = AccessLogRecord(
                connection: id, requestID: context.requestID, client: clientDescription(for: request),
                method: request.method, route: route, status: response.status.code, bytes: bytes,
                durationNanoseconds: elapsed)
            logger.info("request", metadata: [AccessLogRecord.metadataKey: .stringConvertible(record)])
        }
    }

    /// The logged client address: the peer's, or the forwarded one when the peer is a trusted proxy.
    private func clientDescription(for request: HTTPRequest) -> String {
        let proxies = loop.server.configuration.trustedProxies
        if proxies.isEmpty || peer.map(proxies.contains) != true {
            if let peerDescription { return peerDescription }
            let description = peer?.description ?? "unknown"
            peerDescription = description
            return description
        }
        return proxies.clientAddress(peer: peer, headers: request.headers)?.description ?? "unknown"
    }

    /// Also for a request that could not be read: a generated `X-Request-ID`, on the
    /// response and in the log line, so a client's report can be found in the log.
    private func respondToParseError(_ error: ParseError) {
        let requestID = queueLastResponse(.problem(error.status, detail: error.detail))
        loop.server.metrics.parseError(error)
        loop.server.logger.notice(
            "request rejected",
            metadata: [
                "connection": "\(id)", "status": "\(error.status.code)", "error": "\(error)",
                "request_id": "\(requestID)",
            ])
    }

    private func respondOverloaded() {
        queueLastResponse(Self.overloadedResponse)
    }

    /// Queues `response` as the connection's last (`Connection: close`) with a
    /// generated `X-Request-ID`, which it returns for the log line.
    @discardableResult
    private func queueLastResponse(_ response: HTTPResponse) -> String {
        var response = response
        let requestID = loop.nextRequestID()
        response.headers.append(("X-Request-ID", requestID))
        ResponseSerializer.write(
            response, isHead: false, close: true, keepAliveForHTTP10: false,
            date: loop.dateCache.current(), into: &output)
        queuedResponses += 1
        closeAfterOutput = true
        return requestID
    }

    static let overloadedResponse = HTTPResponse.problem(
        .serviceUnavailable, detail: "The server has too many open connections; try again shortly.")

    /// Checks the current wait's deadline.
    func timerFired(now: UInt64) {
        guard !closing else { return }
        switch machine.timerFired(now: now) {
        case .none:
            return
        case .close:
            close()
        case .respondRequestTimeoutAndClose:
            output.removeAll()
            queuedResponses = 0
            let requestID = queueLastResponse(
                .problem(.requestTimeout, detail: "The request was not received in time."))
            loop.server.metrics.requestTimeouts.increment()
            loop.server.logger.notice(
                "request timed out", metadata: ["connection": "\(id)", "status": "408", "request_id": "\(requestID)"])
            if flush() { finishAfterLastResponse() }
        }
    }

    /// The server is shutting down gracefully.
    func drain() {
        guard !closing else { return }
        draining = true
        // Take what the client already sent: bytes in the socket are a request in flight.
        if !readSuspended { readable() }
        guard !closing else { return }
        switch machine.drainRequested(now: DispatchTime.now().uptimeNanoseconds) {
        case .close where parser.isIdle && output.isEmpty:
            close()
        case .close, .closeAfterResponse:
            break  // the next response carries Connection: close
        }
    }

    // MARK: - Writing

    /// Writes as much of `output` as the socket takes. Returns `true` when all
    /// of it is written; otherwise a write source resumes the work.
    private func flush() -> Bool {
        switch output.write(to: fileDescriptor) {
        case .complete:
            break
        case .wouldBlock:
            waitUntilWritable()
            return false
        case .failed:
            abort(reason: "write failed")
            return false
        }
        queuedResponses = 0
        writeSuspended = true
        if !inputEnded { readSuspended = false }
        updateInterest()
        return true
    }

    /// The socket is full: stop reading (backpressure) and wait to write.
    private func waitUntilWritable() {
        machine.update(
            now: DispatchTime.now().uptimeNanoseconds, requestCompleted: false, hasPartialRequest: false,
            isReadingBody: false, outputPending: true)
        readSuspended = true
        writeSuspended = false
        updateInterest()
    }

    private func writable() {
        guard !closing else { return }
        guard flush() else { return }
        if closeAfterOutput {
            finishAfterLastResponse()
        } else {
            process()  // pipelined requests may be waiting in the parser
        }
    }

    /// The last response is written. Close now, or, when the client may still be
    /// sending (an error cut its request short, or more bytes are buffered), shut
    /// our side and read and discard for a moment first, so closing does not
    /// reset the connection before the client has read the response.
    private func finishAfterLastResponse() {
        if inputEnded || parser.isIdle {
            close()
            return
        }
        shutdown(fileDescriptor, Int32(SHUT_WR))
        machine.startLingering(now: DispatchTime.now().uptimeNanoseconds)
        resumeReading()
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

    // MARK: - Closing

    /// Closes at once, dropping anything unwritten.
    func abort(reason: String) {
        guard !closing else { return }
        loop.server.logger.debug("connection aborted", metadata: ["connection": "\(id)", "reason": "\(reason)"])
        close()
    }

    private func close() {
        guard !closing else { return }
        closing = true
        machine.closed()
        loop.unregister(self)
        Glibc.close(fileDescriptor)
        loop.connectionClosed(self)
    }

    private func suspendReading() {
        guard !readSuspended else { return }
        readSuspended = true
        updateInterest()
    }

    private func resumeReading() {
        guard readSuspended else { return }
        readSuspended = false
        updateInterest()
    }

    /// Tells epoll what this connection waits for, if that changed.
    private func updateInterest() {
        let wanted = (reading: !readSuspended, writing: !writeSuspended)
        guard wanted != registeredInterest, !closing else { return }
        registeredInterest = wanted
        loop.setInterest(self, reading: wanted.reading, writing: wanted.writing)
    }
}

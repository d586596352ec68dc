/// What one connection does next: named events in, one action out.
///
/// Pure. It owns every protocol decision about the connection: when to read and
/// when to stop (pipelining backpressure, end of input), when a response closes
/// the connection (the client asked, an error, a drain), when to linger before
/// closing, when to answer `408` or `503`, and which deadline applies. It takes
/// the time as nanoseconds of a monotonic clock the caller injects, and the
/// parser's and output queue's state as plain values. The socket shell in
/// ``Connection`` performs the actions and tells it what happened; tests drive
/// it with numbers alone.
struct ConnectionStateMachine: Sendable {
    /// The connection's phase. Each has one deadline, from ``ServerLimits``.
    enum Phase: Sendable, Equatable {
        /// Accepted, no byte yet: the header timeout runs from the accept (Go's
        /// `ReadHeaderTimeout`), so a silent client cannot hold a slot.
        case awaitingFirstRequest
        /// Between requests on a kept-alive connection: the idle timeout.
        case idle
        /// Part of a head has arrived: the header timeout, from its first byte.
        case readingHead
        /// The head is complete, the body is not: the body timeout.
        case readingBody
        /// Output is waiting for a slow reader: the write timeout.
        case writing
        /// The last response is written and our side shut down; waiting briefly for
        /// the client to finish sending so closing does not reset the connection.
        case lingering
        /// Closed; nothing more happens.
        case closed
    }

    /// What the shell does next.
    enum Action: Sendable, Equatable {
        /// Nothing now: wait for the socket (as ``interest`` says) or a deadline.
        case wait
        /// Take requests from the parser (ask ``mayParse(unwrittenBytes:)`` before each).
        case parse
        /// Write the queued output.
        case write
        /// Shut our side for writing and read and discard until the client closes
        /// or the linger time ends.
        case linger
        /// Close the socket now, dropping anything unwritten.
        case close
        /// Drop unwritten output, queue `408 Request Timeout` as the last response.
        case respondRequestTimeout
        /// Queue `503 Service Unavailable` as the last response (over the connection limit).
        case respondOverloaded
    }

    /// The parser's state, as far as the connection's decisions need it.
    struct ParserState: Sendable, Equatable {
        /// No bytes of an unfinished request are buffered.
        var isIdle: Bool
        /// A head is complete and its body is still arriving.
        var isReadingBody: Bool

        static let idle = ParserState(isIdle: true, isReadingBody: false)
        static let partialHead = ParserState(isIdle: false, isReadingBody: false)
        static let partialBody = ParserState(isIdle: false, isReadingBody: true)
    }

    /// How to frame a response to a parsed request.
    struct ResponsePlan: Sendable, Equatable {
        /// The response says `Connection: close` and is the connection's last.
        var closes: Bool
        /// It is answered while the server drains.
        var duringDrain: Bool
    }

    let limits: ServerLimits
    /// Answers its first request with `503` and closes (the server is over its connection limit).
    let rejecting: Bool
    private(set) var phase: Phase = .awaitingFirstRequest
    private(set) var deadline: UInt64
    /// What the socket should be watched for: readable, writable.
    private(set) var interest = (reading: true, writing: false)
    /// Responses queued and not yet fully written.
    private(set) var queuedResponses = 0
    /// The last queued response closes the connection; parse nothing more.
    private(set) var closeAfterOutput = false
    /// The client ended its side of the stream.
    private(set) var inputEnded = false
    /// The server is draining: every response from now on closes the connection.
    private(set) var draining = false
    /// A request completed since the deadline was last set, so an idle wait starts afresh.
    private var requestCompletedSinceUpdate = false
    private let acceptedAt: UInt64
    /// The first request's header deadline, which runs from the accept.
    private let firstRequestDeadline: UInt64

    init(limits: ServerLimits, now: UInt64, rejecting: Bool = false) {
        self.limits = limits
        self.rejecting = rejecting
        acceptedAt = now
        firstRequestDeadline = now &+ Self.nanoseconds(limits.headerReadTimeout)
        deadline = firstRequestDeadline
    }

    // MARK: - Reading

    /// Bytes were read into the parser.
    mutating func bytesRead(parser: ParserState) -> Action {
        guard phase != .closed else { return .wait }
        if rejecting && !closeAfterOutput && !parser.isIdle { return .respondOverloaded }
        return .parse
    }

    /// The client ended its side of the stream (a read returned 0).
    mutating func peerClosed() {
        inputEnded = true
        interest.reading = false
    }

    /// Whether another request may be taken from the parser now: not after a
    /// closing response, and not while the pipelining limits are reached
    /// (responses queued, or unwritten bytes): backpressure.
    func mayParse(unwrittenBytes: Int) -> Bool {
        guard phase != .closed, !closeAfterOutput else { return false }
        return queuedResponses < limits.maxPipelinedRequests && unwrittenBytes < limits.maxQueuedOutputBytes
    }

    /// A complete request is about to be answered. `serverDraining` is the
    /// server's own flag, which may be set before ``drainStarted(now:parser:outputEmpty:)``
    /// reaches this connection.
    mutating func requestParsed(keepAlive: Bool, serverDraining: Bool) -> ResponsePlan {
        let duringDrain = draining || serverDraining
        let closes = !keepAlive || duringDrain
        queuedResponses += 1
        requestCompletedSinceUpdate = true
        if closes { closeAfterOutput = true }
        return ResponsePlan(closes: closes, duringDrain: duringDrain)
    }

    /// A last response was queued: a parse error's, the `408` or the `503`.
    mutating func lastResponseQueued() -> Action {
        queuedResponses += 1
        closeAfterOutput = true
        return .write
    }

    /// The parser needs more bytes, or parsing stopped at a limit or a closing response.
    mutating func parsingStopped(now: UInt64, parser: ParserState, unwrittenBytes: Int) -> Action {
        guard phase != .closed else { return .wait }
        if unwrittenBytes > 0 || closeAfterOutput { return .write }
        return awaitInput(now: now, parser: parser)
    }

    // MARK: - Writing

    /// Everything queued is written.
    mutating func outputDrained(now: UInt64, parser: ParserState) -> Action {
        guard phase != .closed else { return .wait }
        queuedResponses = 0
        interest = (reading: !inputEnded, writing: false)
        if closeAfterOutput {
            // Close now, unless the client may still be sending (an error cut its
            // request short, or more bytes are buffered): then shut our side, and
            // read and discard for a moment first, so that closing does not reset
            // the connection before the client has read the response.
            if inputEnded || parser.isIdle { return .close }
            phase = .lingering
            deadline = now &+ Self.nanoseconds(limits.lingerTimeout)
            interest = (reading: true, writing: false)
            return .linger
        }
        // Pipelined requests may be waiting in the parser.
        if !parser.isIdle { return .parse }
        return awaitInput(now: now, parser: parser)
    }

    /// The socket took only part of the output: stop reading (backpressure) and
    /// wait until it is writable, under the write timeout.
    mutating func outputBlocked(now: UInt64) -> Action {
        guard phase != .closed else { return .wait }
        setPhase(.writing, now: now)
        interest = (reading: false, writing: true)
        return .wait
    }

    // MARK: - Time, drain, close

    /// The deadline sweep: what to do if the current wait has run out.
    mutating func timerFired(now: UInt64) -> Action {
        guard now >= deadline else { return .wait }
        switch phase {
        case .readingHead, .readingBody:
            // Whatever was queued is dropped with the 408.
            queuedResponses = 0
            return .respondRequestTimeout
        case .awaitingFirstRequest, .idle, .writing, .lingering:
            return .close
        case .closed:
            return .wait
        }
    }

    /// A graceful shutdown began (the shell has read what the client already sent).
    /// A connection with a request in flight finishes it with `Connection: close`.
    /// A kept-alive one with nothing in flight stays open `limits.drainIdleGrace`
    /// (a request sent on it meanwhile, as a proxy reuses it, is answered with
    /// `Connection: close`), then closes. One that has sent nothing yet closes,
    /// unless it was accepted less than `limits.drainFirstRequestGrace` ago: then
    /// it has until then to send its request.
    mutating func drainStarted(now: UInt64, parser: ParserState, outputEmpty: Bool) -> Action {
        guard phase != .closed else { return .wait }
        draining = true
        switch phase {
        case .awaitingFirstRequest:
            let graceEnd = acceptedAt &+ Self.nanoseconds(limits.drainFirstRequestGrace)
            if now < graceEnd {
                deadline = min(deadline, graceEnd)
                return .wait
            }
            return parser.isIdle && outputEmpty ? .close : .wait
        case .idle:
            guard parser.isIdle && outputEmpty else { return .wait }
            let grace = Self.nanoseconds(limits.drainIdleGrace)
            if grace == 0 { return .close }
            deadline = min(deadline, now &+ grace)
            return .wait
        case .lingering:
            return parser.isIdle && outputEmpty ? .close : .wait
        case .readingHead, .readingBody, .writing, .closed:
            return .wait
        }
    }

    /// The socket is closed.
    mutating func closed() {
        phase = .closed
        interest = (reading: false, writing: false)
    }

    // MARK: - Deadlines

    /// Nothing to write: wait for the next bytes under the phase's deadline, or
    /// close if the client has ended its stream (a partial request can never complete).
    private mutating func awaitInput(now: UInt64, parser: ParserState) -> Action {
        if inputEnded { return .close }
        let next: Phase
        if parser.isReadingBody {
            next = .readingBody
        } else if !parser.isIdle {
            next = .readingHead
        } else if phase == .awaitingFirstRequest && !requestCompletedSinceUpdate {
            next = .awaitingFirstRequest
        } else {
            next = .idle
        }
        let restart = next != phase || (next == .idle && requestCompletedSinceUpdate)
        requestCompletedSinceUpdate = false
        interest = (reading: true, writing: false)
        if restart { setPhase(next, now: now) }
        return .wait
    }

    private mutating func setPhase(_ next: Phase, now: UInt64) {
        guard phase != .lingering && phase != .closed else { return }
        // The first request's header timeout keeps running from the accept
        // (even if a drain had shortened the wait for its first byte).
        if phase == .awaitingFirstRequest && next == .readingHead {
            deadline = firstRequestDeadline
        } else {
            deadline = now &+ timeout(for: next)
        }
        phase = next
    }

    private func timeout(for phase: Phase) -> UInt64 {
        switch phase {
        case .awaitingFirstRequest, .readingHead: Self.nanoseconds(limits.headerReadTimeout)
        case .idle: Self.nanoseconds(limits.idleTimeout)
        case .readingBody: Self.nanoseconds(limits.bodyReadTimeout)
        case .writing: Self.nanoseconds(limits.writeTimeout)
        case .lingering: Self.nanoseconds(limits.lingerTimeout)
        case .closed: 0
        }
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}

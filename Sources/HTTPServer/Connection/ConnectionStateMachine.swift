/// Which wait a connection is in, and when that wait runs out.
///
/// Pure: it takes the time as nanoseconds from any monotonic clock and the
/// connection's facts, and returns what to do. The Dispatch shell in
/// ``Connection`` only reads, writes, closes and asks it; tests drive it with
/// plain numbers.
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

    /// What to do when a deadline passes.
    enum TimeoutAction: Sendable, Equatable {
        case none
        /// Close without a response.
        case close
        /// Answer `408 Request Timeout`, then close.
        case respondRequestTimeoutAndClose
    }

    /// What to do when a graceful shutdown begins.
    enum DrainAction: Sendable, Equatable {
        /// Nothing is in flight: close now.
        case close
        /// A request is in flight: finish it, answer with `Connection: close`.
        case closeAfterResponse
    }

    let limits: ServerLimits
    private(set) var phase: Phase = .awaitingFirstRequest
    private(set) var deadline: UInt64
    private let acceptedAt: UInt64
    /// The first request's header deadline, which runs from the accept.
    private let firstRequestDeadline: UInt64

    init(limits: ServerLimits, now: UInt64) {
        self.limits = limits
        acceptedAt = now
        firstRequestDeadline = now &+ Self.nanoseconds(limits.headerReadTimeout)
        deadline = firstRequestDeadline
    }

    /// Re-derives the phase after reading, parsing or writing.
    /// - Parameters:
    ///   - requestCompleted: a request was completed since the last update, so
    ///     an idle wait starts afresh.
    ///   - hasPartialRequest: the parser holds bytes of an unfinished head.
    ///   - isReadingBody: the parser has a complete head and awaits its body.
    ///   - outputPending: a response is waiting for the socket to take it.
    mutating func update(
        now: UInt64, requestCompleted: Bool, hasPartialRequest: Bool, isReadingBody: Bool, outputPending: Bool
    ) {
        guard phase != .closed && phase != .lingering else { return }
        let next: Phase
        if outputPending {
            next = .writing
        } else if isReadingBody {
            next = .readingBody
        } else if hasPartialRequest {
            next = .readingHead
        } else if phase == .awaitingFirstRequest && !requestCompleted {
            next = .awaitingFirstRequest
        } else {
            next = .idle
        }
        let restart = next != phase || (next == .idle && requestCompleted)
        guard restart else { return }
        // The first request's header timeout keeps running from the accept
        // (even if a drain had shortened the wait for its first byte).
        if phase == .awaitingFirstRequest && next == .readingHead {
            deadline = firstRequestDeadline
        } else {
            deadline = now &+ timeout(for: next)
        }
        phase = next
    }

    /// Our side is shut down; wait a little for the client's end of stream.
    mutating func startLingering(now: UInt64) {
        guard phase != .closed else { return }
        phase = .lingering
        deadline = now &+ Self.nanoseconds(limits.lingerTimeout)
    }

    mutating func closed() {
        phase = .closed
    }

    /// Checks the deadline.
    func timerFired(now: UInt64) -> TimeoutAction {
        guard now >= deadline else { return .none }
        switch phase {
        case .readingHead, .readingBody:
            return .respondRequestTimeoutAndClose
        case .awaitingFirstRequest, .idle, .writing, .lingering:
            return .close
        case .closed:
            return .none
        }
    }

    /// Decides how a graceful shutdown treats this connection. One that has
    /// sent nothing yet is closed, unless it was accepted less than
    /// `limits.drainFirstRequestGrace` ago: then it has until then to
    /// send its request, which is answered with `Connection: close`.
    mutating func drainRequested(now: UInt64) -> DrainAction {
        switch phase {
        case .awaitingFirstRequest:
            let graceEnd = acceptedAt &+ Self.nanoseconds(limits.drainFirstRequestGrace)
            guard now < graceEnd else { return .close }
            deadline = min(deadline, graceEnd)
            return .closeAfterResponse
        case .idle, .lingering, .closed:
            return .close
        case .readingHead, .readingBody, .writing:
            return .closeAfterResponse
        }
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

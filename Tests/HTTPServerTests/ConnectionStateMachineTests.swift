import Testing

@testable import HTTPServer

/// The connection's protocol decisions, driven by events and plain nanosecond
/// times: no socket, no sleeping.
struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine
    static let second: UInt64 = 1_000_000_000

    static var limits: ServerLimits {
        var limits = ServerLimits()
        limits.headerReadTimeout = .seconds(10)
        limits.bodyReadTimeout = .seconds(30)
        limits.idleTimeout = .seconds(75)
        limits.writeTimeout = .seconds(20)
        limits.lingerTimeout = .seconds(2)
        limits.drainFirstRequestGrace = .seconds(1)
        limits.maxPipelinedRequests = 4
        limits.maxQueuedOutputBytes = 1000
        return limits
    }

    /// A kept-alive request read, parsed, answered and written at `now`: the connection is then idle.
    static func serveOneRequest(_ machine: inout Machine, at now: UInt64) {
        #expect(machine.bytesRead(parser: .partialHead) == .parse)
        #expect(machine.mayParse(unwrittenBytes: 0))
        #expect(
            machine.requestParsed(keepAlive: true, serverDraining: false) == .init(closes: false, duringDrain: false))
        #expect(machine.parsingStopped(now: now, parser: .idle, unwrittenBytes: 100) == .write)
        #expect(machine.outputDrained(now: now, parser: .idle) == .wait)
        #expect(machine.phase == .idle)
    }

    // MARK: - Deadlines (408 and silent closes)

    @Test func silentNewConnectionIsClosedAtTheHeaderTimeout() {
        var machine = Machine(limits: Self.limits, now: 0)
        #expect(machine.phase == .awaitingFirstRequest)
        #expect(machine.interest == (reading: true, writing: false))
        #expect(machine.timerFired(now: 10 * Self.second - 1) == .wait)
        #expect(machine.timerFired(now: 10 * Self.second) == .close)
    }

    /// Slowloris: trickling header bytes does not extend the first request's header deadline.
    @Test func partialHeadGets408AtTheHeaderTimeoutCountedFromAccept() {
        var machine = Machine(limits: Self.limits, now: 0)
        for tick in 1...9 {
            #expect(machine.bytesRead(parser: .partialHead) == .parse)
            #expect(
                machine.parsingStopped(now: UInt64(tick) * Self.second, parser: .partialHead, unwrittenBytes: 0)
                    == .wait)
        }
        #expect(machine.phase == .readingHead)
        #expect(machine.timerFired(now: 10 * Self.second - 1) == .wait)
        #expect(machine.timerFired(now: 10 * Self.second) == .respondRequestTimeout)
        // The 408 is the connection's last response: nothing more is parsed, and once it is written the
        // connection lingers (the client may still be sending its head) and then closes.
        #expect(machine.lastResponseQueued() == .write)
        #expect(!machine.mayParse(unwrittenBytes: 0))
        #expect(machine.outputDrained(now: 10 * Self.second, parser: .partialHead) == .linger)
        #expect(machine.phase == .lingering)
    }

    @Test func bodyTimeoutStartsWhenTheHeadIsComplete() {
        var machine = Machine(limits: Self.limits, now: 0)
        _ = machine.bytesRead(parser: .partialBody)
        #expect(machine.parsingStopped(now: 5 * Self.second, parser: .partialBody, unwrittenBytes: 0) == .wait)
        #expect(machine.phase == .readingBody)
        #expect(machine.timerFired(now: 35 * Self.second - 1) == .wait)
        #expect(machine.timerFired(now: 35 * Self.second) == .respondRequestTimeout)
    }

    @Test func idleTimeoutRestartsAfterEachRequest() {
        var machine = Machine(limits: Self.limits, now: 0)
        Self.serveOneRequest(&machine, at: 1 * Self.second)
        #expect(machine.timerFired(now: 76 * Self.second) == .close)
        Self.serveOneRequest(&machine, at: 70 * Self.second)
        #expect(machine.timerFired(now: 76 * Self.second) == .wait)
        #expect(machine.timerFired(now: 145 * Self.second) == .close)
    }

    @Test func nextRequestAfterIdleGetsAFreshHeaderTimeout() {
        var machine = Machine(limits: Self.limits, now: 0)
        Self.serveOneRequest(&machine, at: 1 * Self.second)
        _ = machine.bytesRead(parser: .partialHead)
        #expect(machine.parsingStopped(now: 50 * Self.second, parser: .partialHead, unwrittenBytes: 0) == .wait)
        #expect(machine.phase == .readingHead)
        #expect(machine.timerFired(now: 60 * Self.second - 1) == .wait)
        #expect(machine.timerFired(now: 60 * Self.second) == .respondRequestTimeout)
    }

    // MARK: - Backpressure

    /// A slow reader: the socket takes part of a response; reading stops and the write timeout runs.
    @Test func blockedOutputStopsReadingUntilItDrains() {
        var machine = Machine(limits: Self.limits, now: 0)
        _ = machine.bytesRead(parser: .partialHead)
        _ = machine.requestParsed(keepAlive: true, serverDraining: false)
        #expect(machine.parsingStopped(now: Self.second, parser: .idle, unwrittenBytes: 500) == .write)
        #expect(machine.outputBlocked(now: Self.second) == .wait)
        #expect(machine.phase == .writing)
        #expect(machine.interest == (reading: false, writing: true))
        #expect(machine.timerFired(now: 21 * Self.second - 1) == .wait)
        // Drained in time: reading resumes, the idle wait starts.
        #expect(machine.outputDrained(now: 2 * Self.second, parser: .idle) == .wait)
        #expect(machine.interest == (reading: true, writing: false))
        #expect(machine.phase == .idle)
        #expect(machine.timerFired(now: 21 * Self.second) == .wait)
        #expect(machine.timerFired(now: 77 * Self.second) == .close)
    }

    @Test func slowReaderIsClosedAtTheWriteTimeout() {
        var machine = Machine(limits: Self.limits, now: 0)
        _ = machine.requestParsed(keepAlive: true, serverDraining: false)
        #expect(machine.outputBlocked(now: Self.second) == .wait)
        #expect(machine.timerFired(now: 21 * Self.second) == .close)
    }

    /// Pipelined requests are taken up to the limit of queued responses, and of unwritten
    /// bytes; the rest wait in the parser until the output is written.
    @Test func pipeliningStopsAtItsLimitsAndResumesWhenOutputDrains() {
        var machine = Machine(limits: Self.limits, now: 0)
        #expect(machine.bytesRead(parser: .partialHead) == .parse)
        for _ in 0..<4 {
            #expect(machine.mayParse(unwrittenBytes: 10))
            _ = machine.requestParsed(keepAlive: true, serverDraining: false)
        }
        #expect(!machine.mayParse(unwrittenBytes: 10), "four responses queued")
        #expect(machine.parsingStopped(now: 1, parser: .partialHead, unwrittenBytes: 40) == .write)
        // Written: more requests are buffered, so parsing resumes.
        #expect(machine.outputDrained(now: 2, parser: .partialHead) == .parse)
        #expect(machine.mayParse(unwrittenBytes: 999))
        #expect(!machine.mayParse(unwrittenBytes: 1000), "the queued-output limit")
    }

    // MARK: - Closing, lingering

    @Test func connectionCloseRequestClosesOnceWrittenAndStopsParsing() {
        var machine = Machine(limits: Self.limits, now: 0)
        _ = machine.bytesRead(parser: .partialHead)
        #expect(
            machine.requestParsed(keepAlive: false, serverDraining: false) == .init(closes: true, duringDrain: false))
        #expect(!machine.mayParse(unwrittenBytes: 0))
        #expect(machine.parsingStopped(now: 1, parser: .idle, unwrittenBytes: 50) == .write)
        #expect(machine.outputDrained(now: 2, parser: .idle) == .close)
    }

    /// A closing response while the client is still sending: shut our side, read and
    /// discard, and close at the end of the linger time at the latest.
    @Test func closingWithInputBufferedLingersForItsLimit() {
        var limits = Self.limits
        limits.lingerTimeout = .seconds(5)
        var machine = Machine(limits: limits, now: 0)
        _ = machine.bytesRead(parser: .partialBody)
        #expect(machine.lastResponseQueued() == .write)  // e.g. 413 for a body over the limit
        #expect(machine.outputDrained(now: Self.second, parser: .partialBody) == .linger)
        #expect(machine.phase == .lingering)
        #expect(machine.interest == (reading: true, writing: false))
        #expect(machine.timerFired(now: 6 * Self.second - 1) == .wait)
        #expect(machine.timerFired(now: 6 * Self.second) == .close)
    }

    @Test func closingAfterTheClientEndedItsStreamDoesNotLinger() {
        var machine = Machine(limits: Self.limits, now: 0)
        _ = machine.bytesRead(parser: .partialBody)
        machine.peerClosed()
        #expect(machine.interest.reading == false)
        _ = machine.lastResponseQueued()
        #expect(machine.outputDrained(now: 1, parser: .partialBody) == .close)
    }

    /// The client ended its stream mid-request: the request can never complete.
    @Test func endOfInputWithAPartialRequestCloses() {
        var machine = Machine(limits: Self.limits, now: 0)
        machine.peerClosed()
        #expect(machine.bytesRead(parser: .partialHead) == .parse)
        #expect(machine.parsingStopped(now: 1, parser: .partialHead, unwrittenBytes: 0) == .close)
    }

    @Test func closedConnectionDoesNothingMore() {
        var machine = Machine(limits: Self.limits, now: 0)
        machine.closed()
        #expect(machine.timerFired(now: .max) == .wait)
        #expect(machine.bytesRead(parser: .partialHead) == .wait)
        #expect(!machine.mayParse(unwrittenBytes: 0))
        #expect(machine.interest == (reading: false, writing: false))
    }

    // MARK: - 503

    @Test func connectionOverTheLimitAnswers503WhenTheClientSpeaks() {
        var machine = Machine(limits: Self.limits, now: 0, rejecting: true)
        #expect(machine.bytesRead(parser: .idle) == .parse, "nothing sent yet: no answer")
        #expect(machine.bytesRead(parser: .partialHead) == .respondOverloaded)
        #expect(machine.lastResponseQueued() == .write)
        #expect(machine.bytesRead(parser: .partialHead) == .parse, "answered once")
        #expect(!machine.mayParse(unwrittenBytes: 0))
        #expect(machine.outputDrained(now: 1, parser: .partialHead) == .linger)
    }

    // MARK: - Drain

    @Test func drainClosesIdleConnectionsAfterTheirGraceAndLetsInFlightOnesFinish() {
        let grace = Machine.nanoseconds(Self.limits.drainIdleGrace)
        var idle = Machine(limits: Self.limits, now: 0)
        Self.serveOneRequest(&idle, at: 1)
        // Kept alive, nothing in flight: open for the grace, then closed.
        #expect(idle.drainStarted(now: 2 * Self.second, parser: .idle, outputEmpty: true) == .wait)
        #expect(idle.timerFired(now: 2 * Self.second + grace - 1) == .wait)
        #expect(idle.timerFired(now: 2 * Self.second + grace) == .close)

        // A request a proxy sends on it within the grace is answered, and closes the connection.
        var reused = Machine(limits: Self.limits, now: 0)
        Self.serveOneRequest(&reused, at: 1)
        #expect(reused.drainStarted(now: 2 * Self.second, parser: .idle, outputEmpty: true) == .wait)
        #expect(reused.bytesRead(parser: .partialHead) == .parse)
        #expect(reused.requestParsed(keepAlive: true, serverDraining: true) == .init(closes: true, duringDrain: true))

        // A zero grace closes at once.
        var limits = Self.limits
        limits.drainIdleGrace = .zero
        var immediate = Machine(limits: limits, now: 0)
        Self.serveOneRequest(&immediate, at: 1)
        #expect(immediate.drainStarted(now: 2 * Self.second, parser: .idle, outputEmpty: true) == .close)

        var reading = Machine(limits: Self.limits, now: 0)
        _ = reading.bytesRead(parser: .partialBody)
        _ = reading.parsingStopped(now: 1, parser: .partialBody, unwrittenBytes: 0)
        #expect(reading.drainStarted(now: 2, parser: .partialBody, outputEmpty: true) == .wait)
        // Its response closes the connection, counted as answered during the drain.
        #expect(reading.requestParsed(keepAlive: true, serverDraining: true) == .init(closes: true, duringDrain: true))
        #expect(reading.outputDrained(now: 3, parser: .idle) == .close)
    }

    /// The server's flag counts even before the drain reaches the connection.
    @Test func aResponseAfterTheServerBeganDrainingCloses() {
        var machine = Machine(limits: Self.limits, now: 0)
        #expect(machine.requestParsed(keepAlive: true, serverDraining: true) == .init(closes: true, duringDrain: true))
    }

    @Test func drainGivesAJustAcceptedConnectionItsGraceToSendItsRequest() {
        let grace = Machine.nanoseconds(Self.limits.drainFirstRequestGrace)
        var machine = Machine(limits: Self.limits, now: Self.second)
        // Accepted 100 ms before the drain: it waits, until the grace ends.
        #expect(machine.drainStarted(now: Self.second + 100_000_000, parser: .idle, outputEmpty: true) == .wait)
        #expect(machine.timerFired(now: Self.second + grace - 1) == .wait)
        #expect(machine.timerFired(now: Self.second + grace) == .close)

        // Past the grace: closed at once.
        var late = Machine(limits: Self.limits, now: 0)
        #expect(late.drainStarted(now: grace, parser: .idle, outputEmpty: true) == .close)

        // The request starts within the grace: the header timeout from the accept applies again.
        var started = Machine(limits: Self.limits, now: 0)
        #expect(started.drainStarted(now: 1, parser: .idle, outputEmpty: true) == .wait)
        _ = started.bytesRead(parser: .partialHead)
        _ = started.parsingStopped(now: 2, parser: .partialHead, unwrittenBytes: 0)
        #expect(started.phase == .readingHead)
        #expect(started.timerFired(now: grace) == .wait)
        #expect(started.timerFired(now: 10 * Self.second) == .respondRequestTimeout)
    }

    /// The linger and the drain's first-request grace are limits like the others.
    @Test func drainGraceFollowsItsLimit() {
        var limits = Self.limits
        limits.drainFirstRequestGrace = .milliseconds(300)
        var fresh = Machine(limits: limits, now: 0)
        #expect(fresh.drainStarted(now: 299_000_000, parser: .idle, outputEmpty: true) == .wait)
        #expect(fresh.timerFired(now: 300_000_000) == .close)
        var late = Machine(limits: limits, now: 0)
        #expect(late.drainStarted(now: 300_000_000, parser: .idle, outputEmpty: true) == .close)
    }
}

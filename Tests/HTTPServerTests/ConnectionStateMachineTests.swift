import Testing

@testable import HTTPServer

/// Deadlines by phase, driven by plain nanosecond times (no sleeping).
struct ConnectionStateMachineTests {
    static let second: UInt64 = 1_000_000_000

    static var limits: ServerLimits {
        var limits = ServerLimits()
        limits.headerReadTimeout = .seconds(10)
        limits.bodyReadTimeout = .seconds(30)
        limits.idleTimeout = .seconds(75)
        limits.writeTimeout = .seconds(20)
        return limits
    }

    @Test func silentNewConnectionIsClosedAtTheHeaderTimeout() {
        let machine = ConnectionStateMachine(limits: Self.limits, now: 0)
        #expect(machine.phase == .awaitingFirstRequest)
        #expect(machine.timerFired(now: 10 * Self.second - 1) == .none)
        #expect(machine.timerFired(now: 10 * Self.second) == .close)
    }

    /// Slowloris: trickling header bytes does not extend the first request's header deadline.
    @Test func partialHeadGets408AtTheHeaderTimeoutCountedFromAccept() {
        var machine = ConnectionStateMachine(limits: Self.limits, now: 0)
        for tick in 1...9 {
            machine.update(
                now: UInt64(tick) * Self.second, requestCompleted: false, hasPartialRequest: true,
                isReadingBody: false, outputPending: false)
        }
        #expect(machine.phase == .readingHead)
        #expect(machine.timerFired(now: 9 * Self.second) == .none)
        #expect(machine.timerFired(now: 10 * Self.second) == .respondRequestTimeoutAndClose)
    }

    @Test func bodyTimeoutStartsWhenTheHeadIsComplete() {
        var machine = ConnectionStateMachine(limits: Self.limits, now: 0)
        machine.update(
            now: 5 * Self.second, requestCompleted: false, hasPartialRequest: true, isReadingBody: true,
            outputPending: false)
        #expect(machine.phase == .readingBody)
        #expect(machine.timerFired(now: 34 * Self.second) == .none)
        #expect(machine.timerFired(now: 35 * Self.second) == .respondRequestTimeoutAndClose)
    }

    @Test func idleTimeoutRestartsAfterEachRequest() {
        var machine = ConnectionStateMachine(limits: Self.limits, now: 0)
        machine.update(
            now: 1 * Self.second, requestCompleted: true, hasPartialRequest: false, isReadingBody: false,
            outputPending: false)
        #expect(machine.phase == .idle)
        #expect(machine.timerFired(now: 76 * Self.second) == .close)
        machine.update(
            now: 70 * Self.second, requestCompleted: true, hasPartialRequest: false, isReadingBody: false,
            outputPending: false)
        #expect(machine.timerFired(now: 76 * Self.second) == .none)
        #expect(machine.timerFired(now: 145 * Self.second) == .close)
    }

    @Test func nextRequestAfterIdleGetsAFreshHeaderTimeout() {
        var machine = ConnectionStateMachine(limits: Self.limits, now: 0)
        machine.update(
            now: 1 * Self.second, requestCompleted: true, hasPartialRequest: false, isReadingBody: false,
            outputPending: false)
        machine.update(
            now: 50 * Self.second, requestCompleted: false, hasPartialRequest: true, isReadingBody: false,
            outputPending: false)
        #expect(machine.phase == .readingHead)
        #expect(machine.timerFired(now: 59 * Self.second) == .none)
        #expect(machine.timerFired(now: 60 * Self.second) == .respondRequestTimeoutAndClose)
    }

    @Test func slowReaderIsClosedAtTheWriteTimeout() {
        var machine = ConnectionStateMachine(limits: Self.limits, now: 0)
        machine.update(
            now: 1 * Self.second, requestCompleted: true, hasPartialRequest: false, isReadingBody: false,
            outputPending: true)
        #expect(machine.phase == .writing)
        #expect(machine.timerFired(now: 20 * Self.second) == .none)
        #expect(machine.timerFired(now: 21 * Self.second) == .close)
    }

    @Test func lingeringCloseEndsAfterItsGracePeriod() {
        var machine = ConnectionStateMachine(limits: Self.limits, now: 0)
        machine.startLingering(now: Self.second)
        #expect(machine.phase == .lingering)
        machine.update(
            now: 2 * Self.second, requestCompleted: true, hasPartialRequest: true, isReadingBody: false,
            outputPending: false)
        #expect(machine.phase == .lingering)
        #expect(machine.timerFired(now: 3 * Self.second) == .close)
    }

    /// The linger and the drain's first-request grace are limits like the others.
    @Test func lingerAndDrainGraceFollowTheirLimits() {
        var limits = Self.limits
        limits.lingerTimeout = .seconds(5)
        limits.drainFirstRequestGrace = .milliseconds(300)
        var lingering = ConnectionStateMachine(limits: limits, now: 0)
        lingering.startLingering(now: Self.second)
        #expect(lingering.timerFired(now: 6 * Self.second - 1) == .none)
        #expect(lingering.timerFired(now: 6 * Self.second) == .close)
        var fresh = ConnectionStateMachine(limits: limits, now: 0)
        #expect(fresh.drainRequested(now: 299_000_000) == .closeAfterResponse)
        #expect(fresh.timerFired(now: 300_000_000) == .close)
        var late = ConnectionStateMachine(limits: limits, now: 0)
        #expect(late.drainRequested(now: 300_000_000) == .close)
    }

    @Test func drainClosesIdleConnectionsAndLetsInFlightOnesFinish() {
        var machine = ConnectionStateMachine(limits: Self.limits, now: 0)
        #expect(machine.drainRequested(now: 2 * Self.second) == .close)
        machine.update(
            now: 1, requestCompleted: false, hasPartialRequest: true, isReadingBody: false, outputPending: false)
        #expect(machine.drainRequested(now: 1) == .closeAfterResponse)
        machine.update(
            now: 2, requestCompleted: false, hasPartialRequest: true, isReadingBody: true, outputPending: false)
        #expect(machine.drainRequested(now: 2) == .closeAfterResponse)
        machine.update(
            now: 3, requestCompleted: true, hasPartialRequest: false, isReadingBody: false, outputPending: false)
        #expect(machine.drainRequested(now: 3) == .close)
    }

    @Test func drainGivesAJustAcceptedConnectionItsGraceToSendItsRequest() {
        let grace = ConnectionStateMachine.nanoseconds(Self.limits.drainFirstRequestGrace)
        var machine = ConnectionStateMachine(limits: Self.limits, now: Self.second)
        // Accepted 100 ms before the drain: it waits, until the grace ends.
        #expect(machine.drainRequested(now: Self.second + 100_000_000) == .closeAfterResponse)
        #expect(machine.timerFired(now: Self.second + grace - 1) == .none)
        #expect(machine.timerFired(now: Self.second + grace) == .close)

        // The request starts within the grace: the header timeout from the accept applies again.
        var started = ConnectionStateMachine(limits: Self.limits, now: 0)
        #expect(started.drainRequested(now: 1) == .closeAfterResponse)
        started.update(
            now: 2, requestCompleted: false, hasPartialRequest: true, isReadingBody: false, outputPending: false)
        #expect(started.phase == .readingHead)
        #expect(started.timerFired(now: grace) == .none)
        #expect(started.timerFired(now: 10 * Self.second) == .respondRequestTimeoutAndClose)
    }

    @Test func closedConnectionNeverTimesOut() {
        var machine = ConnectionStateMachine(limits: Self.limits, now: 0)
        machine.closed()
        #expect(machine.timerFired(now: .max) == .none)
    }
}

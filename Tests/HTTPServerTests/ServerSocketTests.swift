import Foundation
import HTTPFramework
import TestSupport
import Testing

@testable import HTTPServer

/// The server over real loopback sockets, in process, with exact bytes: the
/// shell that performs the connection state machine's actions, the accept
/// queue and the drain's server-wide timer. The decisions themselves (deadlines,
/// 408, 503, backpressure, lingering, drain) are unit-tested without sockets in
/// `ConnectionStateMachineTests`; a test here waits only for what exists only
/// over a socket, and says why.
@Suite(.serialized)
struct ServerSocketTests {
    /// With little room for queued answers, pipelined requests for large pages
    /// are answered a few at a time (stop, write, resume), still all and in order,
    /// also when the socket fills before the client reads.
    @Test func pipelinedLargeAnswersPastTheQueuedOutputLimitAllArriveInOrder() throws {
        var limits = ServerLimits()
        limits.maxQueuedOutputBytes = 4096
        var router = Router()
        router.add(.get, "/page/{n}") { _, context in
            let n = context.parameters["n"] ?? "?"
            return HTTPResponse(
                contentType: "text/plain",
                body: Array("page \(n):".utf8)
                    + [UInt8](repeating: UInt8(ascii: "a") + UInt8(n.count % 26), count: 100_000))
        }
        let server = try TestServer(limits: limits, router: router)
        let client = try RawClient(port: server.port, receiveTimeout: 10)
        client.send((0..<16).map { "GET /page/\($0) HTTP/1.1\r\nHost: a\r\n\r\n" }.joined())
        let text = client.receiveResponses(16)
        #expect(RawClient.completeResponses(in: text) == 16)
        var searchFrom = text.startIndex
        for n in 0..<16 {
            let found = try #require(
                text.range(of: "page \(n):", range: searchFrom..<text.endIndex), "page \(n) missing or out of order")
            searchFrom = found.upperBound
        }
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 17)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send(
            "GET /hello?1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /hello?3 HTTP/1.1\r\nHost: a\r\n\r\n")
        let text = client.receiveResponses(3)
        let first = try #require(text.range(of: "hello /hello?1"))
        let second = try #require(text.range(of: "\r\n\r\nabc"))
        let third = try #require(text.range(of: "hello /hello?3"))
        #expect(first.lowerBound < second.lowerBound && second.lowerBound < third.lowerBound)
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
    }

    @Test func requestIDIsEchoedOrGenerated() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("GET /hello HTTP/1.1\r\nHost: a\r\nX-Request-ID: abc-123\r\n\r\n")
        #expect(client.receiveResponses(1).contains("\r\nX-Request-ID: abc-123\r\n"))
        let tooLong = String(repeating: "x", count: 129)
        client.send(
            "GET /hello HTTP/1.1\r\nHost: a\r\nX-Request-ID: \(tooLong)\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\nX-Request-ID: a b\r\n\r\n"
        )
        let text = client.receiveResponses(2)
        #expect(!text.contains(tooLong))
        let ids = Self.generatedRequestIDs(in: text)
        #expect(ids.count == 2)
        #expect(Set(ids).count == 2)
    }

    /// Requests the server cannot read (414, 400, 501 here) get a generated id too.
    @Test(arguments: [
        "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "BREW /hello HTTP/1.1\r\nHost: a\r\n\r\n",
    ])
    func unreadableRequestGetsAGeneratedRequestID(request: String) throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send(request)
        let text = client.receive().text
        #expect(!text.hasPrefix("HTTP/1.1 2"))
        #expect(Self.generatedRequestIDs(in: text).count == 1, "\(text)")
    }

    /// The `X-Request-ID` values in `text` that look generated (16 lowercase hex digits);
    /// a field with any other value fails the test.
    static func generatedRequestIDs(in text: String) -> [Substring] {
        let ids = text.components(separatedBy: "\r\n").filter { $0.hasPrefix("X-Request-ID: ") }
            .map { $0.dropFirst("X-Request-ID: ".count) }
        for id in ids {
            #expect(id.count == 16 && id.allSatisfy { "0123456789abcdef".contains($0) }, "not a generated id: \(id)")
        }
        return ids
    }

    /// Requests on many connections that arrive together are answered in one
    /// pass of the loop and written in batches (of one, of a few, of the
    /// default 16): each connection gets its own answer, and keeps working after it.
    @Test(arguments: [1, 4, 16])
    func requestsOnManyConnectionsAtOnceEachGetTheirOwnAnswer(writeBatch: Int) throws {
        var limits = ServerLimits()
        limits.writeBatchResponses = writeBatch
        let server = try TestServer(limits: limits)
        let clients = try (0..<48).map { _ in try RawClient(port: server.port) }
        for round in 0..<2 {
            for (index, client) in clients.enumerated() {
                client.send("GET /hello?\(round)-\(index) HTTP/1.1\r\nHost: a\r\n\r\n")
            }
            for (index, client) in clients.enumerated() {
                let text = client.receiveResponses(1)
                #expect(RawClient.completeResponses(in: text) == 1)
                #expect(text.hasSuffix("\r\n\r\nhello /hello?\(round)-\(index)"), "\(text)")
            }
        }
    }

    @Test func manyPipelinedRequestsAllGetAnswers() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let count = 200
        client.send(String(repeating: "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n", count: count))
        let text = client.receiveResponses(count)
        #expect(RawClient.completeResponses(in: text) == count)
    }

    /// The 408's bytes on the wire (the machine decides it; the shell writes it):
    /// waits out a 500 ms header timeout.
    @Test func incompleteHeadGets408AndClose() throws {
        var limits = ServerLimits()
        limits.headerReadTimeout = .milliseconds(500)
        let server = try TestServer(limits: limits)
        let client = try RawClient(port: server.port)
        client.send("GET /hello HTTP/1.1\r\nHost: a\r\n")
        let (text, closed) = client.receive()
        #expect(text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(text.contains("Connection: close"))
        #expect(text.contains("application/problem+json"))
        #expect(Self.generatedRequestIDs(in: text).count == 1, "\(text)")
        #expect(closed)
    }

    @Test func overTheConnectionLimitGets503AndServiceResumes() throws {
        var limits = ServerLimits()
        limits.maxConnections = 1
        let server = try TestServer(limits: limits)
        do {
            let holder = try RawClient(port: server.port)
            holder.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
            _ = holder.receiveResponses(1)
            let extra = try RawClient(port: server.port)
            extra.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
            let (text, closed) = extra.receive()
            #expect(text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), "\(text)")
            #expect(text.contains("Connection: close"))
            #expect(Self.generatedRequestIDs(in: text).count == 1, "\(text)")
            #expect(closed)
        }
        // Both clients are gone: a new connection is served again.
        let deadline = Date().addingTimeInterval(5)
        var served = false
        while !served && Date() < deadline {
            let client = try RawClient(port: server.port)
            client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
            served = client.receiveResponses(1).hasPrefix("HTTP/1.1 200 OK")
            // The server learns of the two closes asynchronously: poll briefly.
            if !served { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(served)
    }

    @Test func oversizedContentLengthWithExpectGets413WithoutContinue() throws {
        var limits = ServerLimits()
        limits.maxBodyBytes = 100
        let server = try TestServer(limits: limits)
        let client = try RawClient(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n")
        let (text, closed) = client.receive()
        #expect(text.hasPrefix("HTTP/1.1 413 Content Too Large\r\n"), "\(text)")
        #expect(!text.contains("100 Continue"))
        #expect(closed)
    }

    @Test func expectContinueGets100ThenTheResponse() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        let interim = client.receive { $0.hasSuffix("\r\n\r\n") }.text
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        client.send("ping")
        let text = client.receiveResponses(1)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.hasSuffix("\r\n\r\nping"))
    }

    @Test func http10ClosesUnlessKeepAlive() throws {
        let server = try TestServer()
        let plain = try RawClient(port: server.port)
        plain.send("GET /hello HTTP/1.0\r\n\r\n")
        let (text, closed) = plain.receive()
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.contains("Connection: close"))
        #expect(closed)

        let kept = try RawClient(port: server.port)
        kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let first = kept.receiveResponses(1)
        #expect(first.contains("Connection: keep-alive"))
        kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(kept.receiveResponses(1).hasPrefix("HTTP/1.1 200 OK"))
    }

    @Test func connectionCloseIsHonoured() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        let (text, closed) = client.receive()
        #expect(text.contains("Connection: close"))
        #expect(closed)
    }

    @Test func unknownMethodIs501AndVersion2Is505() throws {
        let server = try TestServer()
        let first = try RawClient(port: server.port)
        first.send("BREW /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(first.receive().text.hasPrefix("HTTP/1.1 501 Not Implemented\r\n"))
        let second = try RawClient(port: server.port)
        second.send("GET /hello HTTP/2.0\r\nHost: a\r\n\r\n")
        #expect(second.receive().text.hasPrefix("HTTP/1.1 505 HTTP Version Not Supported\r\n"))
    }

    /// A slow reader does not block other clients; its response waits, bounded.
    @Test func slowReaderDoesNotBlockOthers() throws {
        var limits = ServerLimits()
        limits.writeTimeout = .seconds(1)
        let server = try TestServer(limits: limits)
        let slow = try RawClient(port: server.port)
        var small: Int32 = 4096
        setsockopt(slow.descriptor, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        slow.send("GET /large HTTP/1.1\r\nHost: a\r\n\r\n")
        let other = try RawClient(port: server.port)
        other.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(other.receiveResponses(1).hasPrefix("HTTP/1.1 200 OK"))
        // The slow reader, which reads nothing, is cut off at the write timeout
        // (a real socket's full send buffer is what blocks the output): poll for it.
        #expect(server.server.openConnectionCount == 2)
        let deadline = Date().addingTimeInterval(5)
        while server.server.openConnectionCount > 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(server.server.openConnectionCount == 1)
    }

    @Test func gracefulShutdownFinishesInFlightRequestAndClosesIdle() throws {
        let server = try TestServer()
        let idle = try RawClient(port: server.port)
        idle.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        _ = idle.receiveResponses(1)
        let busy = try RawClient(port: server.port)
        busy.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab")
        // Let the loop read the half request before the drain starts (else it is a new connection in its grace).
        Thread.sleep(forTimeInterval: 0.1)
        let outcome = server.beginShutdown()
        let (idleRest, idleClosed) = idle.receive()
        #expect(idleRest.isEmpty && idleClosed)
        busy.send("cd")
        let (text, closed) = busy.receive()
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("Connection: close"))
        #expect(text.hasSuffix("abcd"))
        #expect(closed)
        #expect(outcome.wait(timeout: 5) == .drained)
        #expect(throws: (any Error).self) { _ = try RawClient(port: server.port) }
    }

    /// Blocks `server`'s accept queue until the returned semaphore is signalled, so
    /// new connections wait in the kernel's queue.
    static func holdAcceptQueue(of server: TestServer) -> DispatchSemaphore {
        let held = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        server.server.acceptQueue.async {
            holding.signal()
            held.wait()
        }
        holding.wait()
        return held
    }

    @Test func shutdownAnswersConnectionsStillInTheKernelsQueue() throws {
        let server = try TestServer()
        // These connections complete their handshake and send a request, but wait
        // in the kernel's queue, not yet accepted.
        let held = Self.holdAcceptQueue(of: server)
        let clients = try (0..<8).map { _ in try RawClient(port: server.port) }
        for client in clients { client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n") }
        // Let the requests reach the kernel's buffers of the queued sockets.
        Thread.sleep(forTimeInterval: 0.1)
        let outcome = server.beginShutdown()
        held.signal()
        for client in clients {
            let (text, closed) = client.receive()
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.contains("Connection: close"))
            #expect(closed)
        }
        #expect(outcome.wait(timeout: 5) == .drained)
        #expect(throws: (any Error).self) { _ = try RawClient(port: server.port) }
    }

    @Test func drainIsNotOverWhileQueuedConnectionsWaitToBeAccepted() throws {
        let server = try TestServer()
        let leaving = try RawClient(port: server.port)
        leaving.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        _ = leaving.receiveResponses(1)
        let held = Self.holdAcceptQueue(of: server)
        let queued = try RawClient(port: server.port)
        queued.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        let outcome = server.beginShutdown()
        // The only accepted connection ends: the queued one is still to be answered.
        shutdown(leaving.descriptor, Int32(SHUT_WR))
        #expect(leaving.receive().closed)
        // Give a wrong early end of the drain the time to happen.
        Thread.sleep(forTimeInterval: 0.1)
        #expect(outcome.value == nil)
        held.signal()
        #expect(queued.receive().text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(outcome.wait(timeout: 5) == .drained)
    }

    @Test func drainDeadlineClosesStuckConnections() throws {
        var limits = ServerLimits()
        limits.drainTimeout = .milliseconds(300)
        let server = try TestServer(limits: limits)
        let stuck = try RawClient(port: server.port)
        stuck.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab")
        // The server-wide drain deadline (a Dispatch timer, not the machine's): let the half request be read first.
        Thread.sleep(forTimeInterval: 0.1)
        #expect(server.shutdown(timeout: 5) == .deadlineExceeded(closedConnections: 1))
        #expect(stuck.receive().closed)
    }
}

/// The event loops after a shutdown.
struct EventLoopEndTests {
    /// A task sent to a loop whose thread has ended runs at once instead of
    /// waiting for ever (a drain deadline racing the end of a drain sends one;
    /// kept, it held its loop and the server).
    @Test func aTaskForAnEndedLoopRunsAtOnce() throws {
        let server = try TestServer()
        #expect(server.shutdown(timeout: 5) == .drained)
        let loops = server.server.loops
        #expect(!loops.isEmpty)
        let deadline = Date().addingTimeInterval(5)
        // The threads end just after the shutdown completes.
        while loops.contains(where: { !$0.hasEnded }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        for loop in loops {
            #expect(loop.hasEnded)
            let ran = LockedFlag()
            loop.execute { ran.set() }
            #expect(ran.isSet, "the task waited on an ended loop")
        }
    }

    final class LockedFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}

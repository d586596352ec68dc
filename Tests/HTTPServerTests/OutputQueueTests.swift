import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

struct OutputQueueTests {
    static let date = Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8)

    /// Bodies of every size class: empty, small (copied), at the threshold and large (referenced).
    static let bodies: [[UInt8]] = [
        0, 10, OutputQueue.referencedBodyBytes - 1, OutputQueue.referencedBodyBytes, 24_000,
    ]
    .enumerated().map { index, length in (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) } }

    static func responses(_ count: Int) -> [HTTPResponse] {
        (0..<count).map { HTTPResponse(headers: [("X-Index", "\($0)")], body: bodies[$0 % bodies.count]) }
    }

    /// The queue and a plain byte array given the same responses.
    static func fill(_ responses: [HTTPResponse]) -> (queue: OutputQueue, expected: [UInt8]) {
        var queue = OutputQueue()
        var expected: [UInt8] = []
        for (index, response) in responses.enumerated() {
            let isHead = index % 7 == 6
            ResponseSerializer.write(
                response, isHead: isHead, close: false, keepAliveForHTTP10: false, date: date, into: &queue)
            ResponseSerializer.write(
                response, isHead: isHead, close: false, keepAliveForHTTP10: false, date: date, into: &expected)
        }
        return (queue, expected)
    }

    @Test func holdsTheSameBytesAsACopy() {
        let (queue, expected) = Self.fill(Self.responses(12))
        #expect(queue.count == expected.count)
        #expect(queue.unwrittenBytes == expected)
        #expect(!queue.isEmpty)
    }

    /// A non-blocking socket pair with small buffers, so writes are partial.
    static func socketPair() throws -> (writer: Int32, reader: Int32) {
        var fds: [Int32] = [0, 0]
        let result = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        try #require(result == 0)
        var size: Int32 = 4096
        setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        return (fds[0], fds[1])
    }

    static func drain(_ fd: Int32, into received: inout [UInt8]) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            received += buffer[0..<count]
        }
    }

    /// Writes `queue` through a socket that takes a few KiB at a time; returns what
    /// arrived and how often the socket was full.
    static func writeThroughSmallSocket(_ queue: inout OutputQueue) throws -> (received: [UInt8], blocked: Int) {
        let (writer, reader) = try socketPair()
        defer {
            close(writer)
            close(reader)
        }
        var received: [UInt8] = []
        var blocked = 0
        var rounds = 0
        while true {
            let result = queue.write(to: writer)
            if result == .complete { break }
            try #require(result == .wouldBlock)
            blocked += 1
            #expect(!queue.isEmpty)
            #expect(queue.writtenCount + queue.unwrittenBytes.count == queue.count)
            drain(reader, into: &received)
            rounds += 1
            try #require(rounds < 100_000)
        }
        drain(reader, into: &received)
        return (received, blocked)
    }

    @Test func partialWritesResumeWhereTheyStopped() throws {
        var (queue, expected) = Self.fill(Self.responses(20))
        let (received, blocked) = try Self.writeThroughSmallSocket(&queue)
        #expect(blocked > 5)
        #expect(received == expected)
        #expect(queue.isEmpty)
        #expect(queue.count == 0)
    }

    /// More pieces than one `sendmsg` takes: the rest goes in later calls.
    @Test func morePiecesThanOneWriteTakes() throws {
        let large = [UInt8](repeating: UInt8(ascii: "x"), count: OutputQueue.referencedBodyBytes)
        let responses = (0..<(OutputQueue.maxPiecesPerWrite * 2)).map {
            HTTPResponse(headers: [("X-Index", "\($0)")], body: large)
        }
        var (queue, expected) = Self.fill(responses)
        let (received, _) = try Self.writeThroughSmallSocket(&queue)
        #expect(received == expected)
    }

    @Test func reusableAfterCompletion() throws {
        var (queue, _) = Self.fill(Self.responses(5))
        _ = try Self.writeThroughSmallSocket(&queue)
        var expected: [UInt8] = []
        for response in Self.responses(3) {
            ResponseSerializer.write(
                response, isHead: false, close: true, keepAliveForHTTP10: false, date: Self.date, into: &queue)
            ResponseSerializer.write(
                response, isHead: false, close: true, keepAliveForHTTP10: false, date: Self.date, into: &expected)
        }
        #expect(queue.unwrittenBytes == expected)
        let (received, _) = try Self.writeThroughSmallSocket(&queue)
        #expect(received == expected)
    }

    @Test func aClosedPeerFailsTheWrite() throws {
        var (queue, _) = Self.fill(Self.responses(5))
        let (writer, reader) = try Self.socketPair()
        close(reader)
        defer { close(writer) }
        #expect(queue.write(to: writer) == .failed)
    }
}

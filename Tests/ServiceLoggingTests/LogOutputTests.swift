import Dispatch
import Foundation
import Testing

@testable import ServiceLogging

#if canImport(Glibc)
    import Glibc
#endif

struct LogOutputTests {
    /// A pipe: (read end, write end).
    static func pipePair() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    /// Everything readable from `fd` until end of stream, read on another thread.
    final class Reader: @unchecked Sendable {
        private var bytes: [UInt8] = []
        private let done = DispatchSemaphore(value: 0)

        init(fileDescriptor: Int32) {
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { break }
                    bytes += buffer[0..<count]
                }
                done.signal()
            }
        }

        /// The lines read, once the writer closed its end.
        func lines() -> [String] {
            done.wait()
            return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        }
    }

    static func line(_ index: Int) -> [UInt8] {
        Array(#""level":"info","message":"line \#(index)""#.utf8)
    }

    @Test func linesArriveInOrderAsJSON() throws {
        let (readEnd, writeEnd) = try Self.pipePair()
        defer { close(readEnd) }
        let reader = Reader(fileDescriptor: readEnd)
        let output = LogOutput(fileDescriptor: writeEnd)
        for index in 0..<2000 { output.write(fields: Self.line(index), urgent: false) }
        output.finish()
        close(writeEnd)
        let lines = reader.lines()
        #expect(lines.count == 2000)
        for (index, line) in lines.enumerated() {
            #expect(line.hasPrefix(#"{"time":""#) && line.hasSuffix(#""message":"line \#(index)"}"#))
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["message"] as? String == "line \(index)")
        }
    }

    /// Nobody reads the output: logging must neither block nor grow without bound.
    /// The lines beyond the buffer are dropped and counted in a warning line.
    @Test func aStalledOutputDropsLinesInsteadOfBlocking() throws {
        let (readEnd, writeEnd) = try Self.pipePair()
        defer { close(readEnd) }
        let output = LogOutput(fileDescriptor: writeEnd, maxPendingBytes: 64 * 1024)
        let sent = 20_000  // about 1.2 MB: far more than the pipe (64 KiB) and the buffer hold
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for index in 0..<sent { output.write(fields: Self.line(index), urgent: false) }
            finished.signal()
        }
        // A generous bound: this detects a logger that waits for its reader, not speed.
        let result = finished.wait(timeout: .now() + 60)
        #expect(result == .success, "logging blocked on an output nobody reads")
        try #require(result == .success)
        let reader = Reader(fileDescriptor: readEnd)
        output.finish()
        close(writeEnd)
        let lines = reader.lines()
        let dropNotices = lines.filter { $0.contains(#""message":"log lines dropped"#) }
        #expect(!dropNotices.isEmpty)
        var dropped = 0
        for notice in dropNotices {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(notice.utf8)) as? [String: Any])
            #expect(object["level"] as? String == "warning")
            dropped += Int(try #require(object["dropped"] as? String)) ?? -1
        }
        let kept = lines.filter { $0.contains(#""message":"line "#) }
        #expect(kept.count + dropped == sent)
        #expect(dropped > 0)
        // What was kept is in order.
        let numbers = kept.compactMap { Int($0.split(separator: " ").last!.dropLast(2)) }
        #expect(numbers == numbers.sorted())
        #expect(numbers.count == kept.count)
    }

    @Test func urgentLinesAreWrittenBeforeWriteReturns() throws {
        let (readEnd, writeEnd) = try Self.pipePair()
        defer {
            close(readEnd)
        }
        let output = LogOutput(fileDescriptor: writeEnd)
        output.write(fields: Self.line(1), urgent: false)
        output.write(fields: Array(#""level":"warning","message":"urgent""#.utf8), urgent: true)
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
        let text = String(decoding: buffer[0..<max(0, count)], as: UTF8.self)
        #expect(text.contains(#""message":"line 1"}"#))
        #expect(text.contains(#""message":"urgent"}"#))
        output.finish()
        close(writeEnd)
    }
}

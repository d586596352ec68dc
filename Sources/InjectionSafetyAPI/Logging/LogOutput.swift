import Dispatch
import HTTPServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A buffered, thread-safe writer of log lines to a file descriptor (stdout).
///
/// Lines are collected in memory and written in batches: when the buffer passes
/// ``flushThreshold``, every ``flushInterval``, at once for warnings and worse,
/// and on ``flush()`` (call it before exiting). Writing one line per syscall
/// would cost a request as much as answering it.
public final class LogOutput: @unchecked Sendable {
    /// Bytes buffered before a write is forced.
    public static let flushThreshold = 32 * 1024
    /// Longest time a line waits in the buffer.
    public static let flushInterval: DispatchTimeInterval = .milliseconds(100)

    private let fileDescriptor: Int32
    private let state = LockedValue(State())

    private struct State {
        var pending: [UInt8] = []
        /// `"YYYY-MM-DDTHH:MM:SS` for `second`, formatted once a second.
        var second = -1
        var secondText: [UInt8] = []
    }
    /// Set once in `init`, only cancelled afterwards (which Dispatch makes thread-safe).
    private let timer: any DispatchSourceTimer

    /// Writes to `fileDescriptor` (default standard output), which it does not close.
    public init(fileDescriptor: Int32 = STDOUT_FILENO) {
        self.fileDescriptor = fileDescriptor
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "injection-safety.log-flush"))
        self.timer = timer
        timer.schedule(deadline: .now() + Self.flushInterval, repeating: Self.flushInterval, leeway: .milliseconds(20))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.activate()
    }

    deinit {
        timer.cancel()
        flush()
    }

    /// Adds one JSON line: `{"time":"<now, UTC, ms>",` then `fields`, then `}`.
    /// Writes at once when `urgent`.
    public func write(fields: [UInt8], urgent: Bool) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let batch: [UInt8]? = state.withLock { state in
            if now.tv_sec != state.second {
                state.second = now.tv_sec
                state.secondText = Array(Self.formatSecond(now.tv_sec).utf8)
            }
            let milliseconds = now.tv_nsec / 1_000_000
            state.pending.append(contentsOf: #"{"time":""#.utf8)
            state.pending.append(contentsOf: state.secondText)
            state.pending.append(UInt8(ascii: "."))
            state.pending.append(UInt8(ascii: "0") + UInt8(milliseconds / 100))
            state.pending.append(UInt8(ascii: "0") + UInt8(milliseconds / 10 % 10))
            state.pending.append(UInt8(ascii: "0") + UInt8(milliseconds % 10))
            state.pending.append(contentsOf: #"Z","#.utf8)
            state.pending.append(contentsOf: fields)
            state.pending.append(contentsOf: "}\n".utf8)
            guard urgent || state.pending.count >= Self.flushThreshold else { return nil }
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        if let batch { Self.writeAll(batch, to: fileDescriptor) }
    }

    /// `2026-11-28T09:29:39` for a time in seconds since the epoch, UTC.
    static func formatSecond(_ seconds: Int) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
    }

    /// Writes everything buffered.
    public func flush() {
        let batch = state.withLock { state -> [UInt8] in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        if !batch.isEmpty { Self.writeAll(batch, to: fileDescriptor) }
    }

    /// Writes every byte to `fileDescriptor`, retrying short writes and
    /// interruptions; gives up silently on an error (nowhere to report it).
    public static func writeAll(_ bytes: [UInt8], to fileDescriptor: Int32) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // nowhere to log a logging failure
                }
            }
        }
    }
}

import Dispatch
import Glibc
import Locking

/// A buffered, thread-safe writer of log lines to a file descriptor (stdout).
///
/// Lines are collected in memory and written in batches by a writer of its own
/// (a serial queue), never by the thread that logs: an event loop that logs a
/// request must not wait for a slow disk, a full pipe or a stalled container
/// log collector. A batch is written when the buffer passes ``flushThreshold``,
/// every ``flushInterval``, at once for warnings and worse, and on ``flush()``
/// (call it before exiting). Writing one line per syscall would cost a request
/// as much as answering it.
///
/// The buffer is bounded (``maxPendingBytes``): when the output cannot keep up,
/// new lines are dropped rather than memory growing or requests waiting, and
/// the next batch begins with a warning line saying how many were dropped.
public final class LogOutput: @unchecked Sendable {
    /// Bytes buffered before the writer is woken.
    public static let flushThreshold = 32 * 1024
    /// Longest time a line waits in the buffer.
    public static let flushInterval: DispatchTimeInterval = .milliseconds(100)

    private let fileDescriptor: Int32
    /// Lines waiting beyond this many bytes are dropped (and counted).
    public let maxPendingBytes: Int
    private let state = LockedValue(State())
    /// Writes batches, one at a time, in order.
    private let writer = DispatchQueue(label: "injection-safety.log-writer")
    /// The writer's spare buffer, swapped with `pending` (touched only on `writer`).
    private var spare: [UInt8] = []

    private struct State {
        var pending: [UInt8] = []
        /// `"YYYY-MM-DDTHH:MM:SS` for `second`, formatted once a second.
        var second = -1
        var secondText: [UInt8] = []
        /// A batch is queued on `writer` and not yet taken.
        var writeScheduled = false
        /// Lines dropped since the last batch (the buffer was full).
        var dropped = 0
    }
    /// Set once in `init`, only cancelled afterwards (which Dispatch makes thread-safe).
    private let timer: any DispatchSourceTimer

    /// Writes to `fileDescriptor` (default standard output), which it does not close.
    public init(fileDescriptor: Int32 = STDOUT_FILENO, maxPendingBytes: Int = 4 * 1024 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.maxPendingBytes = maxPendingBytes
        let timer = DispatchSource.makeTimerSource(queue: writer)
        self.timer = timer
        timer.schedule(deadline: .now() + Self.flushInterval, repeating: Self.flushInterval, leeway: .milliseconds(20))
        timer.setEventHandler { [weak self] in self?.writePending() }
        timer.activate()
    }

    deinit {
        timer.cancel()
        let batch = state.withLock { $0.pending }
        if !batch.isEmpty { Self.writeAll(batch, to: fileDescriptor) }
    }

    /// Adds one JSON line: `{"time":"<now, UTC, ms>",` then `fields`, then `}`.
    /// Written at once (and waited for) when `urgent`.
    public func write(fields: [UInt8], urgent: Bool) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let wakeWriter: Bool = state.withLock { state in
            // A line is `fields` and 37 bytes more (`{"time":"…Z",` and `}\n`);
            // 42 leaves a margin.
            guard state.pending.count + fields.count + 42 <= maxPendingBytes else {
                state.dropped += 1
                return false
            }
            Self.appendTime(now, state: &state)
            state.pending.append(contentsOf: fields)
            state.pending.append(contentsOf: "}\n".utf8)
            guard !urgent && state.pending.count >= Self.flushThreshold && !state.writeScheduled else { return false }
            state.writeScheduled = true
            return true
        }
        if urgent {
            flush()
        } else if wakeWriter {
            writer.async { self.writePending() }
        }
    }

    /// Appends `{"time":"2026-11-28T09:29:39.123Z",` for `now`.
    private static func appendTime(_ now: timespec, state: inout State) {
        if now.tv_sec != state.second {
            state.second = now.tv_sec
            state.secondText = Array(formatSecond(now.tv_sec).utf8)
        }
        let milliseconds = now.tv_nsec / 1_000_000
        state.pending.append(contentsOf: #"{"time":""#.utf8)
        state.pending.append(contentsOf: state.secondText)
        state.pending.append(UInt8(ascii: "."))
        state.pending.append(UInt8(ascii: "0") + UInt8(milliseconds / 100))
        state.pending.append(UInt8(ascii: "0") + UInt8(milliseconds / 10 % 10))
        state.pending.append(UInt8(ascii: "0") + UInt8(milliseconds % 10))
        state.pending.append(contentsOf: #"Z","#.utf8)
    }

    /// On `writer`: takes the buffered lines and writes them, after a line
    /// counting any that were dropped.
    private func writePending() {
        var batch = spare
        batch.removeAll(keepingCapacity: true)
        let dropped: Int = state.withLock { state in
            swap(&state.pending, &batch)
            state.writeScheduled = false
            defer { state.dropped = 0 }
            return state.dropped
        }
        if dropped > 0 {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            var notice = State()
            Self.appendTime(now, state: &notice)
            notice.pending.append(
                contentsOf:
                    #""level":"warning","label":"injection-safety.log","message":"log lines dropped: the output did not keep up","dropped":"\#(dropped)"}\#n"#
                    .utf8)
            Self.writeAll(notice.pending, to: fileDescriptor)
        }
        if !batch.isEmpty { Self.writeAll(batch, to: fileDescriptor) }
        // Keep a buffer of a usual batch's size for the next swap; let an outsized one go.
        spare = batch.capacity <= 4 * Self.flushThreshold ? batch : []
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

    /// Writes everything buffered and waits until it is written.
    public func flush() {
        writer.sync { writePending() }
    }

    /// Stops the periodic writes and writes everything buffered: after it returns,
    /// nothing touches the file descriptor unless more lines are logged.
    public func finish() {
        timer.cancel()
        flush()  // after any timer write in progress: the queue is serial
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

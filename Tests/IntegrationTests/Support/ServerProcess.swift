import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The built `injection-safety-server` binary, started on a free loopback port.
///
/// Its standard output and error are read in the background for its whole life,
/// so the pipe never fills; every wait is bounded; and the process is killed by
/// ``stop()`` or, at the latest, when the value goes away, whatever the test did.
/// Call `defer { server.stop() }` right after starting it: that also keeps the
/// value alive to the end of the test (ARC may otherwise end it at its last use).
final class ServerProcess: Sendable {
    enum StartError: Error, CustomStringConvertible {
        case binaryNotFound(tried: [String])
        case exitedBeforeListening(status: Int32, output: String)
        case notListening(seconds: TimeInterval, output: String)

        var description: String {
            switch self {
            case .binaryNotFound(let tried):
                "injection-safety-server not found (build with `swift build --build-tests`, or set INJECTION_SAFETY_SERVER_BINARY); tried:\n"
                    + tried.joined(separator: "\n")
            case .exitedBeforeListening(let status, let output):
                "server exited (status \(status)) before it was listening; output:\n\(output)"
            case .notListening(let seconds, let output):
                "server did not write its ready file within \(seconds) s; output:\n\(output)"
            }
        }
    }

    /// The port the server logged in its `listening` line.
    let port: Int
    let pid: Int32
    private let process: Process
    private let output: OutputCollector
    /// Left when the process has exited; `wait` on it any number of times.
    private let exited: DispatchGroup
    /// Left when its output reached end of file (everything it printed has been collected).
    private let outputEnded: DispatchGroup

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Everything the server printed so far (complete lines).
    var log: String { output.text }

    /// Starts the server with `--host 127.0.0.1 --port 0 --log-format json --ready-file …` and
    /// `arguments`, and waits (at most `startTimeout` seconds) for the ready file, the one way the
    /// server says it is listening and on which port (the scripts read the same file).
    ///
    /// With `listener`, the server is given that listening socket as systemd's
    /// socket activation does (descriptor 3, `LISTEN_FDS=1`, `LISTEN_PID` its
    /// own id) instead of `--host` and `--port`: a small shell moves the socket,
    /// passed as standard input, to descriptor 3 and sets the variables before
    /// it `exec`s the server (Foundation's `Process` passes on no other descriptor,
    /// and cannot know the child's id before it runs).
    init(arguments: [String] = [], listener: SharedListener? = nil, startTimeout: TimeInterval = 20) throws {
        let process = Process()
        let binary = try Self.binaryURL()
        let readyFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("injection-safety-ready-\(UUID().uuidString)").path
        defer { unlink(readyFile) }
        let common = ["--log-format", "json", "--ready-file", readyFile] + arguments
        if let listener {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                ["-c", #"exec 3<&0 0</dev/null; export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0" "$@""#, binary.path]
                + common
            process.standardInput = FileHandle(fileDescriptor: listener.descriptor, closeOnDealloc: false)
        } else {
            process.executableURL = binary
            process.arguments = ["--host", "127.0.0.1", "--port", "0"] + common
        }
        let output = OutputCollector()
        let exited = DispatchGroup()
        let outputEnded = DispatchGroup()
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        exited.enter()
        outputEnded.enter()
        // A thread of its own reads to end of file (the server has exited). Not
        // FileHandle.readabilityHandler: its Dispatch source sometimes stopped
        // firing for one server after another server of the test had exited,
        // so the rest of that server's output never arrived.
        let reader = pipe.fileHandleForReading
        detachThread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(reader.fileDescriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    output.append(Data(buffer[0..<count]))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            if output.markEnded() { outputEnded.leave() }
        }
        process.terminationHandler = { _ in
            exited.leave()
            output.signalExit()
        }
        try process.run()

        switch output.waitForReadyFile(readyFile, timeout: startTimeout) {
        case .port(let port):
            self.port = port
        case .exited:
            _ = exited.wait(timeout: .now() + 5)
            throw StartError.exitedBeforeListening(status: process.terminationStatus, output: output.text)
        case .timedOut:
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
            throw StartError.notListening(seconds: startTimeout, output: output.text)
        }
        self.pid = process.processIdentifier
        self.process = process
        self.output = output
        self.exited = exited
        self.outputEnded = outputEnded
    }

    deinit { stop() }

    /// Sends SIGTERM: the server starts its graceful drain.
    func terminate() {
        if process.isRunning { kill(pid, SIGTERM) }
    }

    /// Kills the server (SIGKILL) if it still runs, and reaps it.
    func stop() {
        if process.isRunning {
            kill(pid, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
        }
    }

    /// Waits at most `timeout` seconds for the process to end. Returns its exit
    /// status, 128 + the signal number if a signal ended it, or `nil` if it still runs.
    /// Once it returns a status, ``log`` holds everything the process printed.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = DispatchTime.now() + timeout
        guard exited.wait(timeout: deadline) == .success else { return nil }
        // The exit can be seen before the last output has been read from the pipe.
        _ = outputEnded.wait(timeout: max(deadline, .now() + 1))
        switch process.terminationReason {
        case .exit: return process.terminationStatus
        case .uncaughtSignal: return 128 + process.terminationStatus
        @unknown default: return process.terminationStatus
        }
    }

    /// Waits at most `timeout` seconds for a complete output line containing `text`; the first such line, or `nil`.
    func waitForLogLine(containing text: String, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let line = output.firstLine(containing: text) { return line }
            if Date() >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// `INJECTION_SAFETY_SERVER_BINARY`, else next to the test bundle, else the package's debug build.
    static func binaryURL() throws -> URL {
        let name = "injection-safety-server"
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["INJECTION_SAFETY_SERVER_BINARY"], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path))
        }
        // SwiftPM puts the test bundle and the executables in the same build directory.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent(name))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(name))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name))
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent(name))
        }
        // <package>/Tests/IntegrationTests/Support/ServerProcess.swift -> <package>/.build/…/debug
        let build = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build")
        candidates.append(build.appendingPathComponent("debug").appendingPathComponent(name))
        let triples = (try? FileManager.default.contentsOfDirectory(atPath: build.path)) ?? []
        for triple in triples.sorted() where triple.contains("-") {
            candidates.append(
                build.appendingPathComponent(triple).appendingPathComponent("debug").appendingPathComponent(name))
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        throw StartError.binaryNotFound(tried: candidates.map(\.path))
    }
}

/// Collects the server's output line by line, and notes when the process has exited.
private final class OutputCollector: @unchecked Sendable {
    enum PortWait {
        case port(Int)
        case exited
        case timedOut
    }

    private let lock = NSLock()
    private var lines: [String] = []
    private var partialLine: [UInt8] = []
    private var hasExited = false
    private var hasEnded = false
    /// Signalled when output arrives or the process exits.
    private let event = DispatchSemaphore(value: 0)

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func firstLine(containing text: String) -> String? {
        lock.withLock { lines.first { $0.contains(text) } }
    }

    func append(_ data: Data) {
        lock.withLock {
            partialLine.append(contentsOf: data)
            // Only complete lines.
            while let newline = partialLine.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: partialLine[..<newline], as: UTF8.self))
                partialLine.removeSubrange(...newline)
            }
        }
        event.signal()
    }

    /// True the first time only.
    func markEnded() -> Bool {
        lock.withLock {
            defer { hasEnded = true }
            return !hasEnded
        }
    }

    func signalExit() {
        lock.withLock { hasExited = true }
        event.signal()
    }

    /// Waits for the server's ready file (`<host> <port>`), checking it whenever
    /// output arrives and at least every 20 ms.
    func waitForReadyFile(_ path: String, timeout: TimeInterval) -> PortWait {
        let deadline = DispatchTime.now() + timeout
        while true {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n"),
                let field = text.split(separator: " ").last, let port = Int(field.dropLast()), port > 0, port <= 65535
            {
                return .port(port)
            }
            if lock.withLock({ hasExited }) { return .exited }
            if DispatchTime.now() >= deadline { return .timedOut }
            _ = event.wait(timeout: .now() + 0.02)
        }
    }
}

/// A listening socket on 127.0.0.1 that the test holds, as systemd holds a
/// socket unit's: servers started on it (``ServerProcess/init(arguments:listener:startTimeout:)``)
/// come and go, and connections wait in its queue in between.
final class SharedListener: Sendable {
    let descriptor: Int32
    let port: Int

    init(backlog: Int32 = 4096) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        guard let port = bindToFreeLoopbackPort(descriptor, listenBacklog: backlog) else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        self.descriptor = descriptor
        self.port = port
    }

    deinit { close(descriptor) }
}

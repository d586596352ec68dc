import Foundation

/// The built `injection-safety-server` binary, started on a free loopback port.
///
/// Its standard output (JSON log lines) is read in the background, so the pipe
/// never fills; every wait is bounded, and the process is killed when the
/// value goes away, whatever the test did.
final class ServerProcess: @unchecked Sendable {
    enum StartError: Error, CustomStringConvertible {
        case binaryNotFound([String])
        case notListening(output: String)

        var description: String {
            switch self {
            case .binaryNotFound(let tried): "injection-safety-server not found; tried \(tried)"
            case .notListening(let output): "server did not report a port in time; output:\n\(output)"
            }
        }
    }

    let process = Process()
    private(set) var port = 0
    private let lock = NSLock()
    private var output = ""
    private let listening = DispatchSemaphore(value: 0)

    init(arguments: [String] = [], startTimeout: TimeInterval = 20) throws {
        process.executableURL = try Self.binaryURL()
        process.arguments = ["--host", "127.0.0.1", "--port", "0", "--log-format", "json"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let handle = pipe.fileHandleForReading
        handle.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            self.received(String(decoding: data, as: UTF8.self))
        }
        try process.run()
        guard listening.wait(timeout: .now() + startTimeout) == .success else {
            process.terminate()
            throw StartError.notListening(output: log)
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Everything the server printed so far.
    var log: String { lock.withLock { output } }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Sends SIGTERM (graceful shutdown).
    func terminate() {
        kill(process.processIdentifier, SIGTERM)
    }

    /// Waits for the process to exit; its status, or `nil` if it is still running at the timeout.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    private func received(_ text: String) {
        let found: Int? = lock.withLock {
            output += text
            guard port == 0 else { return nil }
            for line in output.split(separator: "\n") where line.contains(#""message":"listening""#) {
                guard let range = line.range(of: #""port":""#) else { continue }
                let digits = line[range.upperBound...].prefix { $0.isNumber }
                if let value = Int(digits) { return value }
            }
            return nil
        }
        if let found {
            lock.withLock { port = found }
            listening.signal()
        }
    }

    /// `INJECTION_SAFETY_SERVER_BINARY`, else next to the test bundle, else the package's debug build.
    static func binaryURL() throws -> URL {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["INJECTION_SAFETY_SERVER_BINARY"] { candidates.append(path) }
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        candidates.append(bundleDirectory.appendingPathComponent("injection-safety-server").path)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("injection-safety-server").path)
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/injection-safety-server").path)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return URL(fileURLWithPath: candidate)
        }
        throw StartError.binaryNotFound(candidates)
    }
}

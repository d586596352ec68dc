import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One server to put behind a proxy: a process of the built binary, or a
/// container of the built image.
protocol Replica: AnyObject, Sendable {
    /// The port on 127.0.0.1 it answers on.
    var port: Int { get }
    /// Everything it logged so far.
    var log: String { get }
    /// SIGTERM: it starts its drain.
    func terminate()
    /// Its exit status once it has exited (at most `timeout` seconds), else nil.
    func waitForExit(timeout: TimeInterval) -> Int32?
    /// Ends it now if it still runs.
    func stop()
}

extension ServerProcess: Replica {}

/// The image `INJECTION_SAFETY_IMAGE` names, run with rootful podman as
/// `scripts/container-test` runs it (the port published on 127.0.0.1), and
/// ready once `/readyz` answers 200 from the host.
final class ContainerReplica: Replica {
    enum StartError: Error, CustomStringConvertible {
        case podman(arguments: [String], output: String)
        case notReady(seconds: TimeInterval, log: String)

        var description: String {
            switch self {
            case .podman(let arguments, let output): "podman \(arguments.joined(separator: " ")) failed: \(output)"
            case .notReady(let seconds, let log): "the container was not ready within \(seconds) s:\n\(log)"
            }
        }
    }

    /// The image to run, when the container tests are to run (scripts/container-test sets it).
    static let image = ProcessInfo.processInfo.environment["INJECTION_SAFETY_IMAGE"].flatMap { $0.isEmpty ? nil : $0 }

    let name: String
    let port: Int

    init(image: String, startTimeout: TimeInterval = 30) throws {
        name = "injection-safety-replica-\(UUID().uuidString.prefix(8).lowercased())"
        let published = try Self.podman([
            // The image's health check needs systemd timers; scripts/container-test checks it apart.
            "run", "-d", "--name", name, "-p", "127.0.0.1::8080", "--stop-timeout", "15", "--no-healthcheck", image,
        ])
        guard published.status == 0 else { throw StartError.podman(arguments: ["run"], output: published.output) }
        let mapping = try Self.podman(["port", name, "8080/tcp"])
        // "127.0.0.1:43567"
        guard mapping.status == 0,
            let port = mapping.output.split(separator: "\n").first.flatMap({ $0.split(separator: ":").last })
                .flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
        else {
            _ = try? Self.podman(["rm", "-f", name])
            throw StartError.podman(arguments: ["port", name], output: mapping.output)
        }
        self.port = port
        let deadline = Date().addingTimeInterval(startTimeout)
        let client = try CurlClient()
        while (try? client.request("GET", "http://127.0.0.1:\(port)/readyz", timeout: 2))?.status != 200 {
            guard Date() < deadline else {
                let log = self.log
                stop()
                throw StartError.notReady(seconds: startTimeout, log: log)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit { stop() }

    var log: String { (try? Self.podman(["logs", name]))?.output ?? "" }

    func terminate() {
        _ = try? Self.podman(["kill", "--signal", "TERM", name])
    }

    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let state = try? Self.podman(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name]),
                state.status == 0
            {
                let words = state.output.split(separator: " ")
                if words.first == "exited", let code = words.last.flatMap({ Int32($0) }) { return code }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    func stop() {
        _ = try? Self.podman(["rm", "-f", "-t", "0", name])
    }

    /// Runs podman to its end; its exit status and output (standard output and error, trimmed).
    ///
    /// Spawned and reaped here with posix_spawn and waitpid, the output in a
    /// file: `podman run -d` leaves the container's monitor holding what it was
    /// given (a pipe would never end), and Foundation's `Process` did not see
    /// it exit (its termination handler never ran, the child stayed a zombie).
    static func podman(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("podman-\(UUID().uuidString)")
            .path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = (["podman"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "podman", &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw POSIXError(.ECHILD) }
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (exitStatus, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

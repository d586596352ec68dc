import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The binary's command line: configuration errors, `--help`, and the
/// `healthcheck` subcommand a container's HEALTHCHECK runs.
struct CommandLineIntegrationTests {
    /// Runs the binary to its end (at most `timeout` seconds) and returns its exit status and output.
    /// With `socketActivation`, a shell sets `LISTEN_PID` to the server's own id
    /// and `LISTEN_FDS` to that value before it `exec`s the server (descriptor 3
    /// is whatever the shell has there: nothing).
    static func run(
        _ arguments: [String], environment: [String: String] = [:], socketActivation listenFDs: String? = nil,
        timeout: TimeInterval = 20
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        if let listenFDs {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                [
                    "-c", #"export LISTEN_PID=$$ LISTEN_FDS="$0"; exec "$@""#, listenFDs,
                    try ServerProcess.binaryURL().path,
                ]
                + arguments
        } else {
            process.executableURL = try ServerProcess.binaryURL()
            process.arguments = arguments
        }
        var merged = ProcessInfo.processInfo.environment
        for name in [
            "HOST", "PORT", "LOG_FORMAT", "LOG_LEVEL", "CORS_ALLOWED_ORIGINS", "TRUSTED_PROXIES", "CLINIC_PROFILE",
        ] {
            merged[name] = nil
        }
        process.environment = merged.merging(environment) { $1 }
        let outputFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("cli-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let handle = try FileHandle(forWritingTo: outputFile)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = done.wait(timeout: .now() + 5)
            Issue.record("\(arguments) did not finish within \(timeout) s")
        }
        let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output)
    }

    @Test(
        arguments: [
            (["--port", "70000"], [:], "--port"),
            (["--idle-timeout", "-1"], [:], "--idle-timeout"),
            (["--log-format", "xml"], [:], "--log-format"),
            ([], ["MAX_BODY_BYTES": "ten"], "MAX_BODY_BYTES"),
            ([], ["LOG_LEVEL": "loud"], "LOG_LEVEL"),
            (["--no-such-flag"], [:], "--no-such-flag"),
            (["--trusted-proxies", "10.0.0.0/33"], [:], "--trusted-proxies"),
            ([], ["CORS_ALLOWED_ORIGINS": "portal.example.org"], "CORS_ALLOWED_ORIGINS"),
        ] as [([String], [String: String], String)])
    func invalidConfigurationExitsTwoNamingTheSetting(
        arguments: [String], environment: [String: String], setting: String
    ) throws {
        let result = try Self.run(arguments + ["--host", "127.0.0.1"], environment: environment)
        #expect(result.status == 2, "output: \(result.output)")
        #expect(result.output.contains(setting), "output: \(result.output)")
    }

    /// Socket activation (`LISTEN_FDS`, `LISTEN_PID`): one socket, passed
    /// instead of `--host` and `--port`. Anything else is refused, naming it.
    @Test func socketActivationIsCheckedBeforeListening() throws {
        let twoSockets = try Self.run(["--log-format", "json"], socketActivation: "2")
        #expect(twoSockets.status == 2 && twoSockets.output.contains("LISTEN_FDS"), "\(twoSockets.output)")
        let withPort = try Self.run(["--port", "0"], socketActivation: "1")
        #expect(withPort.status == 2 && withPort.output.contains("--port"), "\(withPort.output)")
        // Descriptor 3 is not open: the server cannot listen, and says which socket.
        let noSocket = try Self.run(["--log-format", "json"], socketActivation: "1")
        #expect(noSocket.status == 1 && noSocket.output.contains("LISTEN_FDS"), "\(noSocket.output)")
        // Variables for another process (its LISTEN_PID) are not this one's: --port is then
        // allowed, and the next setting read (a missing clinic profile) is what is refused.
        let other = try Self.run(
            ["--host", "127.0.0.1", "--port", "0", "--clinic-profile", "/nonexistent/profile.json"],
            environment: ["LISTEN_FDS": "1", "LISTEN_PID": "1"])
        #expect(other.status == 2 && other.output.contains("--clinic-profile"), "\(other.output)")
        #expect(!other.output.contains("LISTEN_FDS"), "\(other.output)")
    }

    /// A socket passed by socket activation is served, and said so when listening.
    @Test func anInheritedSocketIsServed() throws {
        let socket = try SharedListener()
        let server = try ServerProcess(listener: socket)
        defer { server.stop() }
        #expect(server.port == socket.port)
        #expect(server.log.contains(#""socket":"inherited (LISTEN_FDS)""#))
        let response = try CurlClient().request("GET", "http://127.0.0.1:\(socket.port)/healthz")
        #expect(response.status == 200)
        server.terminate()
        #expect(server.waitForExit(timeout: 20) == 0)
    }

    /// A flag wins over its environment variable: a valid flag with an invalid
    /// variable still starts (and a health check of it passes).
    @Test func flagWinsOverEnvironment() throws {
        let server = try ServerProcess(arguments: ["--log-level", "info"])
        defer { server.stop() }
        let check = try Self.run(
            ["--port", String(server.port), "healthcheck"], environment: ["PORT": "not-a-port", "HOST": "127.0.0.1"])
        #expect(check.status == 0, "output: \(check.output)")
    }

    @Test func helpListsEverySettingWithItsVariableAndDefault() throws {
        let result = try Self.run(["--help"])
        #expect(result.status == 0)
        // Help wraps its lines; compare with the whitespace collapsed.
        let text = result.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for variable in [
            "HOST", "PORT", "LOG_LEVEL", "LOG_FORMAT", "MAX_REQUEST_TARGET_BYTES", "MAX_HEADER_BYTES",
            "MAX_HEADER_FIELDS", "MAX_BODY_BYTES", "HEADER_READ_TIMEOUT", "BODY_READ_TIMEOUT", "IDLE_TIMEOUT",
            "WRITE_TIMEOUT", "SEND_BUFFER_BYTES", "MAX_PIPELINED_REQUESTS", "MAX_CONNECTIONS", "DRAIN_TIMEOUT",
            "CORS_ALLOWED_ORIGINS",
            "TRUSTED_PROXIES", "READY_FILE", "CLINIC_PROFILE",
        ] {
            #expect(text.contains("env: \(variable); default: "), "--help does not name \(variable) with its default")
        }
        #expect(result.output.contains("healthcheck"))
    }

    @Test func healthcheckPassesAgainstAReadyServer() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let byFlag = try Self.run(["--port", String(server.port), "healthcheck"])
        #expect(byFlag.status == 0, "output: \(byFlag.output)")
        // The container sets PORT and listens on every address.
        let byEnvironment = try Self.run(
            ["healthcheck"], environment: ["PORT": String(server.port), "HOST": "0.0.0.0"])
        #expect(byEnvironment.status == 0, "output: \(byEnvironment.output)")
    }

    @Test func healthcheckFailsWithNoServerOrANon200Answer() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let notFound = try Self.run(["--port", String(server.port), "healthcheck", "--path", "/no-such-path"])
        #expect(notFound.status == 1)
        #expect(notFound.output.contains("404"), "output: \(notFound.output)")
        server.stop()
        let refused = try Self.run(["--port", String(server.port), "healthcheck", "--timeout", "1"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("cannot connect"), "output: \(refused.output)")
    }

    /// A server that holds the connection but never answers: the check gives up in time.
    @Test func healthcheckGivesUpOnASilentServer() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        let port = try #require(bindToFreeLoopbackPort(listener, listenBacklog: 4))
        let started = Date()
        let result = try Self.run(["--port", String(port), "healthcheck", "--timeout", "0.5"])
        #expect(result.status == 1, "output: \(result.output)")
        #expect(Date().timeIntervalSince(started) < 10)
    }
}

/// The limits' one list: `limits` prints it, `--help` and README show the same.
struct LimitListIntegrationTests {
    static func limitsTable() throws -> String {
        let result = try CommandLineIntegrationTests.run(["limits"])
        #expect(result.status == 0)
        return result.output
    }

    @Test func readmeTableIsTheLimitsCommandsOutput() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- limits: injection-safety-server limits -->\n"))
        let end = try #require(readme.range(of: "<!-- /limits -->"))
        #expect(
            String(readme[start.upperBound..<end.lowerBound]) == (try Self.limitsTable()),
            "README's limits table differs from `injection-safety-server limits`: paste its output between the markers")
    }

    /// Every configurable limit in the table has its flag and variable in `--help`, and works as both.
    @Test func everyLimitIsInTheHelpAndSettable() throws {
        let rows = try Self.limitsTable().split(separator: "\n").dropFirst(2).map {
            $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(rows.count >= 20)
        let help = try CommandLineIntegrationTests.run(["--help"]).output
        let flat = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for row in rows where row[0] != "fixed" {
            let flag = row[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let variable = row[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            #expect(flat.contains("\(flag) <value>"), "--help lacks \(flag)")
            #expect(flat.contains("env: \(variable); default: "), "--help lacks \(variable)")
            // A bad value is refused by flag and by variable, naming the one given.
            let byFlag = try CommandLineIntegrationTests.run([flag, "nonsense", "--host", "127.0.0.1"])
            #expect(byFlag.status == 2 && byFlag.output.contains(flag), "\(flag): \(byFlag.output)")
            let byVariable = try CommandLineIntegrationTests.run(
                ["--host", "127.0.0.1"], environment: [variable: "nonsense"])
            #expect(byVariable.status == 2 && byVariable.output.contains(variable), "\(variable): \(byVariable.output)")
        }
    }

    /// A limit given by flag (both spellings) reaches the server.
    @Test func aLimitFlagTakesEffect() throws {
        for arguments in [["--max-body-bytes", "16"], ["--max-body-bytes=16"]] {
            let server = try ServerProcess(arguments: arguments)
            defer { server.stop() }
            let response = try CurlClient().request(
                "POST", "\(server.baseURL)/v1/triage", headers: ["Content-Type: application/json"],
                upload: .fixed(Array(#"{"symptoms":["headache","fever"]}"#.utf8)))
            #expect(response.status == 413, "\(arguments)")
        }
    }
}

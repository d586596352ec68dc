import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real nginx running `deploy/nginx.conf` in front of given upstream ports.
///
/// The configuration is the example file itself, with only what a test must
/// change substituted (see ``configuration(example:listenPort:upstreamPorts:directory:mode:)``):
/// so the example is what gets tested. Everything nginx writes (pid, logs, temp
/// files) goes to a fresh directory, removed by ``stop()``. nginx runs in the
/// foreground (`daemon off`), so it is this process's child; ``stop()`` or, at
/// the latest, the value going away ends it and its workers.
final class NginxProcess: @unchecked Sendable {
    /// How nginx talks to the upstream servers.
    enum UpstreamMode: String, CaseIterable, Sendable {
        /// nginx's default: HTTP/1.0 with `Connection: close`, a new connection per
        /// request (the example without `proxy_http_version`, the empty
        /// `Connection` header and the upstream `keepalive` directives).
        case http10 = "HTTP/1.0 upstream"
        /// The example as it is: HTTP/1.1 and kept-alive upstream connections.
        case keepAlive = "keep-alive upstream"
    }

    enum StartError: Error, CustomStringConvertible {
        case notInstalled
        case exampleMissing(String)
        case directiveNotFound(String)
        case exited(status: Int32, output: String)
        case notReady(seconds: TimeInterval, output: String)

        var description: String {
            switch self {
            case .notInstalled:
                "nginx not found (Debian: apt-get install nginx; scripts/test installs it), or set INJECTION_SAFETY_NGINX_BINARY; "
                    + "INJECTION_SAFETY_REQUIRE_NGINX=1 makes its absence a failure"
            case .exampleMissing(let path): "the example configuration is missing: \(path)"
            case .directiveNotFound(let what):
                "deploy/nginx.conf no longer has \(what), which the reverse-proxy tests substitute or remove"
            case .exited(let status, let output): "nginx exited (status \(status)) before it was ready:\n\(output)"
            case .notReady(let seconds, let output): "nginx did not write its pid file within \(seconds) s:\n\(output)"
            }
        }
    }

    /// The port nginx listens on (127.0.0.1).
    let port: Int
    let mode: UpstreamMode
    /// The configuration nginx started with (``reload(upstreamPorts:timeout:)`` writes another).
    let configuration: String
    let directory: URL
    private let process: Process
    private let exited: DispatchGroup
    private let stopLock = NSLock()
    private var stopped = false

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The access log so far (format `upstream` of the example).
    var accessLog: String { Self.read(directory.appendingPathComponent("access.log")) }
    /// The error log so far, and what nginx printed to its standard error.
    var errorLog: String {
        Self.read(directory.appendingPathComponent("error.log"))
            + Self.read(directory.appendingPathComponent("nginx.out"))
    }

    // MARK: - Finding nginx

    /// Set to 1 where nginx must be there (scripts/test): then a missing nginx fails the tests instead of skipping them.
    static var isRequired: Bool { ProcessInfo.processInfo.environment["INJECTION_SAFETY_REQUIRE_NGINX"] == "1" }

    /// `INJECTION_SAFETY_NGINX_BINARY` when set (and only it), else `nginx` on the `PATH` or in the usual sbin folders.
    static let binary: URL? = {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let path = environment["INJECTION_SAFETY_NGINX_BINARY"], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
        }
        for folder in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(folder)/nginx") }
        candidates += ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
    }()

    /// Whether the reverse-proxy tests run: nginx is installed, or it is required (and its absence fails them).
    static var testsRun: Bool { binary != nil || isRequired }

    /// `<package>/deploy/nginx.conf`.
    static let exampleURL: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/nginx.conf")

    // MARK: - Starting and stopping

    /// Starts nginx with the example configuration on a free loopback port in
    /// front of `upstreamPorts` (127.0.0.1), and waits until it has bound its
    /// port (it writes its pid file only then). A port taken between choosing it
    /// and nginx binding it is retried with another.
    init(upstreamPorts: [Int], mode: UpstreamMode, startTimeout: TimeInterval = 20) throws {
        guard let binary = Self.binary else { throw StartError.notInstalled }
        let example = Self.read(Self.exampleURL)
        guard !example.isEmpty else {
            throw StartError.exampleMissing(Self.exampleURL.path)
        }
        var attempt = 1
        var launched: (Int, String, URL, Process, DispatchGroup)?
        while launched == nil {
            do {
                launched = try Self.launch(
                    binary: binary, example: example, upstreamPorts: upstreamPorts, mode: mode,
                    startTimeout: startTimeout)
            } catch StartError.exited(_, let output) where output.contains("Address already in use") && attempt < 3 {
                attempt += 1
            }
        }
        (port, configuration, directory, process, exited) = launched!
        self.mode = mode
    }

    private static func launch(
        binary: URL, example: String, upstreamPorts: [Int], mode: UpstreamMode, startTimeout: TimeInterval
    ) throws -> (Int, String, URL, Process, DispatchGroup) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("injection-safety-nginx-\(UUID().uuidString)")
        // 0755: when the tests run as root, nginx's workers run as an unprivileged
        // user and must reach their temp folders (nginx creates and chowns those).
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        var keep = false
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
        let port = try freePort()
        let configuration = try Self.configuration(
            example: example, listenPort: port, upstreamPorts: upstreamPorts, directory: directory.path, mode: mode)
        let configURL = directory.appendingPathComponent("nginx.conf")
        try configuration.write(to: configURL, atomically: true, encoding: .utf8)
        let outputURL = directory.appendingPathComponent("nginx.out")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = binary
        // -e: where nginx reports before it has read error_log (some builds default to /var/log).
        process.arguments = ["-p", directory.path, "-e", "stderr", "-c", configURL.path, "-g", "daemon off;"]
        process.standardOutput = output
        process.standardError = output
        let exited = DispatchGroup()
        exited.enter()
        process.terminationHandler = { _ in exited.leave() }
        try process.run()

        // nginx writes its pid file once its listening socket is bound.
        let pidURL = directory.appendingPathComponent("nginx.pid")
        let deadline = Date().addingTimeInterval(startTimeout)
        while Date() < deadline {
            if Int32(read(pidURL).trimmingCharacters(in: .whitespacesAndNewlines)) == process.processIdentifier {
                keep = true
                return (port, configuration, directory, process, exited)
            }
            if exited.wait(timeout: .now() + 0.01) == .success { break }
        }
        let running = process.isRunning
        end(process, exited: exited)
        let text = read(outputURL) + read(directory.appendingPathComponent("error.log"))
        if running { throw StartError.notReady(seconds: startTimeout, output: text) }
        throw StartError.exited(status: process.terminationStatus, output: text)
    }

    deinit { stop() }

    /// Points nginx at `upstreamPorts` instead, as a deployment's endpoints
    /// change: rewrites the configuration and sends SIGHUP; nginx starts new
    /// workers with it and lets the old ones finish what they are doing. Returns
    /// once every worker that ran before has exited (at most `timeout` seconds).
    func reload(upstreamPorts: [Int], timeout: TimeInterval = 20) throws {
        let example = Self.read(Self.exampleURL)
        let configuration = try Self.configuration(
            example: example, listenPort: port, upstreamPorts: upstreamPorts, directory: directory.path, mode: mode)
        try configuration.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        let pid = process.processIdentifier
        let before = Set(Self.workers(of: pid))
        kill(pid, SIGHUP)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let now = Set(Self.workers(of: pid))
            if !now.isEmpty && now.isDisjoint(with: before) { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw StartError.notReady(seconds: timeout, output: "reload: old workers still running\n" + errorLog)
    }

    /// The master's children (its workers), by /proc.
    private static func workers(of pid: Int32) -> [Int32] {
        read(URL(fileURLWithPath: "/proc/\(pid)/task/\(pid)/children"))
            .split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Fast shutdown (SIGTERM), then removes the directory. Logs are gone afterwards.
    func stop() {
        let first = stopLock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        Self.end(process, exited: exited)
        try? FileManager.default.removeItem(at: directory)
    }

    /// SIGTERM to the master, which stops its workers; SIGKILL to all of them if it has not exited within 10 s.
    private static func end(_ process: Process, exited: DispatchGroup) {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        let workers = workers(of: pid)
        kill(pid, SIGTERM)
        if exited.wait(timeout: .now() + 10) == .success { return }
        for worker in workers { kill(worker, SIGKILL) }
        kill(pid, SIGKILL)
        _ = exited.wait(timeout: .now() + 5)
    }

    // MARK: - The configuration

    /// The example configuration with, and only with:
    /// - `listen 80;` → `listen 127.0.0.1:<listenPort>;`
    /// - the upstream's `server 127.0.0.1:8080 …;` → one such line per upstream port, same parameters
    /// - the `pid`, `error_log` and `access_log` paths, and the five `*_temp_path`s (added to `http`), in `directory`
    /// - for ``UpstreamMode/http10``: no `proxy_http_version 1.1;`, no `proxy_set_header Connection "";`,
    ///   and no `keepalive`, `keepalive_timeout` or `keepalive_requests` in the upstream block.
    ///
    /// Throws if a directive it substitutes or removes is not in the example exactly once.
    static func configuration(
        example: String, listenPort: Int, upstreamPorts: [Int], directory: String, mode: UpstreamMode
    ) throws -> String {
        var lines = example.components(separatedBy: "\n")
        func directive(_ line: String) -> String { line.trimmingCharacters(in: .whitespaces) }
        func indentation(_ line: String) -> String { String(line.prefix { $0 == " " || $0 == "\t" }) }
        func arguments(_ line: String) -> [String] {
            directive(line).dropLast().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        /// The one line that holds the directive `name` (a whole statement ending in `;`) and passes `filter`.
        func index(of name: String, where filter: (String) -> Bool = { _ in true }) throws -> Int {
            let found = lines.indices.filter {
                let text = directive(lines[$0])
                return text.hasSuffix(";") && arguments(lines[$0]).first == name && filter(text)
            }
            guard found.count == 1 else {
                throw StartError.directiveNotFound("one `\(name)` line (found \(found.count))")
            }
            return found[0]
        }
        func setPath(_ name: String, to path: String) throws {
            let line = try index(of: name)
            var words = arguments(lines[line])
            guard words.count >= 2 else { throw StartError.directiveNotFound("a path in `\(name)`") }
            words[1] = path
            lines[line] = indentation(lines[line]) + words.joined(separator: " ") + ";"
        }

        try setPath("pid", to: "\(directory)/nginx.pid")
        try setPath("error_log", to: "\(directory)/error.log")
        try setPath("access_log", to: "\(directory)/access.log")
        let listen = try index(of: "listen") { $0 == "listen 80;" }
        lines[listen] = indentation(lines[listen]) + "listen 127.0.0.1:\(listenPort);"

        let upstreamStart = try lines.indices.filter {
            let words = directive(lines[$0]).split(separator: " ")
            return words.count == 3 && words[0] == "upstream" && words[2] == "{"
        }.onlyElement("one `upstream … {` block")
        guard let upstreamEnd = lines[upstreamStart...].firstIndex(where: { directive($0) == "}" }) else {
            throw StartError.directiveNotFound("the end of the upstream block")
        }
        let server = try index(of: "server") {
            $0.hasPrefix("server 127.0.0.1:8080 ") || $0 == "server 127.0.0.1:8080;"
        }
        guard (upstreamStart...upstreamEnd).contains(server) else {
            throw StartError.directiveNotFound("`server 127.0.0.1:8080` inside the upstream block")
        }
        let parameters = arguments(lines[server]).dropFirst(2)
        let replicas = upstreamPorts.map { port in
            indentation(lines[server]) + (["server", "127.0.0.1:\(port)"] + parameters).joined(separator: " ") + ";"
        }

        var removed: Set<Int> = []
        if mode == .http10 {
            removed.insert(try index(of: "proxy_http_version") { $0 == "proxy_http_version 1.1;" })
            removed.insert(try index(of: "proxy_set_header") { $0 == #"proxy_set_header Connection "";"# })
            let keepalive = ["keepalive", "keepalive_timeout", "keepalive_requests"]
            let inUpstream = (upstreamStart...upstreamEnd).filter {
                arguments(lines[$0]).first.map(keepalive.contains) == true
            }
            guard inUpstream.contains(where: { arguments(lines[$0]).first == "keepalive" }) else {
                throw StartError.directiveNotFound("`keepalive` in the upstream block")
            }
            removed.formUnion(inUpstream)
        }

        let http = try lines.indices.filter { directive(lines[$0]) == "http {" }.onlyElement("one `http {` line")
        let temporary = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map { name in
            // Any the example sets itself are moved to the test directory as well.
            "\(indentation(lines[http]))    \(name)_temp_path \(directory)/\(name)_temp;"
        }
        for name in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"] {
            if let line = try? index(of: "\(name)_temp_path") { removed.insert(line) }
        }

        var result: [String] = []
        for (number, line) in lines.enumerated() where !removed.contains(number) {
            if number == server {
                result += replicas
            } else {
                result.append(line)
                if number == http { result += temporary }
            }
        }
        return result.joined(separator: "\n")
    }

    // MARK: - Helpers

    /// A port that was free a moment ago (bound to 127.0.0.1:0 and released).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        defer { close(descriptor) }
        guard let port = bindToFreeLoopbackPort(descriptor) else { throw POSIXError(.EADDRINUSE) }
        return port
    }

    /// The file's text, "" if it cannot be read. With read(2): Data(contentsOf:) leaks
    /// its buffer (LeakSanitizer) for files that are empty or, like /proc files, report no size.
    static func read(_ url: URL) -> String {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += buffer[0..<count]
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Array {
    /// The only element, or a ``NginxProcess/StartError/directiveNotFound(_:)`` naming `what`.
    fileprivate func onlyElement(_ what: String) throws -> Element {
        guard count == 1, let element = first else { throw NginxProcess.StartError.directiveNotFound(what) }
        return element
    }
}

import ArgumentParser
import FoundationEssentials
import Glibc

/// `injection-safety-server healthcheck`: asks a running server on this host
/// whether it is ready (`GET /readyz`), for a container's `HEALTHCHECK`, which
/// then needs no curl in the image. Exits 0 on a 200, 1 otherwise.
///
/// It reads the server's settings (`--port` / PORT, `--host` / HOST) and asks
/// the loopback address when the server listens on every address.
struct HealthcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Exits 0 if the server on this host answers GET /readyz with 200, else 1.",
        discussion: """
            Uses the server's own --host/HOST and --port/PORT (given before the subcommand or \
            by environment), asking the loopback address when the server listens on every address. \
            Example: injection-safety-server --port 8080 healthcheck
            """
    )

    /// The server's own `--host` and `--port` (and HOST, PORT), so a health
    /// check is configured exactly like the server it checks.
    @ParentCommand var server: ServerCommand

    @Option(help: "Path to ask.")
    var path: String = "/readyz"

    @Option(help: "Seconds to wait for the whole answer.")
    var timeout: Double = 2

    func validate() throws {
        guard path.hasPrefix("/"), path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ValidationError("--path: '\(path)' must start with / and hold no spaces or control characters.")
        }
        guard timeout.isFinite, timeout > 0, timeout <= 60 else {
            throw ValidationError("--timeout: \(timeout) must be more than 0 and at most 60 seconds.")
        }
    }

    func run() throws {
        let settings = try Settings(command: server, environment: ProcessInfo.processInfo.environment)
        let resolvedPort = settings.server.port
        guard resolvedPort != 0 else {
            throw ValidationError("--port / PORT: 0 picks a free port; a health check needs the real one.")
        }
        let host: String
        switch settings.server.host {
        case "0.0.0.0", "", "localhost": host = "127.0.0.1"
        case "::": host = "::1"
        default: host = settings.server.host
        }
        do {
            let status = try Self.fetchStatus(host: host, port: resolvedPort, path: path, timeout: timeout)
            guard status == 200 else {
                StandardError.write("unhealthy: GET \(path) answered \(status)\n")
                throw ExitCode(1)
            }
            print("healthy: GET \(path) answered 200")
        } catch let error as HealthcheckError {
            StandardError.write("unhealthy: \(error.message)\n")
            throw ExitCode(1)
        }
    }

    struct HealthcheckError: Error {
        let message: String
    }

    /// Sends one `GET path` with `Connection: close` and returns the status code.
    static func fetchStatus(host: String, port: Int, path: String, timeout: Double) throws -> Int {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            family = AF_INET
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin_addr = v4
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            family = AF_INET6
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin6_addr = v6
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            throw HealthcheckError(message: "--host / HOST '\(host)' is not an IPv4 or IPv6 address")
        }
        #if canImport(Glibc)
            let streamType = Int32(SOCK_STREAM.rawValue)
        #else
            let streamType = SOCK_STREAM
        #endif
        let socketDescriptor = socket(family, streamType, 0)
        guard socketDescriptor >= 0 else {
            throw HealthcheckError(message: "socket: \(String(cString: strerror(errno)))")
        }
        defer { close(socketDescriptor) }
        // One deadline bounds connect, send and every receive.
        var wait = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socketDescriptor, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketDescriptor, $0, length) }
        }
        guard connected == 0 else {
            throw HealthcheckError(message: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        let request = Array(
            "GET \(path) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: injection-safety-healthcheck\r\nConnection: close\r\n\r\n"
                .utf8)
        var sent = 0
        while sent < request.count {
            let count = request.withUnsafeBytes {
                send(socketDescriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw HealthcheckError(message: "send failed: \(String(cString: strerror(errno)))") }
            sent += count
        }
        // The status line is all we need: "HTTP/1.1 200 OK\r\n".
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !received.contains(UInt8(ascii: "\n")) && received.count < 4096 {
            let count = buffer.withUnsafeMutableBytes { recv(socketDescriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw HealthcheckError(message: "no answer within \(timeout) s: \(String(cString: strerror(errno)))")
            }
        }
        let statusLine = String(
            decoding: received.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw HealthcheckError(message: "not an HTTP answer: '\(statusLine.prefix(80))'")
        }
        return status
    }
}

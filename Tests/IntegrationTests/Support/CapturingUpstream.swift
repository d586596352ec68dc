import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in upstream on a free loopback port that records each request as it
/// arrived (head and body bytes) and on which connection, and answers
/// `200 {"status":"ok"}` with an `X-Request-ID` of its own. It shows what a
/// proxy in front of it sends, which the real server does not echo.
///
/// Blocking sockets, a thread per connection; every read has a timeout.
/// Connections stay open until the client closes them or sends
/// `Connection: close` or HTTP/1.0 (without `Connection: keep-alive`).
/// Call `defer { upstream.stop() }` right after creating it: its threads hold it until then.
final class CapturingUpstream: @unchecked Sendable {
    struct Request {
        /// 1 for the first connection accepted, 2 for the next, …
        var connection: Int
        /// The request line and header lines, without CRLF.
        var headLines: [String]
        var body: [UInt8]

        var requestLine: String { headLines.first ?? "" }

        /// Every value of a header field (case-insensitive name), in order.
        func values(_ name: String) -> [String] {
            headLines.dropFirst().compactMap { line in
                guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name.lowercased() else {
                    return nil
                }
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
    }

    static let responseBody = #"{"status":"ok"}"#
    static let responseRequestID = "set-by-upstream"

    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var received: [Request] = []
    private var accepted = 0
    private var open: Set<Int32> = []
    private var stopping = false
    private let threads = DispatchGroup()

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        guard let port = bindToFreeLoopbackPort(listener, listenBacklog: 64) else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        self.listener = listener
        self.port = port
        threads.enter()
        detachThread { [self] in
            defer { threads.leave() }
            acceptLoop()
        }
    }

    /// The requests received so far, in order.
    var requests: [Request] { lock.withLock { received } }

    /// Connections accepted so far.
    var connectionCount: Int { lock.withLock { accepted } }

    /// Stops accepting, closes every connection and waits for the threads.
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopping = true }
            for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
            return !stopping
        }
        guard first else { return }
        _ = threads.wait(timeout: .now() + 10)
        close(listener)
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func acceptLoop() {
        while !isStopping {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else { continue }
            let number: Int? = lock.withLock {
                guard !stopping else { return nil }
                accepted += 1
                open.insert(descriptor)
                return accepted
            }
            guard let number else {
                close(descriptor)
                return
            }
            threads.enter()
            detachThread { [self] in
                defer { threads.leave() }
                serve(descriptor, connection: number)
                lock.withLock { _ = open.remove(descriptor) }
                close(descriptor)
            }
        }
    }

    private func serve(_ descriptor: Int32, connection: Int) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        let separator = Array("\r\n\r\n".utf8)
        while true {
            // The head.
            var headEnd: Int?
            while headEnd == nil {
                headEnd = Self.firstIndex(of: separator, in: buffer)
                if headEnd == nil && !receive(descriptor, into: &buffer) { return }
            }
            let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
            buffer.removeFirst(headEnd! + separator.count)
            var request = Request(connection: connection, headLines: head.components(separatedBy: "\r\n"), body: [])
            // The body: only Content-Length framing is expected from a proxy that buffers bodies.
            let length = request.values("Content-Length").first.flatMap { Int($0) } ?? 0
            while buffer.count < length {
                if !receive(descriptor, into: &buffer) { return }
            }
            request.body = Array(buffer.prefix(length))
            buffer.removeFirst(length)
            lock.withLock { received.append(request) }

            let connectionTokens = request.values("Connection").joined(separator: ",").lowercased()
            let close =
                request.requestLine.hasSuffix("HTTP/1.0")
                ? !connectionTokens.contains("keep-alive") : connectionTokens.contains("close")
            let response =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(Self.responseBody.utf8.count)\r\nX-Request-ID: \(Self.responseRequestID)\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n" + Self.responseBody
            let bytes = Array(response.utf8)
            let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent != bytes.count || close { return }
        }
    }

    /// Appends what arrives; false at end of stream, on an error or after the read timeout.
    private func receive(_ descriptor: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for index in 0...(bytes.count - needle.count) where bytes[index..<(index + needle.count)].elementsEqual(needle)
        {
            return index
        }
        return nil
    }
}

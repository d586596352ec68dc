import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking loopback TCP client for tests that need exact bytes on the wire.
/// Every receive has a timeout, so a hung server fails the test instead of hanging it.
public final class RawClient {
    public let descriptor: Int32

    public init(port: Int, receiveTimeout: TimeInterval = 5) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var timeout = timeval(
            tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout.truncatingRemainder(dividingBy: 1)) * 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(descriptor) }

    public func send(_ text: String) {
        send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer closes, the timeout passes, or `until` holds for what was read.
    public func receive(until done: (String) -> Bool = { _ in false }) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
                if done(String(decoding: received, as: UTF8.self)) {
                    return (String(decoding: received, as: UTF8.self), false)
                }
                continue
            }
            return (String(decoding: received, as: UTF8.self), count == 0)
        }
    }

    /// Reads `count` complete responses (each framed by Content-Length).
    public func receiveResponses(_ count: Int) -> String {
        receive { text in Self.completeResponses(in: text) >= count }.text
    }

    public static func completeResponses(in text: String) -> Int {
        let bytes = Array(text.utf8)
        let separator = Array("\r\n\r\n".utf8)
        var start = 0
        var complete = 0
        while let headEnd = firstIndex(of: separator, in: bytes, from: start) {
            let head = String(decoding: bytes[start..<headEnd], as: UTF8.self)
            var length = 0
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            let bodyStart = headEnd + separator.count
            guard bytes.count - bodyStart >= length else { break }
            start = bodyStart + length
            complete += 1
        }
        return complete
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = from
        while index + needle.count <= bytes.count {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

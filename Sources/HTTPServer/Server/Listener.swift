import Glibc

/// A bound, listening, non-blocking TCP socket.
struct Listener {
    let fileDescriptor: Int32
    /// The port actually bound (differs from the requested one when it was 0).
    let port: Int
    /// The address bound, as text.
    let host: String
    /// Passed in by the process that started this one (``inherit(_:)``), not bound here.
    var isInherited = false

    /// Binds `host` (an IPv4 or IPv6 address, or a name) and `port`, and listens.
    /// `::` accepts IPv4 clients too.
    static func bind(host: String, port: Int, backlog: Int32 = 4096) throws -> Listener {
        guard (0...65535).contains(port) else { throw SocketError("bind", code: EINVAL) }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let info = result else {
            throw SocketError("getaddrinfo(\(host))", code: status == EAI_SYSTEM ? errno : EINVAL)
        }
        defer { freeaddrinfo(result) }

        let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError("socket") }
        do {
            try setOption(descriptor, SOL_SOCKET, SO_REUSEADDR, 1)
            if info.pointee.ai_family == AF_INET6 {
                try setOption(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0)
            }
            guard Glibc.bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                throw SocketError("bind(\(host):\(port))")
            }
            guard listen(descriptor, backlog) == 0 else { throw SocketError("listen") }
            try setNonBlocking(descriptor)
            let bound = try localAddress(descriptor)
            return Listener(fileDescriptor: descriptor, port: bound.port, host: bound.host)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// A listening TCP socket this process was given open (socket activation:
    /// systemd, or a supervisor that keeps the socket across restarts).
    /// Throws unless `descriptor` is a listening stream socket.
    static func inherit(_ descriptor: Int32) throws -> Listener {
        func option(_ name: Int32) throws -> Int32 {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, name, &value, &length) == 0 else {
                throw SocketError("getsockopt on inherited socket \(descriptor) (LISTEN_FDS)")
            }
            return value
        }
        guard try option(SO_TYPE) == Int32(SOCK_STREAM.rawValue), try option(SO_ACCEPTCONN) == 1 else {
            throw SocketError(
                "inherited socket \(descriptor) (LISTEN_FDS): a listening TCP socket expected", code: EINVAL)
        }
        try setNonBlocking(descriptor)
        guard fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0 else { throw SocketError("fcntl") }
        let bound = try localAddress(descriptor)
        var listener = Listener(fileDescriptor: descriptor, port: bound.port, host: bound.host)
        listener.isInherited = true
        return listener
    }

    static func setOption(_ descriptor: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SocketError("setsockopt")
        }
    }

    static func setNonBlocking(_ descriptor: Int32) throws {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else { throw SocketError("fcntl") }
    }

    /// The socket's bound address and port.
    static func localAddress(_ descriptor: Int32) throws -> (host: String, port: Int) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { throw SocketError("getsockname") }
        var hostBuffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var portBuffer = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let named = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo(
                    $0, length, &hostBuffer, socklen_t(hostBuffer.count), &portBuffer, socklen_t(portBuffer.count),
                    NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard named == 0 else { throw SocketError("getnameinfo", code: EINVAL) }
        let host = String(decoding: hostBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let port =
            Int(String(decoding: portBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)) ?? 0
        return (host, port)
    }
}

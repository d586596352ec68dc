import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Binds `descriptor` (an AF_INET stream socket) to 127.0.0.1 on a port the
/// kernel picks, listens with `backlog` when given, and returns the port, or
/// nil if a call failed.
func bindToFreeLoopbackPort(_ descriptor: Int32, listenBacklog backlog: Int32? = nil) -> Int? {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 && (backlog.map { listen(descriptor, $0) == 0 } ?? true)
                && getsockname(descriptor, pointer, &length) == 0
        }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
}

import Glibc

/// An IPv4 or IPv6 address. IPv4 is kept as an IPv4-mapped IPv6 address
/// (`::ffff:a.b.c.d`), so a dual-stack listener's peers compare equal to their
/// IPv4 spelling.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The 128 bits, most significant first.
    let high: UInt64
    let low: UInt64

    static let mappedPrefix: UInt64 = 0x0000_FFFF_0000_0000

    public var isIPv4: Bool { high == 0 && low & 0xFFFF_FFFF_0000_0000 == Self.mappedPrefix }

    /// Parses `192.0.2.1` or `2001:db8::1` (no brackets, no port, no zone).
    public init?(_ text: some StringProtocol) {
        let string = String(text)
        guard !string.isEmpty, string.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, string, &v4) == 1 {
            self.init(ipv4NetworkOrder: v4.s_addr)
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, string, &v6) == 1 else { return nil }
        self.init(ipv6: v6)
    }

    init(ipv4NetworkOrder value: UInt32) {
        high = 0
        low = Self.mappedPrefix | UInt64(UInt32(bigEndian: value))
    }

    init(ipv6 address: in6_addr) {
        var bytes = address
        let (high, low) = withUnsafeBytes(of: &bytes) { raw -> (UInt64, UInt64) in
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<8 { high = high << 8 | UInt64(raw[index]) }
            for index in 8..<16 { low = low << 8 | UInt64(raw[index]) }
            return (high, low)
        }
        self.high = high
        self.low = low
    }

    /// The address of an accepted socket's peer, if it is IPv4 or IPv6.
    init?(peer storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            self.init(ipv4NetworkOrder: address.sin_addr.s_addr)
        case AF_INET6:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            self.init(ipv6: address.sin6_addr)
        default:
            return nil
        }
    }

    /// Dotted quad for IPv4 (also when mapped), RFC 5952 text for IPv6.
    public var description: String {
        if isIPv4 {
            let value = UInt32(truncatingIfNeeded: low)
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { raw in
            for index in 0..<8 { raw[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index)) }
            for index in 0..<8 { raw[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index)) }
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address range: `10.0.0.0/8`, `fd00::/8`, or one address (`127.0.0.1`, `::1`).
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    /// Leading bits that must match, over the 128-bit form (an IPv4 `/8` is 104).
    let prefixLength: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].utf8.count <= 3,
                parts[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let value = Int(parts[1]), value <= maximum
            else { return nil }
            length = value
        }
        self.address = address
        self.prefixLength = address.isIPv4 ? length + 96 : length
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        func mask(_ bits: Int) -> UInt64 {
            bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits))
        }
        let highMask = mask(prefixLength)
        let lowMask = mask(prefixLength - 64)
        return candidate.high & highMask == address.high & highMask
            && candidate.low & lowMask == address.low & lowMask
    }

    public var description: String {
        "\(address)/\(address.isIPv4 ? prefixLength - 96 : prefixLength)"
    }
}

/// The reverse proxies whose forwarding headers are believed, and the rule that
/// turns a request into the client address written to logs.
///
/// A request from an untrusted peer is logged with the peer's address, whatever
/// its headers say. From a trusted proxy, `X-Forwarded-For` (what nginx and most
/// load balancers set) is read from the right: each hop is believed only while
/// the address that reported it is trusted, so a client cannot forge its place
/// by sending the header itself. `Forwarded` (RFC 7239) is read the same way when
/// `X-Forwarded-For` is absent. A hop that is not an IP address stops the walk.
public struct TrustedProxies: Sendable, Equatable {
    public let networks: [IPNetwork]

    public init(_ networks: [IPNetwork] = []) {
        self.networks = networks
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let entry: String
        public init(entry: String) { self.entry = entry }
        public var description: String {
            "'\(entry)' is not an IPv4 or IPv6 address or range (such as 10.0.0.0/8 or ::1)"
        }
    }

    /// Parses a comma-separated list of addresses and ranges; empty means none.
    public static func parse(_ list: String) throws(ParseError) -> TrustedProxies {
        var networks: [IPNetwork] = []
        for entry in list.split(separator: ",") {
            let trimmed = entry.trimmingWhitespace()
            guard !trimmed.isEmpty else { continue }
            guard let network = IPNetwork(trimmed) else { throw ParseError(entry: String(trimmed)) }
            networks.append(network)
        }
        return TrustedProxies(networks)
    }

    public var isEmpty: Bool { networks.isEmpty }

    public func contains(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The address to log as the request's client.
    public func clientAddress(peer: IPAddress?, headers: HTTPHeaders) -> IPAddress? {
        guard var current = peer, !networks.isEmpty, contains(current) else { return peer }
        var hops = headers.values(for: "X-Forwarded-For").flatMap { $0.split(separator: ",") }.map {
            Self.forwardedForAddress(String($0.trimmingWhitespace()))
        }
        if hops.isEmpty {
            hops = headers.values(for: "Forwarded").flatMap { $0.split(separator: ",") }.map(Self.forwardedElementFor)
        }
        for hop in hops.reversed() {
            guard contains(current), let hop else { break }
            current = hop
        }
        return current
    }

    /// An X-Forwarded-For hop: an address, perhaps with a port (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
    static func forwardedForAddress(_ text: String) -> IPAddress? {
        var text = Substring(text)
        if text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 {
            text = text.dropFirst().dropLast()
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            return IPAddress(text[text.index(after: text.startIndex)..<close])
        }
        if let address = IPAddress(text) { return address }
        // IPv4 with a port: exactly one colon.
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(parts[0]), address.isIPv4 else { return nil }
        return address
    }

    /// The `for=` address of one `Forwarded` element (`for=192.0.2.60;proto=http`).
    static func forwardedElementFor(_ element: Substring) -> IPAddress? {
        for pair in element.split(separator: ";") {
            let trimmed = pair.trimmingWhitespace()
            guard trimmed.count > 4, trimmed.prefix(4).lowercased() == "for=" else { continue }
            return forwardedForAddress(String(trimmed.dropFirst(4)))
        }
        return nil
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    public func trimmingWhitespace() -> SubSequence {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}

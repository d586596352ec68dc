import HTTPServer

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
    package func trimmingWhitespace() -> SubSequence {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}

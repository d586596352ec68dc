import HTTPServer
import Logging
import Synchronization

/// Facts about one request that are not in its bytes.
public struct RequestContext: Sendable {
    /// The connection's id and peer address.
    public let connection: ConnectionInfo
    /// The matched route's template, e.g. `/v1/side-effects/{id}`: what logs and
    /// metrics name, never the raw path. Set by the router.
    public var routeTemplate: String?
    /// Values of the route's `{param}` captures, percent-decoded.
    public var parameters: [String: String] = [:]
    /// The request's logger.
    public var logger: Logger
    /// The request id: the client's `X-Request-ID` when it is 1–128 visible
    /// ASCII characters, otherwise generated. Echoed on the response and logged.
    public var requestID: String

    public init(
        connection: ConnectionInfo, logger: Logger, requestID: String = RequestIDGenerator.shared.next()
    ) {
        self.connection = connection
        self.requestID = requestID
        self.logger = logger
    }

    /// The client's id if it is acceptable (1–128 visible ASCII characters), else `generate()`.
    public static func requestID(from header: String?, generate: () -> String) -> String {
        if let header, (1...128).contains(header.utf8.count), header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return header
        }
        return generate()
    }
}

/// Request ids: 16 lowercase hexadecimal digits, SplitMix64 over a random seed
/// and a shared counter, so an id costs one atomic add and no `getrandom` call.
public final class RequestIDGenerator: Sendable {
    public static let shared = RequestIDGenerator()
    private let seed = UInt64.random(in: .min ... .max)
    private let counter = Atomic<UInt64>(0)

    public init() {}

    public func next() -> String {
        var z = seed &+ counter.add(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Self.hex(z)
    }

    /// `value` as 16 lowercase hex digits, written in place.
    static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { digits in
            for index in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: value >> (60 - 4 * UInt64(index))) & 0x0F
                digits[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 16
        }
    }
}

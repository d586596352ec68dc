import Logging

/// What the server calls with each complete request.
public protocol HTTPResponder: Sendable {
    /// Answers one request. Runs on the connection's event loop: it must not block.
    func respond(to request: HTTPRequest, context: inout RequestContext) -> HTTPResponse
}

/// Facts about one request that are not in its bytes.
public struct RequestContext: Sendable {
    /// The connection's number, unique for the server's lifetime (for logs).
    public let connectionID: UInt64
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
    public init(connectionID: UInt64, logger: Logger, requestID: String = RequestContext.generateRequestID()) {
        self.connectionID = connectionID
        self.requestID = requestID
        self.logger = logger
    }
}

extension RequestContext {
    /// 16 random hexadecimal digits.
    public static func generateRequestID() -> String {
        requestID(UInt64.random(in: .min ... .max))
    }

    /// `value` as a request id: 16 lowercase hex digits, written in place.
    static func requestID(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { digits in
            for index in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: value >> (60 - 4 * UInt64(index))) & 0x0F
                digits[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 16
        }
    }

    /// The client's id if it is acceptable (1–128 visible ASCII characters), else `generate()`.
    public static func requestID(from header: String?, generate: () -> String = generateRequestID) -> String {
        if let header, (1...128).contains(header.utf8.count), header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return header
        }
        return generate()
    }
}

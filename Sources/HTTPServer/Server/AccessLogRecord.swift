/// One answered request, as the access log records it: never a body, a query
/// string or a header value other than the request id.
///
/// It travels as a single `.stringConvertible` metadata value under the key
/// ``metadataKey``, so the per-request log call builds a one-entry dictionary
/// instead of eight strings; a JSON handler that knows this type writes its
/// fields as members of the line (``appendJSONMembers(to:)``), and any other
/// handler prints ``description``.
public struct AccessLogRecord: CustomStringConvertible, Sendable {
    public static let metadataKey = "http"

    public var connection: UInt64
    public var requestID: String
    /// The client address (see ``TrustedProxies``).
    public var client: String
    public var method: HTTPMethod
    /// The route template, or `unmatched`.
    public var route: String
    public var status: Int
    /// Response bytes, head and body.
    public var bytes: Int
    public var durationNanoseconds: UInt64

    public init(
        connection: UInt64, requestID: String, client: String, method: HTTPMethod, route: String, status: Int,
        bytes: Int, durationNanoseconds: UInt64
    ) {
        self.connection = connection
        self.requestID = requestID
        self.client = client
        self.method = method
        self.route = route
        self.status = status
        self.bytes = bytes
        self.durationNanoseconds = durationNanoseconds
    }

    /// `GET /v1/side-effects/{id} 404 258 B 0.12 ms request_id=… client=… connection=…`
    public var description: String {
        "\(method.rawValue) \(route) \(status) \(bytes) B \(Self.milliseconds(durationNanoseconds)) ms "
            + "request_id=\(requestID) client=\(client) connection=\(connection)"
    }

    /// Appends `,"connection":"7","request_id":"…","client":"…","method":"GET","route":"…","status":"200","bytes":"169","duration_ms":"0.05"`.
    public func appendJSONMembers(to json: inout [UInt8]) {
        json.append(literal: #","connection":""#)
        Self.appendDecimal(connection, to: &json)
        json.append(literal: #"","request_id":"#)
        JSONString.append(requestID, to: &json)
        json.append(literal: #","client":"#)
        JSONString.append(client, to: &json)
        json.append(literal: #","method":""#)
        json.append(string: method.rawValue)
        json.append(literal: #"","route":"#)
        JSONString.append(route, to: &json)
        json.append(literal: #","status":""#)
        Self.appendDecimal(UInt64(clamping: status), to: &json)
        json.append(literal: #"","bytes":""#)
        Self.appendDecimal(UInt64(clamping: bytes), to: &json)
        json.append(literal: #"","duration_ms":""#)
        let hundredths = durationNanoseconds / 10_000
        Self.appendDecimal(hundredths / 100, to: &json)
        json.append(UInt8(ascii: "."))
        json.append(UInt8(ascii: "0") + UInt8(hundredths % 100 / 10))
        json.append(UInt8(ascii: "0") + UInt8(hundredths % 10))
        json.append(UInt8(ascii: "\""))
    }

    static func milliseconds(_ nanoseconds: UInt64) -> String {
        let hundredths = nanoseconds / 10_000
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }

    static func appendDecimal(_ value: UInt64, to output: inout [UInt8]) {
        ResponseSerializer.appendDecimal(Int(clamping: value), to: &output)
    }
}

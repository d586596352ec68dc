/// A response as a handler builds it.
///
/// Handlers never set framing fields: the serializer writes `Content-Length`,
/// `Date` and `Connection`, and leaves the body out for `HEAD`.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    /// The media type of the body, written as `Content-Type`.
    public var contentType: String
    /// Other header fields, in order. Framing fields here are ignored.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        status: HTTPStatus = .ok,
        contentType: String = "application/json",
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// The value of the named extra header, if set.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

extension HTTPResponse {
    /// An RFC 9457 `application/problem+json` response with `type`, `title`,
    /// `status` and `detail`. `detail` should come from a fixed vocabulary:
    /// never echo the client's bytes back.
    public static func problem(
        _ status: HTTPStatus,
        detail: String,
        type: String = "about:blank",
        title: String? = nil,
        extraMembers: String = ""
    ) -> HTTPResponse {
        var json = "{\"type\":"
        JSONString.append(type, to: &json)
        json += ",\"title\":"
        JSONString.append(title ?? status.reasonPhrase, to: &json)
        json += ",\"status\":\(status.code),\"detail\":"
        JSONString.append(detail, to: &json)
        json += extraMembers
        json += "}"
        return HTTPResponse(status: status, contentType: "application/problem+json", body: Array(json.utf8))
    }
}

/// Minimal JSON string escaping (RFC 8259 §7) for the server's own bodies.
public enum JSONString {
    public static func append(_ value: String, to output: inout String) {
        output.append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }
}

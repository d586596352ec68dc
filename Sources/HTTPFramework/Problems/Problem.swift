import HTTPServer
import JSONWriter

/// An RFC 9457 problem: what every error response of the framework and the
/// application is, written as `application/problem+json` by ``response``, the one renderer.
///
/// `type` is `about:blank` for a plain HTTP error whose status says it all (RFC 9457 §4.2.1),
/// or a relative URI under `/problems/` for the application's own kinds.
/// `detail` should come from a fixed vocabulary: never echo the client's bytes back.
public struct Problem: Sendable, Equatable {
    public var status: HTTPStatus
    public var type: String
    public var title: String
    public var detail: String
    /// Extension members as JSON, each written `,"name":value` (see ``JSONString``).
    public var extensionMembers: [UInt8]
    /// Extra header fields (e.g. `Allow` on a 405).
    public var headers: [(name: String, value: String)]

    public init(
        status: HTTPStatus, type: String = "about:blank", title: String? = nil, detail: String,
        extensionMembers: [UInt8] = [], headers: [(name: String, value: String)] = []
    ) {
        self.status = status
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.extensionMembers = extensionMembers
        self.headers = headers
    }

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.status == rhs.status && lhs.type == rhs.type && lhs.title == rhs.title && lhs.detail == rhs.detail
            && lhs.extensionMembers == rhs.extensionMembers
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The `application/problem+json` response.
    public var response: HTTPResponse {
        var json: [UInt8] = []
        json.reserveCapacity(128 + extensionMembers.count)
        json.append(jsonLiteral: #"{"type":"#)
        JSONString.append(type, to: &json)
        json.append(jsonLiteral: #","title":"#)
        JSONString.append(title, to: &json)
        json.append(jsonLiteral: #","status":"#)
        JSONString.appendDecimal(status.code, to: &json)
        json.append(jsonLiteral: #","detail":"#)
        JSONString.append(detail, to: &json)
        json.append(contentsOf: extensionMembers)
        json.append(UInt8(ascii: "}"))
        return HTTPResponse(status: status, contentType: "application/problem+json", headers: headers, body: json)
    }
}

/// An error that a handler throws and the router renders as problem details.
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

extension Problem: ProblemConvertible, Error {
    public var problem: Problem { self }
}

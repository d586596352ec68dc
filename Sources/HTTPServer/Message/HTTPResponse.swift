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

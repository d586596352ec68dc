/// What the server calls with each complete request, and with each request it
/// refuses on its own. The server frames and writes what it returns.
public protocol HTTPResponder: Sendable {
    /// Answers one request. Runs on the connection's event loop: it must not block.
    func respond(to request: HTTPRequest, connection: ConnectionInfo) -> HTTPResponse

    /// The response to a request the server refuses itself (it could not be read,
    /// it did not arrive in time, or the server is over its connection limit). It
    /// is the connection's last. The default is a short plain-text body.
    func respond(to refusal: Refusal, connection: ConnectionInfo) -> HTTPResponse
}

/// Facts about a request's connection.
public struct ConnectionInfo: Sendable {
    /// The connection's number, unique for the server's lifetime.
    public let id: UInt64
    /// The address at the other end of the socket (a proxy's, behind one).
    public let peer: IPAddress?
    /// `peer` as text (`unknown` without one), made once per connection.
    public let peerDescription: String

    public init(id: UInt64, peer: IPAddress?) {
        self.id = id
        self.peer = peer
        self.peerDescription = peer?.description ?? "unknown"
    }
}

/// Why the server answers a request itself.
public enum Refusal: Sendable, Equatable {
    /// The parser rejected the request's bytes.
    case unreadable(ParseError)
    /// A head or body was not received within its timeout.
    case requestTimeout
    /// The server is over its connection limit.
    case overloaded

    public var status: HTTPStatus {
        switch self {
        case .unreadable(let error): error.status
        case .requestTimeout: .requestTimeout
        case .overloaded: .serviceUnavailable
        }
    }

    /// One fixed sentence (never the client's bytes).
    public var detail: String {
        switch self {
        case .unreadable(let error): error.detail
        case .requestTimeout: "The request was not received in time."
        case .overloaded: "The server has too many open connections; try again shortly."
        }
    }
}

extension HTTPResponder {
    public func respond(to refusal: Refusal, connection: ConnectionInfo) -> HTTPResponse {
        HTTPResponse(
            status: refusal.status, contentType: "text/plain; charset=utf-8", body: Array((refusal.detail + "\n").utf8))
    }
}

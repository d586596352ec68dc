/// What ``RequestParser/next()`` found in the bytes it has.
public enum ParseResult: Sendable {
    /// No complete request yet: feed more bytes.
    case needMoreData
    /// A head with `Expect: 100-continue` was accepted and none of its body
    /// has arrived: the server should send `100 Continue` (RFC 9110 §10.1.1).
    /// Returned at most once per request.
    case continueExpected
    /// A complete request, head and body.
    case request(HTTPRequest)
    /// The bytes are not a valid request; the parser stays failed.
    case failure(ParseError)
}

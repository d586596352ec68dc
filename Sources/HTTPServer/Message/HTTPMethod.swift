/// The request methods RFC 9110 §9 defines, plus PATCH (RFC 5789) and QUERY
/// (the IETF HTTP QUERY method: safe and idempotent, with a body).
///
/// A recognised method that a resource does not support is answered with
/// `405 Method Not Allowed` and `Allow`; a syntactically valid method that is
/// not one of these with `501 Not Implemented` (RFC 9110 §9.1).
public enum HTTPMethod: String, Sendable, CaseIterable, Hashable {
    case get = "GET"
    case head = "HEAD"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"
    case connect = "CONNECT"
    case options = "OPTIONS"
    case trace = "TRACE"
    case patch = "PATCH"
    case query = "QUERY"

    /// Recognises a method token from its bytes (case-sensitive, RFC 9110 §9.1).
    init?(bytes: UnsafeBufferPointer<UInt8>) {
        // Compare lengths first so the common methods cost a few byte compares.
        switch bytes.count {
        case 3:
            if Self.equal(bytes, "GET") { self = .get; return }
            if Self.equal(bytes, "PUT") { self = .put; return }
        case 4:
            if Self.equal(bytes, "POST") { self = .post; return }
            if Self.equal(bytes, "HEAD") { self = .head; return }
        case 5:
            if Self.equal(bytes, "PATCH") { self = .patch; return }
            if Self.equal(bytes, "TRACE") { self = .trace; return }
            if Self.equal(bytes, "QUERY") { self = .query; return }
        case 6:
            if Self.equal(bytes, "DELETE") { self = .delete; return }
        case 7:
            if Self.equal(bytes, "OPTIONS") { self = .options; return }
            if Self.equal(bytes, "CONNECT") { self = .connect; return }
        default:
            break
        }
        return nil
    }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { $0.elementsEqual(bytes) }
    }
}

/// Why a request could not be parsed. Each case maps to one status in
/// ``status``; after any of them the server answers and closes the connection.
public enum ParseError: Error, Sendable, Hashable, CaseIterable {
    /// The request line is not `method SP request-target SP HTTP-version` (RFC 9112 §3).
    case invalidRequestLine
    /// The method is not a token (RFC 9110 §9.1).
    case invalidMethod
    /// The method is a token this server does not implement (RFC 9110 §9.1): 501.
    case unknownMethod
    /// The request-target holds a forbidden byte or has the wrong form (RFC 9112 §3.2).
    case invalidTarget
    /// The request-target is longer than the limit: 414.
    case targetTooLong
    /// The version is not `HTTP/DIGIT.DIGIT` (RFC 9112 §2.3).
    case invalidVersion
    /// A well-formed version other than 1.0 and 1.1: 505.
    case unsupportedVersion
    /// A field name is empty or holds a non-token byte (RFC 9110 §5.1).
    case invalidFieldName
    /// Whitespace between a field name and its colon (RFC 9112 §5.1).
    case whitespaceBeforeColon
    /// A field line starts with whitespace: obsolete line folding (RFC 9112 §5.2).
    case obsoleteLineFolding
    /// A field value holds a control byte (RFC 9110 §5.5).
    case invalidFieldValue
    /// A CR not followed by LF, or an LF without CR, in the head (RFC 9112 §2.2).
    case bareLineBreak
    /// A NUL byte in the head (RFC 9110 §5.5).
    case nulInHead
    /// The header section is larger than the limit: 431.
    case headerSectionTooLarge
    /// More header fields than the limit: 431.
    case tooManyHeaderFields
    /// An HTTP/1.1 request without a Host field (RFC 9112 §3.2).
    case missingHost
    /// More than one Host field (RFC 9112 §3.2).
    case duplicateHost
    /// Both Content-Length and Transfer-Encoding (RFC 9112 §6.1; request smuggling).
    case contentLengthWithTransferEncoding
    /// Content-Length is not plain digits, or overflows (RFC 9110 §8.6).
    case invalidContentLength
    /// Content-Length values that differ (RFC 9112 §6.3).
    case conflictingContentLength
    /// Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1).
    case transferEncodingInHTTP10
    /// Transfer-Encoding whose final coding is not `chunked`, or `chunked` twice (RFC 9112 §6.3).
    case chunkedNotFinal
    /// A transfer coding other than `chunked`: 501 (RFC 9112 §6.1).
    case unsupportedTransferCoding
    /// A chunk size that is not hexadecimal, or a malformed chunk line (RFC 9112 §7.1).
    case invalidChunkSize
    /// A chunk size too large to represent.
    case chunkSizeOverflow
    /// Chunk data not followed by CRLF (RFC 9112 §7.1).
    case missingChunkTerminator
    /// The body is larger than the limit: 413.
    case bodyTooLarge
    /// An `Expect` value other than `100-continue`: 417 (RFC 9110 §10.1.1).
    case unsupportedExpectation

    /// The status the server answers with.
    public var status: HTTPStatus {
        switch self {
        case .unknownMethod, .unsupportedTransferCoding: .notImplemented
        case .targetTooLong: .uriTooLong
        case .unsupportedVersion: .httpVersionNotSupported
        case .headerSectionTooLarge, .tooManyHeaderFields: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedExpectation: .expectationFailed
        case .invalidRequestLine, .invalidMethod, .invalidTarget, .invalidVersion, .invalidFieldName,
            .whitespaceBeforeColon, .obsoleteLineFolding, .invalidFieldValue, .bareLineBreak, .nulInHead,
            .missingHost, .duplicateHost, .contentLengthWithTransferEncoding, .invalidContentLength,
            .conflictingContentLength, .transferEncodingInHTTP10, .chunkedNotFinal, .invalidChunkSize,
            .chunkSizeOverflow, .missingChunkTerminator:
            .badRequest
        }
    }

    /// A short, fixed explanation for the problem body. It never repeats the client's bytes.
    public var detail: String {
        switch self {
        case .invalidRequestLine: "The request line is malformed."
        case .invalidMethod: "The request method is not a valid token."
        case .unknownMethod: "The request method is not implemented by this server."
        case .invalidTarget: "The request target is malformed."
        case .targetTooLong: "The request target is longer than the server accepts."
        case .invalidVersion: "The HTTP version is malformed."
        case .unsupportedVersion: "Only HTTP/1.0 and HTTP/1.1 are supported."
        case .invalidFieldName: "A header field name is malformed."
        case .whitespaceBeforeColon: "A header field has whitespace between its name and the colon."
        case .obsoleteLineFolding: "Obsolete line folding in header fields is not accepted."
        case .invalidFieldValue: "A header field value contains a forbidden character."
        case .bareLineBreak: "The request head contains a line break that is not CRLF."
        case .nulInHead: "The request head contains a NUL byte."
        case .headerSectionTooLarge: "The header section is larger than the server accepts."
        case .tooManyHeaderFields: "The request has more header fields than the server accepts."
        case .missingHost: "An HTTP/1.1 request must have a Host header field."
        case .duplicateHost: "The request has more than one Host header field."
        case .contentLengthWithTransferEncoding: "Content-Length and Transfer-Encoding must not both be sent."
        case .invalidContentLength: "The Content-Length value is not a valid length."
        case .conflictingContentLength: "The request has conflicting Content-Length values."
        case .transferEncodingInHTTP10: "Transfer-Encoding is not allowed in an HTTP/1.0 request."
        case .chunkedNotFinal: "The final transfer coding must be chunked, applied once."
        case .unsupportedTransferCoding: "Only the chunked transfer coding is supported."
        case .invalidChunkSize: "A chunk size line is malformed."
        case .chunkSizeOverflow: "A chunk size is too large."
        case .missingChunkTerminator: "Chunk data is not followed by CRLF."
        case .bodyTooLarge: "The request body is larger than the server accepts."
        case .unsupportedExpectation: "Only the 100-continue expectation is supported."
        }
    }
}

// libFuzzer target for the HTTP/1.1 request parser.
//
// Input layout (see Fuzz/README.md):
//
//     byte 0        limits: four 2-bit indexes into the tables of `FuzzLimits`
//     byte 1        n = byte & 0x0F: how many cut lengths follow
//     n bytes       cut lengths: the request is fed in pieces of these sizes (0 is
//                   an empty append), then the rest in one piece
//     the rest      the bytes the client sends (one or more pipelined requests)
//
// The bytes are parsed whole, in the pieces the input chooses, and one byte at
// a time; the three must report the same sequence of requests and the same
// error. Every run also checks what the server relies on: no body beyond the
// limit, no target or header section beyond its limit, Host rules, and that a
// rejection becomes a 4xx or 5xx response. A violated invariant traps, so
// libFuzzer saves the input as a crash.

@testable import HTTPServer

/// The limits an input can choose, small enough that fuzzing reaches them.
enum FuzzLimits {
    static let body = [0, 5, 32, 1024]
    static let headerBytes = [16, 64, 256, 16 * 1024]
    static let headerFields = [1, 3, 5, 100]
    static let target = [1, 16, 64, 8 * 1024]

    static func limits(_ selector: UInt8) -> ServerLimits {
        var limits = ServerLimits()
        limits.maxBodyBytes = body[Int(selector & 0b11)]
        limits.maxHeaderBytes = headerBytes[Int(selector >> 2 & 0b11)]
        limits.maxHeaderFields = headerFields[Int(selector >> 4 & 0b11)]
        limits.maxRequestTargetBytes = target[Int(selector >> 6 & 0b11)]
        return limits
    }
}

/// A parsed request reduced to comparable bytes.
struct ParsedRequest: Equatable {
    var method: HTTPMethod
    var target: [UInt8]
    var path: [UInt8]
    var query: [UInt8]?
    var version: HTTPVersion
    var headers: [[UInt8]]
    var body: [UInt8]
    var keepAlive: Bool

    init(_ request: HTTPRequest) {
        method = request.method
        target = Array(request.target.utf8)
        path = Array(request.path.utf8)
        query = request.query.map { Array($0.utf8) }
        version = request.version
        headers = request.headers.fields.map { field in
            Array(request.headers.storage[field.name]) + [UInt8(ascii: ":")]
                + Array(request.headers.storage[field.value])
        }
        body = request.body
        keepAlive = request.keepAlive
    }
}

/// Everything one way of feeding the bytes produced, in order.
struct Outcome: Equatable {
    var requests: [ParsedRequest] = []
    var error: ParseError?
    /// The parser's state once every byte is in (meaningless after an error).
    var isIdle = false
    var isReadingBody = false
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant violated: \(message())") }
}

/// Feeds `pieces` to a parser as the server does (append, then `next()` until
/// it needs more) and checks each result.
func parse(_ pieces: [ArraySlice<UInt8>], limits: ServerLimits) -> Outcome {
    var parser = RequestParser(limits: limits)
    var outcome = Outcome()
    var continuesForThisRequest = 0
    for piece in pieces {
        parser.append(contentsOf: piece)
        reading: while true {
            switch parser.next() {
            case .needMoreData:
                // The server may ask again without new bytes (after a pipelining pause).
                guard case .needMoreData = parser.next() else {
                    fatalError("invariant violated: needMoreData, then progress without bytes")
                }
                break reading
            case .continueExpected:
                continuesForThisRequest += 1
                check(continuesForThisRequest == 1, "100-continue reported twice for one request")
                check(parser.isReadingBody, "100-continue outside a body")
            case .request(let request):
                checkRequest(request, limits: limits)
                outcome.requests.append(ParsedRequest(request))
                continuesForThisRequest = 0
            case .failure(let error):
                checkRejection(error)
                // Once failed, the parser stays failed whatever arrives.
                parser.append(contentsOf: Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
                guard case .failure(let again) = parser.next(), again == error else {
                    fatalError("invariant violated: a failed parser recovered")
                }
                outcome.error = error
                return outcome
            }
        }
    }
    outcome.isIdle = parser.isIdle
    outcome.isReadingBody = parser.isReadingBody
    check(!(outcome.isIdle && outcome.isReadingBody), "idle while reading a body")
    return outcome
}

/// What the server relies on in every request the parser hands it.
func checkRequest(_ request: HTTPRequest, limits: ServerLimits) {
    check(
        request.body.count <= limits.maxBodyBytes,
        "body of \(request.body.count) bytes over the limit \(limits.maxBodyBytes)")
    check(!request.target.isEmpty, "empty target")
    check(request.target.utf8.count <= limits.maxRequestTargetBytes, "target over the limit")
    check(request.target.utf8.allSatisfy(ByteClass.isTargetByte), "target with a forbidden byte")
    check(request.headers.count <= limits.maxHeaderFields, "more header fields than the limit")
    check(request.headers.storage.count <= limits.maxHeaderBytes, "header section over the limit")
    let hosts = request.headers.values(for: "host").count
    check(hosts <= 1, "more than one Host")
    check(request.version == .http1_0 || hosts == 1, "HTTP/1.1 request without Host")
    let lengths = request.headers.values(for: "content-length")
    let chunked = !request.headers.values(for: "transfer-encoding").isEmpty
    check(lengths.isEmpty || !chunked, "Content-Length with Transfer-Encoding accepted")
    if !chunked, let length = lengths.first {
        // The first list element's digits, byte by byte (Substring trimming is
        // quadratic on a value of 15 000 spaces).
        let digits = length.utf8.prefix { $0 != UInt8(ascii: ",") }.filter { !ByteClass.isWhitespace($0) }
        check(
            Int(String(decoding: digits, as: UTF8.self)) == request.body.count,
            "body length differs from Content-Length")
    }
    if !chunked && lengths.isEmpty { check(request.body.isEmpty, "body without framing") }
    for field in request.headers.fields {
        check(!field.name.isEmpty, "empty field name")
        check(request.headers.storage[field.name].allSatisfy(ByteClass.isToken), "field name with a non-token byte")
        check(
            request.headers.storage[field.value].allSatisfy(ByteClass.isFieldValueByte),
            "field value with a control byte")
        if let first = request.headers.storage[field.value].first, let last = request.headers.storage[field.value].last
        {
            check(!ByteClass.isWhitespace(first) && !ByteClass.isWhitespace(last), "field value not trimmed")
        }
    }
    if request.version == .http1_0 && !request.headers.containsToken("keep-alive", in: "connection") {
        check(!request.keepAlive, "HTTP/1.0 kept alive without asking")
    }
    if request.headers.containsToken("close", in: "connection") {
        check(!request.keepAlive, "Connection: close ignored")
    }
}

/// A responder with no routes: its refusals are the core's default ones.
struct NoRoutes: HTTPResponder {
    func respond(to request: HTTPRequest, connection: ConnectionInfo) -> HTTPResponse {
        HTTPResponse(status: .notFound)
    }
}

/// A rejection becomes a 4xx or 5xx response that closes the connection.
func checkRejection(_ error: ParseError) {
    let code = error.status.code
    check((400...599).contains(code), "\(error) maps to \(code)")
    check(!error.detail.isEmpty, "\(error) has no detail")
    var output: [UInt8] = []
    ResponseSerializer.write(
        NoRoutes().respond(to: .unreadable(error), connection: ConnectionInfo(id: 1, peer: nil)), isHead: false,
        close: true,
        keepAliveForHTTP10: false, date: Array("Thu, 01 Jan 1970 00:00:00 GMT".utf8), into: &output)
    let statusLine = Array("HTTP/1.1 \(code) ".utf8)
    check(output.starts(with: statusLine), "\(error): response does not start with its status line")
    check(output.firstRange(of: Array("\r\nConnection: close\r\n".utf8)) != nil, "\(error): response does not close")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size >= 2 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = FuzzLimits.limits(input[0])
    let cutCount = Int(input[1] & 0x0F)
    guard input.count >= 2 + cutCount else { return 0 }
    let cuts = input[2..<(2 + cutCount)].map(Int.init)
    let bytes = input[(2 + cutCount)...]

    let whole = parse([bytes], limits: limits)

    var pieces: [ArraySlice<UInt8>] = []
    var start = bytes.startIndex
    for cut in cuts {
        let end = min(start + cut, bytes.endIndex)
        pieces.append(bytes[start..<end])
        start = end
    }
    pieces.append(bytes[start...])
    let split = parse(pieces, limits: limits)
    check(split == whole, "split \(cuts) differs from whole: \(split) vs \(whole)")

    if bytes.count <= 4096 {
        let byteByByte = parse(bytes.indices.map { bytes[$0...$0] }, limits: limits)
        check(byteByByte == whole, "byte by byte differs from whole: \(byteByByte) vs \(whole)")
    }
    return 0
}

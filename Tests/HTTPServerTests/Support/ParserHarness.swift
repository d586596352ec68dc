@testable import HTTPServer

/// A request as the parser reported it, reduced to comparable values.
struct ParsedRequest: Equatable, CustomStringConvertible {
    var method: HTTPMethod
    var target: String
    var version: HTTPVersion
    var headers: [String]
    var body: [UInt8]
    var keepAlive: Bool

    init(_ request: HTTPRequest) {
        method = request.method
        target = request.target
        version = request.version
        headers = request.headers.pairs.map { "\($0.name): \($0.value)" }
        body = request.body
        keepAlive = request.keepAlive
    }

    var description: String {
        "\(method.rawValue) \(target) \(version.description) \(headers) body=\(body.count)B keepAlive=\(keepAlive)"
    }
}

/// What parsing a byte string produced, in order: requests, then maybe an error.
struct ParseOutcome: Equatable, CustomStringConvertible {
    var requests: [ParsedRequest] = []
    var error: ParseError?
    /// Whether the parser still holds bytes of an unfinished request.
    var incomplete = false

    var description: String {
        "requests=\(requests) error=\(error.map { "\($0)" } ?? "none") incomplete=\(incomplete)"
    }
}

/// Feeds bytes to a ``RequestParser`` in pieces and collects what it reports.
enum ParserHarness {
    static func parse(_ pieces: [[UInt8]], limits: ServerLimits = ServerLimits()) -> ParseOutcome {
        var parser = RequestParser(limits: limits)
        var outcome = ParseOutcome()
        pieces: for piece in pieces {
            parser.append(contentsOf: piece)
            while true {
                switch parser.next() {
                case .needMoreData:
                    continue pieces
                case .continueExpected:
                    continue
                case .request(let request):
                    outcome.requests.append(ParsedRequest(request))
                case .failure(let error):
                    outcome.error = error
                    return outcome
                }
            }
        }
        outcome.incomplete = !parser.isIdle
        return outcome
    }

    static func parse(_ text: String, limits: ServerLimits = ServerLimits()) -> ParseOutcome {
        parse([Array(text.utf8)], limits: limits)
    }

    /// Parses `bytes` whole, one byte at a time, and split in two at every
    /// position; returns the whole-input outcome and any split that differs.
    static func parseEverySplit(
        _ bytes: [UInt8], limits: ServerLimits = ServerLimits()
    ) -> (whole: ParseOutcome, mismatches: [String]) {
        let whole = parse([bytes], limits: limits)
        var mismatches: [String] = []
        let byteByByte = parse(bytes.map { [$0] }, limits: limits)
        if byteByByte != whole { mismatches.append("byte by byte: \(byteByByte)") }
        for split in 1..<max(1, bytes.count) {
            let pieces = [Array(bytes[..<split]), Array(bytes[split...])]
            let outcome = parse(pieces, limits: limits)
            if outcome != whole { mismatches.append("split at \(split): \(outcome)") }
        }
        return (whole, mismatches)
    }
}

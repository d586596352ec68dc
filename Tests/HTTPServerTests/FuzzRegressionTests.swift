import Testing

@testable import HTTPServer

/// Inputs the fuzzers (`Fuzz/`, `HARDENING.md`) found, kept as tests of the parser.
struct FuzzRegressionTests {
    static let request = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)

    static func emptyLines(_ count: Int) -> [UInt8] {
        Array(repeatElement(Array("\r\n".utf8), count: count).joined())
    }

    /// FuzzHTTPParser: the limit on empty lines before the request line (1024
    /// bytes) counted only the bytes of one read, so 569 of them sent whole were
    /// 400 but in pieces were skipped without end: the answer depended on how
    /// the client's bytes were split.
    @Test func emptyLinesBeforeTheRequestLineAreLimitedHoweverTheyArrive() {
        let (over, overMismatches) = ParserHarness.parseEverySplit(Self.emptyLines(513) + Self.request)
        #expect(over.error == .invalidRequestLine && over.requests.isEmpty, "\(over)")
        #expect(overMismatches.isEmpty, "\(overMismatches.prefix(3))")

        let (atLimit, atLimitMismatches) = ParserHarness.parseEverySplit(Self.emptyLines(512) + Self.request)
        #expect(atLimit.error == nil && atLimit.requests.count == 1, "\(atLimit)")
        #expect(atLimitMismatches.isEmpty, "\(atLimitMismatches.prefix(3))")

        // The fuzzer's input: 569 empty lines in the pieces it chose.
        let bytes = Self.emptyLines(569)
        var pieces: [[UInt8]] = []
        var start = 0
        for cut in [32, 32, 1, 0, 84, 80, 47, 49, 174, 49] {
            pieces.append(Array(bytes[start..<(start + cut)]))
            start += cut
        }
        pieces.append(Array(bytes[start...]))
        #expect(ParserHarness.parse(pieces) == ParserHarness.parse([bytes]))
        #expect(ParserHarness.parse([bytes]).error == .invalidRequestLine)
    }

    /// The count starts again for each pipelined request.
    @Test func emptyLinesAreCountedPerRequest() {
        let bytes = Self.emptyLines(500) + Self.request + Self.emptyLines(500) + Self.request
        let outcome = ParserHarness.parse(bytes.map { [$0] })
        #expect(outcome.error == nil && outcome.requests.count == 2, "\(outcome)")
    }
}

import Testing

@testable import InjectionSafetyAPI

/// The body parser's strings and errors: the plain fast path and the escaped
/// slow path give the same values, and errors keep their byte offsets.
struct JSONParserTests {
    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    static func parse(bytes: [UInt8]) -> Result<JSONValue, JSONSyntaxError> {
        do throws(JSONSyntaxError) { return .success(try JSONParser.parse(bytes)) } catch { return .failure(error) }
    }

    @Test(arguments: [
        (#""""#, ""),
        (#""plain""#, "plain"),
        (#""naïve café 漢字 🙂""#, "naïve café 漢字 🙂"),
        (#""a\"b""#, "a\"b"),
        (#""\\""#, "\\"),
        (#""\/\b\f\n\r\t""#, "/\u{08}\u{0C}\n\r\t"),
        (#""plain then \n escaped""#, "plain then \n escaped"),
        (#""\u00e9\u6F22 \ud83d\ude42""#, "é漢 🙂"),
        (
            #""a long plain string that is longer than sixteen bytes""#,
            "a long plain string that is longer than sixteen bytes"
        ),
    ])
    func strings(json: String, expected: String) throws {
        #expect(try Self.parse(json) == .string(expected))
        // The same inside an object and an array, after whitespace.
        #expect(
            try Self.parse(" {\"k\" :\t[ \(json) ]\n}") == .object([(key: "k", value: .array([.string(expected)]))]))
    }

    @Test func literals() throws {
        #expect(try Self.parse(" [true,false,null] ") == .array([.bool(true), .bool(false), .null]))
    }

    @Test func membersAreKeptInOrderWithDuplicates() throws {
        let value = try Self.parse(#"{"b":1,"a":"x","b":true}"#)
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a", "b"])
    }

    @Test(
        arguments: [
            // (input bytes, offset of the error)
            (Array(#""abc"#.utf8), 4),  // unterminated
            (Array(#""ab\"#.utf8), 4),  // unterminated after a backslash
            ([0x22, 0x61, 0x62, 0x01, 0x63, 0x22], 3),  // a raw control character
            ([0x22, 0x61, 0x5C, 0x6E, 0x0A, 0x22], 4),  // a raw control character after an escape
            ([0x22, 0x61, 0xFF, 0x62, 0x22], 5),  // not UTF-8 (offset after the string)
            ([0x22, 0x5C, 0x6E, 0xC3, 0x22], 5),  // not UTF-8 after an escape
            (Array(#""\x""#.utf8), 3),  // invalid escape
            (Array(#""\ud83d""#.utf8), 7),  // unpaired high surrogate
            (Array(#""\ude42""#.utf8), 7),  // lone low surrogate
            (Array(#"{"a" "b"}"#.utf8), 5),
            (Array("tru".utf8), 0),  // a literal cut short
            (Array("[nul]".utf8), 1),
            (Array("fals3".utf8), 0),
            (Array("truex".utf8), 4),  // a literal, then data
        ] as [([UInt8], Int)])
    func errorsKeepTheirOffsets(input: [UInt8], offset: Int) {
        switch Self.parse(bytes: input) {
        case .success(let value):
            Issue.record("parsed \(input) as \(value)")
        case .failure(let error):
            #expect(error.offset == offset, "\(error.message)")
        }
    }
}

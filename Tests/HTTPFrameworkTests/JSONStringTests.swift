import Foundation
import Testing

@testable import JSONWriter

/// JSON string escaping: the word-at-a-time scan agrees with the byte-at-a-time
/// rule, and every output parses back to its input.
struct JSONStringTests {
    /// The rule, one byte at a time.
    static func reference(_ value: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case UInt8(ascii: "\n"): out += Array(#"\n"#.utf8)
            case UInt8(ascii: "\r"): out += Array(#"\r"#.utf8)
            case UInt8(ascii: "\t"): out += Array(#"\t"#.utf8)
            case 0..<0x20, 0x7F: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    @Test func everyASCIIByteAtEveryPositionOfAWord() throws {
        for byte in UInt8(0)...UInt8(0x7F) {
            for position in 0..<17 {
                var scalars = Array(repeating: UInt8(ascii: "a"), count: 17)
                scalars[position] = byte
                let value = String(decoding: scalars, as: UTF8.self)
                var output: [UInt8] = []
                JSONString.append(value, to: &output)
                #expect(output == Self.reference(value), "byte \(byte) at \(position)")
            }
        }
    }

    /// An escape early in a long string: the scan stops there with far more than
    /// eight bytes left, none of which may be copied into the eight-byte tail word.
    @Test(arguments: [9, 16, 17, 100, 4096, 65536])
    func escapeEarlyInALongString(length: Int) throws {
        for position in [0, 1, 7, 8, length / 2] where position < length {
            var scalars = Array(repeating: UInt8(ascii: "b"), count: length)
            scalars[position] = UInt8(ascii: "\"")
            let value = String(decoding: scalars, as: UTF8.self)
            var output: [UInt8] = []
            JSONString.append(value, to: &output)
            #expect(output == Self.reference(value), "length \(length), quote at \(position)")
        }
    }

    @Test func randomStringsRoundTrip() throws {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet: [Character] = [
            "a", "Z", "0", " ", "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{7F}", "é", "漢", "🙂", "/", "~",
        ]
        for _ in 0..<2000 {
            let length = Int.random(in: 0...40, using: &generator)
            let value = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            var output: [UInt8] = []
            JSONString.append(value, to: &output)
            #expect(output == Self.reference(value))
            let decoded = try JSONSerialization.jsonObject(with: Data(output), options: [.fragmentsAllowed])
            #expect(decoded as? String == value)
        }
    }
}

/// A fixed-seed generator, so a failure reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

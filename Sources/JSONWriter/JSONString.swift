/// The one JSON writer: RFC 8259 strings, arrays of strings, decimal numbers and
/// literals appended to a byte buffer. Response bodies, problem details and log
/// lines are all written with it.
public enum JSONString {
    /// Appends `value` as a quoted JSON string. Bytes at or above 0x80 pass
    /// through (valid UTF-8 is valid JSON); quotes, backslashes and control
    /// characters are escaped.
    public static func append(_ value: String, to output: inout [UInt8]) {
        // Native strings (small ones included) lend their UTF-8 without a copy.
        if value.utf8.withContiguousStorageIfAvailable({ appendQuoted($0, to: &output) }) == nil {
            var copy = value
            copy.withUTF8 { appendQuoted($0, to: &output) }
        }
    }

    /// `bytes` (valid UTF-8) as a quoted JSON string.
    static func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        // Most strings need no escape: find the first byte that does, eight at a time,
        // then byte by byte for the last few.
        var clean = 0
        if let base = bytes.baseAddress {
            while clean + 8 <= bytes.count,
                !needsEscape(UnsafeRawPointer(base + clean).loadUnaligned(as: UInt64.self))
            {
                clean += 8
            }
        }
        while clean < bytes.count, !needsEscape(bytes[clean]) { clean += 1 }
        output.append(UInt8(ascii: "\""))
        if clean == bytes.count {
            output.append(contentsOf: bytes)
            output.append(UInt8(ascii: "\""))
            return
        }
        var runStart = 0
        for index in clean..<bytes.count {
            let byte = bytes[index]
            guard needsEscape(byte) else { continue }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            output.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): output.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): output.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): output.append(UInt8(ascii: "t"))
            default:
                let hex: StaticString = "0123456789abcdef"
                output.append(UInt8(ascii: "u"))
                output.append(UInt8(ascii: "0"))
                output.append(UInt8(ascii: "0"))
                hex.withUTF8Buffer { digits in
                    output.append(digits[Int(byte >> 4)])
                    output.append(digits[Int(byte & 0xF)])
                }
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        output.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    /// Whether any of the eight bytes of `word` is below 0x20, `"`, `\` or 0x7F
    /// (the classic "has a zero byte" and "has a byte less than n" bit tricks;
    /// bytes at or above 0x80 never match).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let below0x20 = (word &- ones &* 0x20) & ~word & highs
        return
            (below0x20 | hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x5C))
            | hasZeroByte(word ^ (ones &* 0x7F))) != 0
    }

    /// Appends `value` as a quoted JSON string.
    public static func append(_ value: String, to output: inout String) {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        output += String(decoding: bytes, as: UTF8.self)
    }
}

/// The one JSON writer: RFC 8259 strings, arrays of strings, decimal numbers and
/// literals appended to a byte buffer. Response bodies, problem details and log
/// lines are all written with it.
public enum JSONString {
    /// Appends `value` as a quoted JSON string. Bytes at or above 0x80 pass
    /// through (valid UTF-8 is valid JSON); quotes, backslashes and control
    /// characters are escaped.
    public static func append(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            // Most strings need no escape: find the first byte that does, eight at a time.
            var clean = 0
            if let base = bytes.baseAddress {
                while clean + 8 <= bytes.count,
                    !needsEscape(UnsafeRawPointer(base + clean).loadUnaligned(as: UInt64.self))
                {
                    clean += 8
                }
            }
            // Fewer than eight bytes left (the scan above stops early at a word that
            // needs an escape, and then more are left: those go to the loop below).
            if clean < bytes.count, bytes.count - clean < 8, let base = bytes.baseAddress {
                // The last 1–7 bytes as one word, padded with a byte that needs no escape.
                var tail: UInt64 = 0x4141_4141_4141_4141
                withUnsafeMutableBytes(of: &tail) { word in
                    word.baseAddress!.copyMemory(from: base + clean, byteCount: bytes.count - clean)
                }
                if !needsEscape(tail) { clean = bytes.count }
            }
            if clean == bytes.count {
                output.append(contentsOf: bytes)
                return
            }
            var runStart = 0
            for index in clean..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else {
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\n"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case UInt8(ascii: "\t"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: Array("\\u00".utf8))
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 0xF)])
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
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

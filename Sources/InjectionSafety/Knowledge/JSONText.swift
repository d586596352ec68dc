/// Reads JSON values as they are written, for data whose exact text matters:
/// a rule table's request bodies keep their members' order and their numbers'
/// digits (`38.0`), which decoding into values would lose. It runs on bytes
/// `JSONDecoder` has already accepted, so it only finds its way through them
/// and does not validate.
enum JSONText {
    /// For each element of the top-level object's array `array`: the compact
    /// text of its member `member` (whitespace outside strings removed), or nil
    /// when the element is not an object with that member. Empty when there is no such array.
    static func members(_ member: String, ofElementsOf array: String, in bytes: [UInt8]) -> [String?] {
        var scanner = Scanner(bytes: bytes)
        guard let top = scanner.objectMembers(), let elements = top.first(where: { $0.key == array }) else { return [] }
        scanner.index = elements.value.lowerBound
        guard let ranges = scanner.arrayElements() else { return [] }
        return ranges.map { range in
            scanner.index = range.lowerBound
            guard let members = scanner.objectMembers(), let value = members.first(where: { $0.key == member }) else {
                return nil
            }
            return compact(bytes[value.value])
        }
    }

    /// `text` as the contents of a JSON string, as the data files write it:
    /// UTF-8 as is, with `"`, `\` and control characters escaped.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            case _ where scalar.value < 0x20:
                let hex = Array("0123456789abcdef")
                escaped += "\\u00" + String(hex[Int(scalar.value >> 4)]) + String(hex[Int(scalar.value & 0xF)])
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// The text without whitespace outside strings.
    static func compact(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if Scanner.isWhitespace(byte) {
                continue
            }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        mutating func skipWhitespace() {
            while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        }

        /// Past the string starting at `index` (on its quote).
        mutating func skipString() {
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""): index += 1; return
                default: index += 1
                }
            }
        }

        /// Past the value starting at `index`.
        mutating func skipValue() {
            skipWhitespace()
            guard index < bytes.count else { return }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""): skipString(); continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { index += 1; return }
                    default: break
                    }
                    index += 1
                }
            default:
                while index < bytes.count, !Self.isWhitespace(bytes[index]),
                    ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[index])
                {
                    index += 1
                }
            }
        }

        /// The members of the object at `index`: each key (as written between
        /// its quotes) and the range of its value. Nil when it is not an object.
        mutating func objectMembers() -> [(key: String, value: Range<Int>)]? {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
            index += 1
            var members: [(key: String, value: Range<Int>)] = []
            while true {
                skipWhitespace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return members }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "\"") else { return nil }
                let keyStart = index + 1
                skipString()
                let key = String(decoding: bytes[keyStart..<(index - 1)], as: UTF8.self)
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                skipWhitespace()
                let valueStart = index
                skipValue()
                members.append((key, valueStart..<index))
            }
        }

        /// The ranges of the elements of the array at `index`, or nil when it is not an array.
        mutating func arrayElements() -> [Range<Int>]? {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
            index += 1
            var elements: [Range<Int>] = []
            while true {
                skipWhitespace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return elements }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                let start = index
                skipValue()
                guard index > start else { return nil }
                elements.append(start..<index)
            }
        }
    }
}

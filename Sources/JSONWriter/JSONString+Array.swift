extension JSONString {
    /// Appends `values` as a JSON array of strings. Inlinable, so that it is
    /// specialized for each caller's sequence type (unspecialized, each element
    /// costs a generic iterator and metadata lookups).
    @inlinable
    public static func appendArray<Values: Sequence<String>>(_ values: Values, to json: inout [UInt8]) {
        json.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            append(value, to: &json)
        }
        json.append(UInt8(ascii: "]"))
    }
}

extension JSONString {
    /// Appends a decimal integer (`String(value)` of an integer is a small string: no allocation).
    /// Appends a number: whole numbers without a fraction (`45`, not `45.0`);
    /// `null` for an infinity or NaN, which JSON cannot write.
    public static func appendNumber(_ value: Double, to output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(jsonLiteral: "null")
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            appendDecimal(Int(value), to: &output)
        } else {
            var text = "\(value)"
            text.withUTF8 { output.append(contentsOf: $0) }
        }
    }

    public static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        var text = String(value)
        text.withUTF8 { output.append(contentsOf: $0) }
    }
}

extension Array where Element == UInt8 {
    /// Appends a literal's bytes with one copy (a `String`'s UTF-8 view is
    /// appended byte by byte, several times slower for short literals).
    @inlinable
    public mutating func append(jsonLiteral literal: StaticString) {
        literal.withUTF8Buffer { append(contentsOf: $0) }
    }
}

import HTTPServer

extension JSONString {
    /// Appends `values` as a JSON array of strings.
    static func appendArray<Values: Sequence<String>>(_ values: Values, to json: inout [UInt8]) {
        json.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            append(value, to: &json)
        }
        json.append(UInt8(ascii: "]"))
    }
}

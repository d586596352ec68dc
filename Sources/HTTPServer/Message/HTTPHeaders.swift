/// The header fields of a request, in the order received, duplicates kept.
///
/// The field lines stay as bytes of the request head; a name or value becomes a
/// `String` only when asked for. Names compare case-insensitively (RFC 9110 §5.1).
public struct HTTPHeaders: Sendable {
    /// One field line: where its name and its value (without surrounding
    /// whitespace) lie in `storage`.
    struct Field: Sendable {
        var name: Range<Int>
        var value: Range<Int>
    }

    let storage: [UInt8]
    let fields: [Field]

    init(storage: [UInt8], fields: [Field]) {
        self.storage = storage
        self.fields = fields
    }

    /// Builds headers from name/value pairs (for tests and synthetic requests).
    public init(_ pairs: [(String, String)]) {
        var storage: [UInt8] = []
        var fields: [Field] = []
        for (name, value) in pairs {
            let nameStart = storage.count
            storage.append(contentsOf: name.utf8)
            let valueStart = storage.count
            storage.append(contentsOf: value.utf8)
            fields.append(Field(name: nameStart..<valueStart, value: valueStart..<storage.count))
        }
        self.init(storage: storage, fields: fields)
    }

    /// Number of field lines.
    public var count: Int { fields.count }

    /// Every field as (name, value) strings, in order.
    public var pairs: [(name: String, value: String)] {
        fields.map { (string(at: $0.name), string(at: $0.value)) }
    }

    /// The first value of the named field, or `nil`.
    public subscript(name: String) -> String? {
        for field in fields where nameMatches(field, name) {
            return string(at: field.value)
        }
        return nil
    }

    /// Every value of the named field, in order.
    public func values(for name: String) -> [String] {
        fields.filter { nameMatches($0, name) }.map { string(at: $0.value) }
    }

    /// Whether the named field holds, in any of its comma-separated elements,
    /// the given token (compared case-insensitively).
    public func containsToken(_ token: String, in name: String) -> Bool {
        for field in fields where nameMatches(field, name) {
            if listContains(field.value, token: token) { return true }
        }
        return false
    }

    // MARK: - Byte-level helpers

    func nameMatches(_ field: Field, _ name: String) -> Bool {
        equalsIgnoringCase(field.name, name)
    }

    func listContains(_ range: Range<Int>, token: String) -> Bool {
        var found = false
        Self.forEachListElement(storage, range) { element in
            found = equalsIgnoringCase(element, token)
            return !found
        }
        return found
    }

    /// The non-empty, whitespace-trimmed elements of a comma-separated list (RFC 9110 §5.6.1).
    static func listElements(_ storage: [UInt8], _ range: Range<Int>) -> [Range<Int>] {
        var elements: [Range<Int>] = []
        forEachListElement(storage, range) { element in
            elements.append(element)
            return true
        }
        return elements
    }

    /// Calls `body` with each non-empty, trimmed list element until it returns `false`;
    /// allocates nothing (it runs for the `Connection` field of every request).
    static func forEachListElement(_ storage: [UInt8], _ range: Range<Int>, _ body: (Range<Int>) -> Bool) {
        var start = range.lowerBound
        while start <= range.upperBound {
            var end = start
            while end < range.upperBound && storage[end] != UInt8(ascii: ",") { end += 1 }
            var lower = start
            var upper = end
            while lower < upper && ByteClass.isWhitespace(storage[lower]) { lower += 1 }
            while upper > lower && ByteClass.isWhitespace(storage[upper - 1]) { upper -= 1 }
            if lower < upper && !body(lower..<upper) { return }
            start = end + 1
        }
    }

    /// Whether the bytes in `range` are `literal`, ASCII letters compared case-insensitively.
    func equalsIgnoringCase(_ range: Range<Int>, _ literal: String) -> Bool {
        // Most differ in length: no byte is compared.
        guard range.count == literal.utf8.count else { return false }
        var literal = literal
        // Both as buffers: a string's UTF-8 iterator costs tens of instructions a byte.
        return literal.withUTF8 { expected in
            storage.withUnsafeBufferPointer { bytes in
                precondition(range.upperBound <= bytes.count)
                for offset in 0..<expected.count
                where ByteClass.lowercased(bytes[range.lowerBound + offset]) != ByteClass.lowercased(expected[offset]) {
                    return false
                }
                return true
            }
        }
    }

    func string(at range: Range<Int>) -> String {
        String(decoding: storage[range], as: UTF8.self)
    }
}

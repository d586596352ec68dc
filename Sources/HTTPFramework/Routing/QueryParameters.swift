/// The decoded `name=value` pairs of a query string, in order, duplicates kept.
public struct QueryParameters: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public let items: [Item]

    /// Parses `a=1&b=two&c` (`+` is a space, `%XX` escapes decoded; an item
    /// without `=` has an empty value). Returns `nil` when an escape is malformed.
    public init?(query: Substring?) {
        guard let query, !query.isEmpty else {
            items = []
            return
        }
        var items: [Item] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = part.firstIndex(of: "=") {
                name = part[..<equals]
                value = part[part.index(after: equals)...]
            } else {
                name = part
                value = ""
            }
            guard let decodedName = PercentDecoding.decode(name, plusAsSpace: true),
                let decodedValue = PercentDecoding.decode(value, plusAsSpace: true)
            else { return nil }
            items.append(Item(name: decodedName, value: decodedValue))
        }
        self.items = items
    }

    /// The first value for `name`.
    public subscript(name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    /// Every value for `name`.
    public func values(for name: String) -> [String] {
        items.filter { $0.name == name }.map(\.value)
    }

    /// The distinct names, in first-seen order.
    public var names: [String] {
        var seen = Set<String>()
        return items.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }
}

/// A code of the public contract: ordered as the contract lists it.
///
/// Each code type also hashes its ordinal (`hash(into:)` in its own file), not
/// its raw string (the standard library's default for a String-backed enum):
/// sets and dictionaries of codes then cost no string hashing. (A default in
/// an extension of this protocol would compete with the standard library's
/// `RawRepresentable` one.)
public protocol ContractCode: Comparable {
    /// Position in the contract's order.
    var ordinal: Int { get }
}

extension ContractCode {
    /// The contract's order (for the levels: most urgent first).
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// A value per code, found by the code's ordinal: no hashing (a String-backed
/// enum hashes its raw value, which costs more than the work of a lookup here).
public struct OrdinalTable<Code: ContractCode & CaseIterable, Value> {
    private var slots: [Value?]

    /// Keeps the first value given for a code.
    public init<Entries: Sequence>(_ entries: Entries) where Entries.Element == (Code, Value) {
        slots = Array(repeating: nil, count: Code.allCases.count)
        for (code, value) in entries where slots[code.ordinal] == nil {
            slots[code.ordinal] = value
        }
    }

    public subscript(code: Code) -> Value? { slots[code.ordinal] }
}

extension OrdinalTable: Sendable where Value: Sendable {}

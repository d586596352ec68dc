/// A code of the public contract: ordered as the contract lists it.
public protocol ContractCode: Comparable {
    /// Position in the contract's order.
    var ordinal: Int { get }
}

extension ContractCode {
    /// The contract's order (for the levels: most urgent first).
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ordinal < rhs.ordinal }
}

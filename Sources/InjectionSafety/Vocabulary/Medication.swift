/// A medication injected during the procedure (`medications`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum Medication: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case corticosteroid = "corticosteroid"
    case localAnesthetic = "local-anesthetic"
    case contrast = "contrast"

    /// Declaration order (the order of the contract).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

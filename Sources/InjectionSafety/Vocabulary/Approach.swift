/// The route of an epidural steroid injection (`approach`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum Approach: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case interlaminar = "interlaminar"
    case transforaminal = "transforaminal"
    case caudal = "caudal"

    /// Declaration order (the order of the contract).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

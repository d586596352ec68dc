/// The part of the spine injected (`region`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum SpinalRegion: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case cervical = "cervical"
    case thoracic = "thoracic"
    case lumbar = "lumbar"
    case sacral = "sacral"

    /// Declaration order (the order of the contract).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

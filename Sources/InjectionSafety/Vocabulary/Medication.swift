/// A medication injected during the procedure (`medications`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum Medication: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case corticosteroid = "corticosteroid"
    case localAnesthetic = "local-anesthetic"
    case contrast = "contrast"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .corticosteroid: 0
        case .localAnesthetic: 1
        case .contrast: 2
        }
    }
}

extension Medication {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

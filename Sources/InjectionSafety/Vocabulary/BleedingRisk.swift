/// Bleeding-risk class of a procedure, after the ASRA interventional pain guideline.
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum BleedingRisk: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case low = "low"
    case intermediate = "intermediate"
    case high = "high"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .low: 0
        case .intermediate: 1
        case .high: 2
        }
    }
}

extension BleedingRisk {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

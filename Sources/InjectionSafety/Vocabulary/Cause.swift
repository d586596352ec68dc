/// What causes a side effect: one of the injected medications, or the needle and procedure itself.
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum Cause: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case corticosteroid = "corticosteroid"
    case localAnesthetic = "local-anesthetic"
    case contrast = "contrast"
    case procedure = "procedure"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .corticosteroid: 0
        case .localAnesthetic: 1
        case .contrast: 2
        case .procedure: 3
        }
    }
}

extension Cause {
    /// The cause that is this injected medication.
    public init(medication: Medication) {
        switch medication {
        case .corticosteroid: self = .corticosteroid
        case .localAnesthetic: self = .localAnesthetic
        case .contrast: self = .contrast
        }
    }
}

extension Cause {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

/// How urgently a patient should act (`level`), most urgent first.
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum TriageLevel: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case emergency = "emergency"
    case urgent = "urgent"
    case contactProvider = "contact-provider"
    case selfCare = "self-care"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .emergency: 0
        case .urgent: 1
        case .contactProvider: 2
        case .selfCare: 3
        }
    }

}

extension TriageLevel {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

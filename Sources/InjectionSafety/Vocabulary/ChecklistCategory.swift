/// The kind of a checklist item.
public enum ChecklistCategory: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case medications = "medications"
    case preparation = "preparation"
    case transport = "transport"
    case monitoring = "monitoring"
    case whenToCall = "when-to-call"
    case followUp = "follow-up"

    /// Position in the contract's order.
    public var ordinal: Int {
        switch self {
        case .medications: 0
        case .preparation: 1
        case .transport: 2
        case .monitoring: 3
        case .whenToCall: 4
        case .followUp: 5
        }
    }
}

extension ChecklistCategory {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

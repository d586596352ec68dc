/// A phase of the procedure a checklist is for (`shared/domain.md`).
public enum ChecklistPhase: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case preProcedure = "pre-procedure"
    case dayOfProcedure = "day-of-procedure"
    case postProcedure = "post-procedure"

    /// Position in the contract's order.
    public var ordinal: Int {
        switch self {
        case .preProcedure: 0
        case .dayOfProcedure: 1
        case .postProcedure: 2
        }
    }
}

extension ChecklistPhase {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

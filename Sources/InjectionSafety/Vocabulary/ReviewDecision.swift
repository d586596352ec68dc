/// The outcome of the pre-procedure readiness review, most cautious first.
public enum ReviewDecision: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case postpone = "postpone"
    case discussWithProvider = "discuss-with-provider"
    case ready = "ready"

    /// Position in the contract's order.
    public var ordinal: Int {
        switch self {
        case .postpone: 0
        case .discussWithProvider: 1
        case .ready: 2
        }
    }
}

extension ReviewDecision {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

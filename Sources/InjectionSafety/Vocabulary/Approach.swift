/// The route of an epidural steroid injection (`approach`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum Approach: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case interlaminar = "interlaminar"
    case transforaminal = "transforaminal"
    case caudal = "caudal"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .interlaminar: 0
        case .transforaminal: 1
        case .caudal: 2
        }
    }
}

extension Approach {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

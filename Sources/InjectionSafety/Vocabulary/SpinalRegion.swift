/// The part of the spine injected (`region`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum SpinalRegion: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case cervical = "cervical"
    case thoracic = "thoracic"
    case lumbar = "lumbar"
    case sacral = "sacral"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .cervical: 0
        case .thoracic: 1
        case .lumbar: 2
        case .sacral: 3
        }
    }
}

extension SpinalRegion {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

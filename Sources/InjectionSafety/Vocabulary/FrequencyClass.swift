/// How often a side effect happens: common ≥ 1 %, uncommon 0.1–1 %, rare 0.01–0.1 %, very rare < 0.01 %, unknown without a figure or wording.
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum FrequencyClass: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case common = "common"
    case uncommon = "uncommon"
    case rare = "rare"
    case veryRare = "very-rare"
    case unknown = "unknown"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .common: 0
        case .uncommon: 1
        case .rare: 2
        case .veryRare: 3
        case .unknown: 4
        }
    }
}

extension FrequencyClass {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

/// A kind of back pain injection (`injection`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum InjectionType: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case epiduralSteroid = "epidural-steroid"
    case selectiveNerveRootBlock = "selective-nerve-root-block"
    case medialBranchBlock = "medial-branch-block"
    case facetJoint = "facet-joint"
    case sacroiliacJoint = "sacroiliac-joint"
    case triggerPoint = "trigger-point"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .epiduralSteroid: 0
        case .selectiveNerveRootBlock: 1
        case .medialBranchBlock: 2
        case .facetJoint: 3
        case .sacroiliacJoint: 4
        case .triggerPoint: 5
        }
    }
}

extension InjectionType {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

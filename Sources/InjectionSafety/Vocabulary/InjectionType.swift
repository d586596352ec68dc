/// A kind of back pain injection (`injection`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum InjectionType: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case epiduralSteroid = "epidural-steroid"
    case selectiveNerveRootBlock = "selective-nerve-root-block"
    case medialBranchBlock = "medial-branch-block"
    case facetJoint = "facet-joint"
    case sacroiliacJoint = "sacroiliac-joint"
    case triggerPoint = "trigger-point"

    /// Declaration order (the order of the contract).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

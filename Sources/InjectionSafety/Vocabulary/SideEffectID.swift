/// The id of a side effect in the catalogue (`possibleSideEffects`, `/v1/side-effects/{id}`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum SideEffectID: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case injectionSitePain = "injection-site-pain"
    case painFlare = "pain-flare"
    case bruisingSwelling = "bruising-swelling"
    case temporaryNumbnessWeakness = "temporary-numbness-weakness"
    case headacheNonpositional = "headache-nonpositional"
    case postDuralPunctureHeadache = "post-dural-puncture-headache"
    case vasovagalReaction = "vasovagal-reaction"
    case facialFlushing = "facial-flushing"
    case insomniaMood = "insomnia-mood"
    case hyperglycemia = "hyperglycemia"
    case bloodPressureRise = "blood-pressure-rise"
    case fluidRetentionWeightGain = "fluid-retention-weight-gain"
    case menstrualChanges = "menstrual-changes"
    case lowGradeFever = "low-grade-fever"
    case nauseaVomiting = "nausea-vomiting"
    case hiccups = "hiccups"
    case hormonalSuppression = "hormonal-suppression"
    case immuneSuppression = "immune-suppression"
    case localInfection = "local-infection"
    case epiduralAbscessMeningitis = "epidural-abscess-meningitis"
    case epiduralHematoma = "epidural-hematoma"
    case nerveInjury = "nerve-injury"
    case spinalCordInfarctionStroke = "spinal-cord-infarction-stroke"
    case allergicReaction = "allergic-reaction"
    case localAnestheticToxicity = "local-anesthetic-toxicity"
    case pneumothorax = "pneumothorax"
    case boneSoftTissueWeakening = "bone-soft-tissue-weakening"
    case skinChanges = "skin-changes"
    case eyeEffects = "eye-effects"
    case longTermSteroidEffects = "long-term-steroid-effects"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .injectionSitePain: 0
        case .painFlare: 1
        case .bruisingSwelling: 2
        case .temporaryNumbnessWeakness: 3
        case .headacheNonpositional: 4
        case .postDuralPunctureHeadache: 5
        case .vasovagalReaction: 6
        case .facialFlushing: 7
        case .insomniaMood: 8
        case .hyperglycemia: 9
        case .bloodPressureRise: 10
        case .fluidRetentionWeightGain: 11
        case .menstrualChanges: 12
        case .lowGradeFever: 13
        case .nauseaVomiting: 14
        case .hiccups: 15
        case .hormonalSuppression: 16
        case .immuneSuppression: 17
        case .localInfection: 18
        case .epiduralAbscessMeningitis: 19
        case .epiduralHematoma: 20
        case .nerveInjury: 21
        case .spinalCordInfarctionStroke: 22
        case .allergicReaction: 23
        case .localAnestheticToxicity: 24
        case .pneumothorax: 25
        case .boneSoftTissueWeakening: 26
        case .skinChanges: 27
        case .eyeEffects: 28
        case .longTermSteroidEffects: 29
        }
    }
}

extension SideEffectID {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

/// The id of a side effect in the catalogue (`possibleSideEffects`, `/v1/side-effects/{id}`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum SideEffectID: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
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

    /// Declaration order (the order of the contract).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

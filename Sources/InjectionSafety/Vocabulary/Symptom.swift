/// A symptom a patient can report after an injection (`symptoms`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum Symptom: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    case injectionSitePain = "injection-site-pain"
    case injectionSiteBruising = "injection-site-bruising"
    case injectionSiteSwelling = "injection-site-swelling"
    case injectionSiteRedness = "injection-site-redness"
    case injectionSiteWarmth = "injection-site-warmth"
    case injectionSiteDrainage = "injection-site-drainage"
    case injectionSiteBleeding = "injection-site-bleeding"
    case increasedBackPain = "increased-back-pain"
    case severeBackPain = "severe-back-pain"
    case legPain = "leg-pain"
    case legNumbness = "leg-numbness"
    case legWeakness = "leg-weakness"
    case legTingling = "leg-tingling"
    case saddleNumbness = "saddle-numbness"
    case bowelBladderLoss = "bowel-bladder-loss"
    case visionChanges = "vision-changes"
    case slurredSpeech = "slurred-speech"
    case facialDroop = "facial-droop"
    case confusion = "confusion"
    case seizure = "seizure"
    case headache = "headache"
    case positionalHeadache = "positional-headache"
    case stiffNeck = "stiff-neck"
    case lightSensitivity = "light-sensitivity"
    case fever = "fever"
    case chills = "chills"
    case hives = "hives"
    case itching = "itching"
    case rash = "rash"
    case difficultyBreathing = "difficulty-breathing"
    case wheezing = "wheezing"
    case faceOrThroatSwelling = "face-or-throat-swelling"
    case chestPain = "chest-pain"
    case palpitations = "palpitations"
    case dizziness = "dizziness"
    case fainting = "fainting"
    case nausea = "nausea"
    case vomiting = "vomiting"
    case armNumbness = "arm-numbness"
    case armWeakness = "arm-weakness"
    case metallicTaste = "metallic-taste"
    case ringingEars = "ringing-ears"
    case numbLips = "numb-lips"
    case muscleTwitching = "muscle-twitching"
    case drowsiness = "drowsiness"
    case selfHarmThoughts = "self-harm-thoughts"
    case blackStools = "black-stools"
    case ketones = "ketones"
    case facialFlushing = "facial-flushing"
    case insomnia = "insomnia"
    case moodChanges = "mood-changes"
    case weightGain = "weight-gain"
    case fluidRetention = "fluid-retention"
    case highBloodSugar = "high-blood-sugar"
    case increasedThirst = "increased-thirst"
    case menstrualChanges = "menstrual-changes"
    case hiccups = "hiccups"

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .injectionSitePain: 0
        case .injectionSiteBruising: 1
        case .injectionSiteSwelling: 2
        case .injectionSiteRedness: 3
        case .injectionSiteWarmth: 4
        case .injectionSiteDrainage: 5
        case .injectionSiteBleeding: 6
        case .increasedBackPain: 7
        case .severeBackPain: 8
        case .legPain: 9
        case .legNumbness: 10
        case .legWeakness: 11
        case .legTingling: 12
        case .saddleNumbness: 13
        case .bowelBladderLoss: 14
        case .visionChanges: 15
        case .slurredSpeech: 16
        case .facialDroop: 17
        case .confusion: 18
        case .seizure: 19
        case .headache: 20
        case .positionalHeadache: 21
        case .stiffNeck: 22
        case .lightSensitivity: 23
        case .fever: 24
        case .chills: 25
        case .hives: 26
        case .itching: 27
        case .rash: 28
        case .difficultyBreathing: 29
        case .wheezing: 30
        case .faceOrThroatSwelling: 31
        case .chestPain: 32
        case .palpitations: 33
        case .dizziness: 34
        case .fainting: 35
        case .nausea: 36
        case .vomiting: 37
        case .armNumbness: 38
        case .armWeakness: 39
        case .metallicTaste: 40
        case .ringingEars: 41
        case .numbLips: 42
        case .muscleTwitching: 43
        case .drowsiness: 44
        case .selfHarmThoughts: 45
        case .blackStools: 46
        case .ketones: 47
        case .facialFlushing: 48
        case .insomnia: 49
        case .moodChanges: 50
        case .weightGain: 51
        case .fluidRetention: 52
        case .highBloodSugar: 53
        case .increasedThirst: 54
        case .menstrualChanges: 55
        case .hiccups: 56
        }
    }
}

extension Symptom {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

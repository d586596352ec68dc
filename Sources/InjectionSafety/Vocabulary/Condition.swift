/// A patient condition that changes risks or advice (`conditions`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum Condition: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case diabetes = "diabetes"
    case anticoagulant = "anticoagulant"
    case antiplatelet = "antiplatelet"
    case bleedingDisorder = "bleeding-disorder"
    case immunosuppressed = "immunosuppressed"
    case pregnant = "pregnant"
    case contrastAllergy = "contrast-allergy"
    case localAnestheticAllergy = "local-anesthetic-allergy"
    case latexAllergy = "latex-allergy"
    case osteoporosis = "osteoporosis"
    case heartFailure = "heart-failure"
    case hypertension = "hypertension"
    case glaucoma = "glaucoma"
    case activeInfection = "active-infection"

    /// Declaration order (the order of the contract).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A patient condition that changes risks or advice (`conditions`).
///
/// Part of the public contract (`shared/domain.md`): spelled exactly so, never
/// renamed or dropped. Decoding an unknown code fails, so none exists past the
/// decoding boundary.
public enum Condition: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
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

    /// Position in the contract's order (a jump table, no allocation).
    public var ordinal: Int {
        switch self {
        case .diabetes: 0
        case .anticoagulant: 1
        case .antiplatelet: 2
        case .bleedingDisorder: 3
        case .immunosuppressed: 4
        case .pregnant: 5
        case .contrastAllergy: 6
        case .localAnestheticAllergy: 7
        case .latexAllergy: 8
        case .osteoporosis: 9
        case .heartFailure: 10
        case .hypertension: 11
        case .glaucoma: 12
        case .activeInfection: 13
        }
    }
}

extension Condition {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

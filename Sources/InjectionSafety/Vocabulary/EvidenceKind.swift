/// What kind of publication a source is, so a reviewer can weigh what a rule
/// rests on. Decoding an unknown kind fails, naming the field.
public enum EvidenceKind: String, Sendable, Hashable, CaseIterable, Codable, ContractCode {
    /// A professional society's guideline, advisory, standard of care or
    /// consensus criteria (ASRA, ADA, NIAID/FAAN).
    case guideline = "guideline"
    /// A paper in a peer-reviewed journal, case reports included, read at the
    /// journal or its index record (PubMed, a publication record).
    case peerReviewed = "peer-reviewed"
    /// A drug regulator's own communication (FDA).
    case regulator = "regulator"
    /// Patient information from a care provider or health service: hospital,
    /// clinic and NHS leaflets, instruction sheets, health-service pages.
    case clinicLeaflet = "clinic-leaflet"
    /// Read second-hand: a copy or mirror of another publication, an
    /// encyclopaedia, a health-information site or clinician summary
    /// (Medscape, Spine-health, an UpToDate copy), a news item about a study.
    case secondaryCopy = "secondary-copy"

    /// Position in the listed order.
    public var ordinal: Int {
        switch self {
        case .guideline: 0
        case .peerReviewed: 1
        case .regulator: 2
        case .clinicLeaflet: 3
        case .secondaryCopy: 4
        }
    }
}

extension EvidenceKind {
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

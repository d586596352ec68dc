/// One thing to do or tell, for one phase; data with sources.
public struct ChecklistItem: Sendable, Codable, Hashable {
    /// Who the item is for. All empty (and `sedation` false) means everyone;
    /// otherwise it applies when any listed code matches. `unless` then takes
    /// it away from patients any of whose codes it lists (the daily pain diary
    /// is not for a medial branch block; the driving item without sedation is
    /// not for a sedated patient, who gets the sedation one).
    public struct AppliesTo: Sendable, Codable, Hashable {
        public var injections: [InjectionType]
        public var medications: [Medication]
        public var conditions: [Condition]
        /// For sedated patients.
        public var sedation: Bool
        /// Who the item is not for, even when the fields above let it apply.
        public var unless: Exclusion?

        public var isEveryone: Bool { injections.isEmpty && medications.isEmpty && conditions.isEmpty && !sedation }

        public init(
            injections: [InjectionType] = [], medications: [Medication] = [], conditions: [Condition] = [],
            sedation: Bool = false, unless: Exclusion? = nil
        ) {
            self.injections = injections
            self.medications = medications
            self.conditions = conditions
            self.sedation = sedation
            self.unless = unless
        }
    }

    /// Patients an item is not for: any listed injection, medication given or
    /// condition, or sedation when `sedation` is true. Absent fields are empty.
    public struct Exclusion: Sendable, Codable, Hashable {
        public var injections: [InjectionType]
        public var medications: [Medication]
        public var conditions: [Condition]
        public var sedation: Bool

        public var isEmpty: Bool { injections.isEmpty && medications.isEmpty && conditions.isEmpty && !sedation }

        public init(
            injections: [InjectionType] = [], medications: [Medication] = [], conditions: [Condition] = [],
            sedation: Bool = false
        ) {
            self.injections = injections
            self.medications = medications
            self.conditions = conditions
            self.sedation = sedation
        }

        private enum CodingKeys: String, CodingKey { case injections, medications, conditions, sedation }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                injections: try container.decodeIfPresent([InjectionType].self, forKey: .injections) ?? [],
                medications: try container.decodeIfPresent([Medication].self, forKey: .medications) ?? [],
                conditions: try container.decodeIfPresent([Condition].self, forKey: .conditions) ?? [],
                sedation: try container.decodeIfPresent(Bool.self, forKey: .sedation) ?? false)
        }

        /// Whether it excludes this patient.
        public func excludes(
            injection: InjectionType, medications given: Set<Medication>, conditions patientConditions: Set<Condition>,
            sedation sedated: Bool
        ) -> Bool {
            injections.contains(injection) || medications.contains(where: given.contains)
                || conditions.contains(where: patientConditions.contains) || (sedation && sedated)
        }
    }

    public var id: String
    public var phase: ChecklistPhase
    public var category: ChecklistCategory
    public var text: String
    public var appliesTo: AppliesTo
    public var sources: [String]
}

/// A pre-procedure review rule: when it applies, the decision it asks for, and why.
public struct ReviewRule: Sendable, Codable, Hashable {
    public var id: String
    public var decision: ReviewDecision
    /// For the clinician's EHR (a CDS Hooks card's summary): under 140 characters.
    public var clinicianSummary: String
    /// Why, in plain language (the reason's explanation).
    public var explanation: String
    /// For clinicians, never shown to patients: what in the rule is the
    /// service's own choice rather than a source's (a limit, a reading).
    public var productChoice: String?
    public var sources: [String]
    public var when: TriageCondition
}

/// How the review treats reported symptoms (`symptomTriage` in `review-rules.json`):
/// they go through the triage engine, and a triage level in ``postponeAtLevels``
/// gives a `postpone` reason with ``ruleID``.
public struct ReviewSymptomTriage: Sendable, Codable, Hashable {
    /// The id of the review reason it gives; kebab-case, not a review rule's id.
    public var ruleID: String
    /// The triage levels that postpone the procedure.
    public var postponeAtLevels: [TriageLevel]
    /// When the request gives no `hoursSinceInjection`: the hours to triage at;
    /// the most cautious answer is kept (``ChecklistBuilder/isMoreCautious(_:than:)``).
    public var hoursWhenNotGiven: [Double]
    /// Why, in plain language (the reason's explanation).
    public var explanation: String
    /// For clinicians, never shown to patients: the choices in it.
    public var productChoice: String
    public var sources: [String]

    private enum CodingKeys: String, CodingKey {
        case ruleID = "ruleId", postponeAtLevels, hoursWhenNotGiven, explanation, productChoice, sources
    }
}

/// One thing to do or tell, for one phase; data with sources.
public struct ChecklistItem: Sendable, Codable, Hashable {
    /// Who the item is for. All empty (and `sedation` false) means everyone;
    /// otherwise it applies when any listed code matches.
    public struct AppliesTo: Sendable, Codable, Hashable {
        public var injections: [InjectionType]
        public var medications: [Medication]
        public var conditions: [Condition]
        /// For sedated patients.
        public var sedation: Bool

        public var isEveryone: Bool { injections.isEmpty && medications.isEmpty && conditions.isEmpty && !sedation }
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
    public var explanation: String
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

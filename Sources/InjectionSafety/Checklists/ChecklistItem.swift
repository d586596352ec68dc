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

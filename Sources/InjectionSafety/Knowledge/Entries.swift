/// One of the injected medications, described for patients.
public struct MedicationEntry: Sendable, Codable, Hashable {
    public var code: Medication
    public var label: String
    public var description: String
    /// Drug names a patient may see on their paperwork.
    public var examples: [String]
    public var sources: [String]
}

/// One kind of injection, described for patients.
public struct InjectionEntry: Sendable, Codable, Hashable {
    public var id: InjectionType
    public var name: String
    public var description: String
    /// Approaches a request may name (only epidural steroid injections have them).
    public var approaches: [Approach]
    /// What is injected when a request names no medications (`shared/domain.md`).
    public var defaultMedications: [Medication]
    /// What may be added.
    public var optionalMedications: [Medication]
    /// How the needle is guided.
    public var guidance: String
    /// Bleeding-risk class of the procedure (after ASRA).
    public var bleedingRisk: BleedingRisk
    public var bleedingRiskNote: String?
    public var sources: [String]
}

/// A symptom code with the words a patient would use.
public struct SymptomEntry: Sendable, Codable, Hashable {
    public var code: Symptom
    public var label: String
    public var description: String
    /// The heading it falls under in the contract (e.g. `nerves`).
    public var group: String
    /// Everyday words for it, lowercase, for text search.
    public var synonyms: [String]
}

/// A patient condition with why it matters.
public struct ConditionEntry: Sendable, Codable, Hashable {
    public var code: Condition
    public var label: String
    public var description: String
    public var sources: [String]
}

/// A side effect or complication of back pain injections.
public struct SideEffect: Sendable, Codable, Hashable {
    public struct Frequency: Sendable, Codable, Hashable {
        /// The frequency class.
        public var `class`: FrequencyClass
        /// The published figures, as text (or that none were found).
        public var figures: String
    }

    public struct Seriousness: Sendable, Codable, Hashable {
        /// Symptoms that make it serious (red flags).
        public var symptoms: [Symptom]
        /// When it becomes serious, in plain language.
        public var text: String
    }

    public var id: SideEffectID
    public var name: String
    public var description: String
    public var causes: [Cause]
    /// The effect happens only when a corticosteroid was injected.
    public var requiresCorticosteroid: Bool
    public var injections: [InjectionType]
    public var frequency: Frequency
    public var onset: String
    public var duration: String
    /// What the patient notices.
    public var patientNotices: [Symptom]
    public var seriousWhen: Seriousness
    /// The level this effect usually calls for.
    public var usualLevel: TriageLevel
    /// When the level changes, in plain language.
    public var levelNote: String
    public var selfCare: [String]
    /// Named in the original patient article the service started from.
    public var seed: Bool
    public var sources: [String]
}

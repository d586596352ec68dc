/// One triage rule: when it applies, the level it gives, and why.
/// Adding a rule is adding a row to `triage-rules.json`.
public struct TriageRule: Sendable, Codable, Hashable {
    /// Stable kebab-case id, never reused.
    public var id: String
    public var level: TriageLevel
    /// The side effect the rule points to.
    public var sideEffect: SideEffectID?
    /// Why, in plain language.
    public var explanation: String
    /// The warning sign a patient is told to watch for: filled in when the
    /// knowledge base loads, from the first part of `warning-signs.json` that
    /// names the rule (the rule file itself does not carry it).
    public var warningSign: String?
    /// For clinicians, never shown to patients: what in the rule is the
    /// service's own choice rather than a source's (a number, a window, a
    /// reading where the contract is silent).
    public var productChoice: String?
    /// Advice shown when the rule matches and the level allows self-care; when
    /// absent, the advice of its side effect. An empty list gives none (e.g. an
    /// effect still present after its expected window).
    public var selfCare: [String]?
    public var sources: [String]
    public var when: TriageCondition
}

/// A named condition the rules share (e.g. "weakness that is not expected"),
/// so a clinician reads and reviews it once.
public struct TriageDefinition: Sendable, Codable, Hashable {
    /// Kebab-case; rules refer to it as `{"definition": name}`.
    public var name: String
    /// What it means, for clinicians.
    public var meaning: String
    public var when: TriageCondition
}

/// How symptoms the patient had before the injection (`"new": false`, not
/// worsening) count: a rule that matches only because of such symptoms (it
/// would not match without them) gives at most `highestLevel`; the listed
/// symptoms count whatever their history.
public struct PreExistingSymptomPolicy: Sendable, Codable, Hashable {
    public var highestLevel: TriageLevel
    public var countWhateverHistory: [Symptom]
    /// For clinicians: what the policy does and the choices in it.
    public var meaning: String
    public var sources: [String]
}

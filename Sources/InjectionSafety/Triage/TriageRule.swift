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
    /// The warning sign to tell a patient to watch for, when the rule is a red flag.
    public var warningSign: String?
    public var sources: [String]
    public var when: TriageCondition
}

/// The warning signs a patient is told to watch for (`warning-signs.json`):
/// items under the three levels of the post-procedure list, each made of
/// parts. A part is one sign, at one level, standing for the triage rules it
/// names; triage's `watchFor` lists parts, the checklist joins them into items.
public struct WarningSignItem: Sendable, Codable, Hashable {
    /// One sign.
    public struct Part: Sendable, Codable, Hashable {
        public var id: String
        /// What the patient notices, one sentence.
        public var text: String
        /// Shown only when this holds for the patient (context tests only:
        /// injection, region, medications, conditions, sedation).
        public var when: TriageCondition?
        /// Not shown when this holds (same tests).
        public var unless: TriageCondition?
        /// The triage rules the sign stands for, all of the item's level.
        public var rules: [String]

        /// Whether the part's own tests allow it for this request.
        public func applies(to request: TriageRequest) -> Bool {
            (when?.holds(for: request) ?? true) && !(unless?.holds(for: request) ?? false)
        }
    }

    public var id: String
    public var level: TriageLevel
    /// A few words a patient scans for (e.g. "Spine and nerves").
    public var title: String
    public var parts: [Part]
}

/// A triage rule without a warning sign because a patient at home cannot notice it.
public struct RuleNotAtHome: Sendable, Codable, Hashable {
    public var rule: String
    public var why: String
}

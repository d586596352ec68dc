/// The answer to a triage request.
public struct TriageResult: Sendable, Hashable {
    /// A matched rule and what triggered it.
    public struct Reason: Sendable, Hashable {
        public var ruleID: String
        public var level: TriageLevel
        /// The reported symptoms the rule looked at.
        public var symptoms: [Symptom]
        /// The numbers and facts it used, e.g. `temperatureC 38.4`.
        public var facts: [String]
        public var explanation: String
        public var sideEffect: SideEffectID?
        public var sources: [String]
        /// The rule's position in ``KnowledgeBase/triageRules`` (nil for the
        /// unexplained-symptom reason): its fixed texts can be looked up by it.
        public var ruleIndex: Int?
    }

    /// A warning sign to watch for, with the level it would raise the answer to.
    public struct WatchSign: Sendable, Hashable {
        public var level: TriageLevel
        public var text: String
        /// The sign's position among the parts of ``KnowledgeBase/warningSigns``,
        /// item after item: its text can be looked up by it.
        public var index: Int
    }

    public var level: TriageLevel
    /// One plain sentence: what to do now.
    public var action: String
    /// Every matched rule, most urgent first.
    public var reasons: [Reason]
    public var possibleSideEffects: [SideEffectID]
    /// Red flags not present that would raise the level, most urgent first.
    public var watchFor: [WatchSign]
    /// The texts of ``watchFor``, in its order.
    public var watchForTexts: [String] { watchFor.map(\.text) }
    /// Self-care advice for `self-care` and `contact-provider`; at `urgent` only
    /// first aid a matched rule gives itself (e.g. fast sugar for a low); none at `emergency`.
    public var selfCare: [String]
    public var followUp: String
    public var knowledgeBaseVersion: String
    public var disclaimer: String
}

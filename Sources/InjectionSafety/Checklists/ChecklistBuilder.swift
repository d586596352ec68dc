/// Builds personalised checklists and the pre-procedure readiness review from
/// the reviewed data. Pure, like the triage engine.
public struct ChecklistBuilder: Sendable {
    /// Who the checklist is for.
    public struct Patient: Sendable, Hashable {
        public var injection: InjectionType
        public var approach: Approach?
        /// The spinal region, when known (warning signs follow it).
        public var region: SpinalRegion?
        /// Named medications; `nil` means the injection type's defaults.
        public var medications: [Medication]?
        public var conditions: Set<Condition>
        public var sedation: Bool

        public init(
            injection: InjectionType, approach: Approach? = nil, region: SpinalRegion? = nil,
            medications: [Medication]? = nil, conditions: Set<Condition> = [], sedation: Bool = false
        ) {
            self.injection = injection
            self.approach = approach
            self.region = region
            self.medications = medications
            self.conditions = conditions
            self.sedation = sedation
        }
    }

    /// An item on a patient's list, with the codes that put it there (empty: everyone).
    public struct PersonalisedItem: Sendable, Hashable {
        public var id: String
        public var phase: ChecklistPhase
        public var category: ChecklistCategory
        public var text: String
        public var because: [String]
        public var sources: [String]
        /// For a warning sign: the level it calls for.
        public var warningLevel: TriageLevel? = nil
        /// For a warning sign: its signs, one sentence each (`text` is the lead and these).
        public var signs: [String] = []
        /// For a warning sign: what the signs are about, in a few words.
        public var title: String? = nil
    }

    /// The review's answer.
    public struct Review: Sendable, Hashable {
        public struct Reason: Sendable, Hashable {
            public var ruleID: String
            public var decision: ReviewDecision
            public var explanation: String
            public var sources: [String]
        }

        public var decision: ReviewDecision
        public var reasons: [Reason]
        /// The triage of the reported symptoms (with the readings); `nil` when none was reported.
        public var triage: TriageResult?
        /// The `hoursSinceInjection` that triage used (given, or the most urgent of the data's choices).
        public var triageHours: Double?
        public var items: [PersonalisedItem]
    }

    public let knowledgeBase: KnowledgeBase
    /// Triages the symptoms a review reports, with the same rules as after an
    /// injection, and says which warning signs fit a patient.
    public let triageEngine: TriageEngine
    /// The triage rules by id, for the sources of the warning signs.
    private let triageRulesByID: [String: TriageRule]

    public init(knowledgeBase: KnowledgeBase) {
        self.knowledgeBase = knowledgeBase
        triageEngine = TriageEngine(knowledgeBase: knowledgeBase)
        var byID: [String: TriageRule] = [:]
        for rule in knowledgeBase.triageRules { byID[rule.id] = rule }
        triageRulesByID = byID
    }

    /// The medications given: the named ones, or the injection type's defaults.
    public func medicationsGiven(_ patient: Patient) -> Set<Medication> {
        Set(patient.medications ?? knowledgeBase.injection(patient.injection)?.defaultMedications ?? [])
    }

    /// The items of a phase that apply to the patient, in category then data order.
    /// After the procedure, the warning signs come from the triage red flags
    /// (the same data triage uses), one item per sign, most urgent first.
    public func checklist(_ phase: ChecklistPhase, for patient: Patient) -> [PersonalisedItem] {
        let medications = medicationsGiven(patient)
        var items: [PersonalisedItem] = []
        for item in knowledgeBase.checklistItems where item.phase == phase {
            var because: [String] = []
            if !item.appliesTo.isEveryone {
                because += item.appliesTo.injections.filter { $0 == patient.injection }.map(\.rawValue)
                because += item.appliesTo.medications.filter { medications.contains($0) }.map(\.rawValue)
                because += item.appliesTo.conditions.filter { patient.conditions.contains($0) }.map(\.rawValue)
                if item.appliesTo.sedation && patient.sedation { because.append("sedation") }
                if because.isEmpty { continue }
            }
            if let unless = item.appliesTo.unless,
                unless.excludes(
                    injection: patient.injection, medications: medications, conditions: patient.conditions,
                    sedation: patient.sedation)
            {
                continue
            }
            items.append(
                PersonalisedItem(
                    id: item.id, phase: item.phase, category: item.category, text: item.text, because: because,
                    sources: item.sources))
        }
        if phase == .postProcedure { items += warningSignItems(for: patient) }
        return items.enumerated().sorted { ($0.element.category, $0.offset) < ($1.element.category, $1.offset) }.map(
            \.element)
    }

    /// One `when-to-call` item per item of `warning-signs.json` that has a
    /// sign for this patient (``TriageEngine/warningSignIDs(fitting:)``: its
    /// own tests of region, medicines, conditions and sedation hold, and one
    /// of its rules can apply, leaving time aside, since the list covers the
    /// whole time after the injection).
    func warningSignItems(for patient: Patient) -> [PersonalisedItem] {
        var request = TriageRequest(
            injection: patient.injection, approach: patient.approach, region: patient.region,
            sedation: patient.sedation,
            medications: patient.medications, hoursSinceInjection: 0, conditions: patient.conditions)
        request.resolveMedications(defaults: knowledgeBase.injection(patient.injection)?.defaultMedications ?? [])
        let fitting = triageEngine.warningSignIDs(fitting: request)
        var items: [PersonalisedItem] = []
        for item in knowledgeBase.warningSigns {
            let parts = item.parts.filter { fitting.contains($0.id) }
            guard !parts.isEmpty else { continue }
            var sources: [String] = []
            for part in parts {
                for source in part.rules.compactMap({ triageRulesByID[$0] }).flatMap(\.sources)
                where !sources.contains(source) {
                    sources.append(source)
                }
            }
            let signs = parts.map(\.text)
            items.append(
                PersonalisedItem(
                    id: "when-to-call-\(item.id)", phase: .postProcedure, category: .whenToCall,
                    text: "\(knowledgeBase.patientTexts.warningLead(item.level)) " + signs.joined(separator: " "),
                    because: [],
                    sources: sources, warningLevel: item.level, signs: signs, title: item.title))
        }
        return items
    }

    /// The readiness review before an appointment: every matching rule, the most
    /// cautious decision wins, and the personalised pre-procedure list.
    ///
    /// Reported symptoms (with the readings) are triaged as after an injection
    /// (`symptomTriage` in `review-rules.json`): a level it names postpones.
    /// `hoursGiven` says whether `request.hoursSinceInjection` was reported;
    /// when it was not, the symptoms are triaged at each of the data's
    /// `hoursWhenNotGiven` and the most cautious answer is kept
    /// (``isMoreCautious(_:than:)``). `sedation` is the coming procedure's;
    /// triage does not read it.
    public func review(_ request: TriageRequest, sedation: Bool = false, hoursGiven: Bool = false) -> Review {
        var resolved = request
        resolved.resolveMedications(defaults: knowledgeBase.injection(request.injection)?.defaultMedications ?? [])
        var reasons = knowledgeBase.reviewRules.filter { $0.when.holds(for: resolved) }.map {
            Review.Reason(ruleID: $0.id, decision: $0.decision, explanation: $0.explanation, sources: $0.sources)
        }
        let symptomTriage = knowledgeBase.reviewSymptomTriage
        var triage: (result: TriageResult, hours: Double)?
        if !request.symptoms.isEmpty {
            var input = request
            input.sedation = nil
            for hours in hoursGiven ? [request.hoursSinceInjection] : symptomTriage.hoursWhenNotGiven {
                input.hoursSinceInjection = hours
                let result = triageEngine.triage(input)
                if triage.map({ Self.isMoreCautious(result, than: $0.result) }) ?? true { triage = (result, hours) }
            }
        }
        if let triage, symptomTriage.postponeAtLevels.contains(triage.result.level) {
            reasons.append(
                Review.Reason(
                    ruleID: symptomTriage.ruleID, decision: .postpone, explanation: symptomTriage.explanation,
                    sources: symptomTriage.sources))
        }
        reasons.sort { ($0.decision, $0.ruleID) < ($1.decision, $1.ruleID) }
        let patient = Patient(
            injection: request.injection, approach: request.approach, medications: request.medications,
            conditions: request.conditions, sedation: sedation)
        return Review(
            decision: reasons.first?.decision ?? .ready, reasons: reasons, triage: triage?.result,
            triageHours: triage?.hours,
            items: checklist(.preProcedure, for: patient))
    }

    /// Whether `a` is a more cautious triage answer than `b`: a more urgent
    /// level, or the same level and, reason by reason (most urgent first), the
    /// first difference more urgent, or as urgent with more reasons.
    static func isMoreCautious(_ a: TriageResult, than b: TriageResult) -> Bool {
        if a.level != b.level { return a.level < b.level }
        for (x, y) in zip(a.reasons, b.reasons) where x.level != y.level { return x.level < y.level }
        return a.reasons.count > b.reasons.count
    }
}

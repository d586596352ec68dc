/// Triage as a pure function of the request and the reviewed rules.
///
/// Every rule is evaluated; the level is the most urgent level among the
/// matched rules. A reported symptom that no matched rule explains adds a
/// `contact-provider` reason saying so, so nothing is dropped silently.
public struct TriageEngine: Sendable {
    public let knowledgeBase: KnowledgeBase
    /// The rules with what evaluation needs, worked out once.
    private let prepared: [PreparedRule]
    /// The same rules' conditions, compiled (by rule index).
    let compiled: CompiledRules
    /// The warning signs (parts of `warning-signs.json`), most urgent first.
    private let signs: [PreparedSign]

    /// A reference type, so walking the rules for each request copies nothing.
    private final class PreparedRule: Sendable {
        let rule: TriageRule
        /// Its position in the rule list.
        let index: Int
        /// The symptoms its condition looks at, in code order.
        let symptoms: [Symptom]
        /// Whether its side effect follows only a corticosteroid.
        let requiresCorticosteroid: Bool
        /// The facts its reason states, laid out.
        let facts: RuleFacts

        init(rule: TriageRule, index: Int, symptoms: [Symptom], requiresCorticosteroid: Bool) {
            self.rule = rule
            self.index = index
            self.symptoms = symptoms
            self.requiresCorticosteroid = requiresCorticosteroid
            facts = RuleFacts(rule.when)
        }

        /// Symptoms of which one must be reported for `condition` to hold:
        /// those of a symptom test on the path of `all` nodes (through
        /// definitions), or for an `any`, of every branch together.
        static func requiredSymptoms(_ condition: TriageCondition) -> [Symptom]? {
            switch condition {
            case .anySymptom(let codes), .allSymptoms(let codes), .anySevere(let codes), .anyWorsening(let codes),
                .anySevereOrWorsening(let codes), .anySteady(let codes), .anyNotSevere(let codes):
                return codes
            case .all(let children):
                return children.lazy.compactMap(requiredSymptoms).first
            case .definition(let named):
                return named.resolved.first.flatMap(requiredSymptoms)
            case .any(let children):
                var all: [Symptom] = []
                for child in children {
                    guard let codes = requiredSymptoms(child) else { return nil }
                    all += codes
                }
                return children.isEmpty ? nil : all
            default:
                return nil
            }
        }
    }

    /// One warning sign with its level and the prepared rules it stands for
    /// (a reference, so walking the signs for each request copies nothing).
    private final class PreparedSign: Sendable {
        let part: WarningSignItem.Part
        let level: TriageLevel
        let rules: [PreparedRule]
        /// Its position among all parts, item after item.
        let index: Int
        /// The part's own tests, compiled.
        let when: CompiledCondition?
        let unless: CompiledCondition?

        init(part: WarningSignItem.Part, level: TriageLevel, rules: [PreparedRule], index: Int) {
            self.part = part
            self.level = level
            self.rules = rules
            self.index = index
            when = part.when.map(CompiledCondition.init)
            unless = part.unless.map(CompiledCondition.init)
        }

        /// ``WarningSignItem/Part/applies(to:)``, on the request's facts.
        func applies(_ facts: RequestFacts) -> Bool {
            (when?.holds(facts) ?? true) && !(unless?.holds(facts) ?? false)
        }
    }

    private static let symptomCount = Symptom.allCases.count

    /// The reason id for symptoms no rule explains.
    public static let unexplainedSymptomRuleID = "unexplained-symptom"

    public init(knowledgeBase: KnowledgeBase) {
        self.knowledgeBase = knowledgeBase
        let prepared = knowledgeBase.triageRules.enumerated().map { index, rule in
            PreparedRule(
                rule: rule, index: index, symptoms: rule.when.symptoms.sorted(),
                requiresCorticosteroid: rule.sideEffect.flatMap { knowledgeBase.sideEffect($0)?.requiresCorticosteroid }
                    ?? false)
        }
        self.prepared = prepared
        var compiled = CompiledRules()
        for rule in knowledgeBase.triageRules {
            compiled.append(
                rule, contextTests: Self.contextTests(rule.when),
                requiredSymptoms: PreparedRule.requiredSymptoms(rule.when))
        }
        self.compiled = compiled
        var byID: [String: PreparedRule] = [:]
        for entry in prepared { byID[entry.rule.id] = entry }
        signs = knowledgeBase.warningSigns.flatMap { item in item.parts.map { (item.level, $0) } }.enumerated()
            .map { index, sign in
                PreparedSign(part: sign.1, level: sign.0, rules: sign.1.rules.compactMap { byID[$0] }, index: index)
            }
    }

    public func triage(_ input: TriageRequest) -> TriageResult {
        var request = input
        request.resolveMedications(defaults: knowledgeBase.injection(request.injection)?.defaultMedications ?? [])
        var reasons: [TriageResult.Reason] = []
        var explained = [Bool](repeating: false, count: Self.symptomCount)
        var matched = [Bool](repeating: false, count: prepared.count)
        var matchedRules: [(entry: PreparedRule, level: TriageLevel)] = []
        // The same request without the symptoms the patient already had (those
        // that count whatever their history stay): a rule that matches only
        // with them gives at most the policy's level.
        let policy = knowledgeBase.preExistingSymptoms
        var withoutOld: RequestFacts?
        let isOld = { (report: TriageRequest.SymptomReport) in
            report.isPreExisting && !policy.countWhateverHistory.contains(report.code)
        }
        let old = request.symptoms.filter(isOld).map(\.code)
        if !old.isEmpty {
            var reduced = request
            reduced.symptoms.removeAll(where: isOld)
            withoutOld = RequestFacts(reduced)
        }
        let known = RequestFacts(request)
        let holding = compiled.nodes.withUnsafeBufferPointer { nodes in
            prepared.indices.filter {
                compiled.mayHold($0, known) && CompiledCondition.holds(nodes, Int(compiled.condition[$0]), known)
            }
        }
        for index in holding {
            let entry = prepared[index]
            matched[entry.index] = true
            let triggering = entry.symptoms.filter { known.present & RequestFacts.bit($0) != 0 }
            for symptom in triggering { explained[symptom.ordinal] = true }
            var level = entry.rule.level
            var facts = entry.facts.facts(request, known)
            if level < policy.highestLevel, let withoutOld, !compiled.holds(compiled.condition[index], withoutOld) {
                level = policy.highestLevel
                let had = triggering.filter { old.contains($0) }.map(\.rawValue).joined(separator: ", ")
                facts.append(
                    "\(had) had before the injection and no worse (new: false): at most \(policy.highestLevel.rawValue)"
                )
            }
            matchedRules.append((entry, level))
            reasons.append(
                TriageResult.Reason(
                    ruleID: entry.rule.id, level: level, symptoms: triggering, facts: facts,
                    explanation: entry.rule.explanation, sideEffect: entry.rule.sideEffect, sources: entry.rule.sources,
                    ruleIndex: entry.index)
            )
        }
        var unexplained: [Symptom] = []
        for report in request.symptoms where !explained[report.code.ordinal] {
            explained[report.code.ordinal] = true  // once each
            unexplained.append(report.code)
        }
        unexplained.sort()
        if !unexplained.isEmpty {
            reasons.append(
                TriageResult.Reason(
                    ruleID: Self.unexplainedSymptomRuleID, level: .contactProvider, symptoms: unexplained, facts: [],
                    explanation: knowledgeBase.patientTexts.unexplainedSymptom,
                    sideEffect: nil, sources: [], ruleIndex: nil))
        }
        reasons.sort { ($0.level, $0.ruleID) < ($1.level, $1.ruleID) }
        let level = reasons.first?.level ?? .selfCare
        let texts = knowledgeBase.patientTexts

        var possible: [SideEffectID] = []
        for reason in reasons {
            if let effect = reason.sideEffect, !possible.contains(effect) { possible.append(effect) }
        }
        // The signs more urgent than the answer that can still come: the
        // sign's own tests hold, and one of its rules has not matched and
        // could (its fixed facts hold, its effect can follow these medicines).
        var watchFor: [TriageResult.WatchSign] = []
        // Whether each rule can still apply, worked out once per rule: 0 not
        // yet known, 1 yes, 2 no (a rule stands behind several signs).
        var canStillApply = [UInt8](repeating: 0, count: prepared.count)
        for sign in signs where sign.level < level && sign.applies(known) {
            let open = sign.rules.contains { entry in
                if canStillApply[entry.index] == 0 {
                    let can = !matched[entry.index] && canApply(entry, to: known, ignoringWindows: false)
                    canStillApply[entry.index] = can ? 1 : 2
                }
                return canStillApply[entry.index] == 1
            }
            if open {
                watchFor.append(TriageResult.WatchSign(level: sign.level, text: sign.part.text, index: sign.index))
            }
        }
        // Advice of each matched rule, most urgent rule first: at self-care and
        // contact-provider, its own or its side effect's (the lines for this
        // patient's conditions: no anti-inflammatory painkiller on a blood
        // thinner); at urgent, only the first aid a rule gives itself (a low
        // blood sugar is treated now, while waiting for the clinic); at
        // emergency, none (the action says it all).
        var selfCare: [String] = []
        if level != .emergency {
            matchedRules.sort { ($0.level, $0.entry.index) < ($1.level, $1.entry.index) }
            for (entry, _) in matchedRules {
                let advice: [String]
                if level == .urgent {
                    advice = entry.rule.selfCare ?? []
                } else {
                    advice =
                        entry.rule.selfCare
                        ?? entry.rule.sideEffect.flatMap {
                            knowledgeBase.sideEffect($0)?.selfCare(for: request.conditions)
                        } ?? []
                }
                for line in advice where !selfCare.contains(line) { selfCare.append(line) }
            }
        }
        return TriageResult(
            level: level, action: texts.action(for: level, noSymptoms: request.symptoms.isEmpty),
            reasons: reasons, possibleSideEffects: possible, watchFor: watchFor, selfCare: selfCare,
            followUp: texts.followUp(
                for: level, corticosteroidGiven: request.medicationsGiven.contains(.corticosteroid)),
            knowledgeBaseVersion: knowledgeBase.version, disclaimer: texts.disclaimer)
    }

    /// The ids of the warning signs that fit a patient for the whole time after
    /// the injection (the take-home list): the sign's own tests hold, and one
    /// of its rules can apply to this patient, windows that end left aside.
    public func warningSignIDs(fitting request: TriageRequest) -> Set<String> {
        var ids = Set<String>()
        let facts = RequestFacts(request)
        for sign in signs where sign.applies(facts) {
            if sign.rules.contains(where: { canApply($0, to: facts, ignoringWindows: true) }) {
                ids.insert(sign.part.id)
            }
        }
        return ids
    }

    /// Whether a rule can apply to `request` by what no symptom or reading
    /// changes: its fixed facts hold (with `ignoringWindows`, the windows that
    /// end are left aside) and its side effect can follow these medicines.
    private func canApply(_ entry: PreparedRule, to facts: RequestFacts, ignoringWindows: Bool) -> Bool {
        let root = (ignoringWindows ? compiled.contextWithoutWindows : compiled.context)[entry.index]
        let factsHold = compiled.holds(root, facts)
        return factsHold
            && (!entry.requiresCorticosteroid || facts.medications & RequestFacts.bit(Medication.corticosteroid) != 0)
    }

    /// A condition's tests of the injection, its medications, region and
    /// sedation, the patient's conditions, and the windows that have an end, on
    /// the path of `all` nodes (through definitions): a red flag is shown in
    /// `watchFor` only when they hold, so it stays on topic (no collapsed-lung
    /// sign after a named lumbar injection, no anaesthetic-toxicity sign once
    /// its 2 hours are over, no heart-failure sign without heart failure).
    /// Tests of symptoms and readings, and `hoursAbove` (later comes), are left
    /// to the patient's watch.
    static func contextTests(_ condition: TriageCondition) -> [TriageCondition] {
        switch condition {
        case .all(let children): return children.flatMap(contextTests)
        case .definition(let named): return named.resolved.flatMap(contextTests)
        case .injectionIn, .approachIn, .regionMayBe, .regionIs, .regionIsNot, .medicationGiven, .medicationNotGiven,
            .sedated, .hoursAtMost, .anyCondition:
            return [condition]
        default: return []
        }
    }

    /// The numbers a rule used, as plain facts (the definition of what
    /// ``RuleFacts``, which the engine reads, gives).
    static func facts(_ condition: TriageCondition, _ request: TriageRequest) -> [String] {
        var facts: [String] = []
        appendFacts(condition, request, to: &facts)
        return facts
    }

    /// Appends the facts of `condition` (of the `any` branches that hold).
    static func appendFacts(_ condition: TriageCondition, _ request: TriageRequest, to facts: inout [String]) {
        func reading(_ name: String, _ value: Double?, _ relation: String, _ threshold: Double) {
            guard let value else { return }
            facts.append(name + " " + format(value) + relation + format(threshold))
        }
        switch condition {
        case .all(let children):
            for child in children { appendFacts(child, request, to: &facts) }
        case .definition(let named):
            for child in named.resolved { appendFacts(child, request, to: &facts) }
        case .any(let children):
            for child in children where child.holds(for: request) { appendFacts(child, request, to: &facts) }
        case .anySymptom, .allSymptoms, .anySevere, .anyWorsening, .anySevereOrWorsening, .anySteady, .anyNotSevere:
            break
        case .hoursAtMost(let value): reading("hoursSinceInjection", request.hoursSinceInjection, " is at most ", value)
        case .hoursAbove(let value):
            reading("hoursSinceInjection", request.hoursSinceInjection, " is more than ", value)
        case .temperatureAtLeast(let value): reading("temperatureC", request.temperatureC, " is at least ", value)
        case .glucoseAtLeast(let value): reading("bloodGlucoseMgDl", request.bloodGlucoseMgDl, " is at least ", value)
        case .systolicAtLeast(let value):
            reading("systolicBloodPressure", request.systolicBloodPressure, " is at least ", value)
        case .glucoseBelow(let value): reading("bloodGlucoseMgDl", request.bloodGlucoseMgDl, " is below ", value)
        case .systolicBelow(let value):
            reading("systolicBloodPressure", request.systolicBloodPressure, " is below ", value)
        case .medicationNotGiven(let codes):
            facts.append("no " + codes.map(\.rawValue).joined(separator: " or ") + " given")
        case .regionIs, .regionIsNot:
            facts.append(request.injectedRegion.map { "region " + $0.rawValue } ?? "region not given")
        case .sedated(let flag):
            facts.append(flag ? "sedated" : "not sedated")
        case .steroidInjectionsAbove(let value):
            facts.append(
                "steroidInjectionsPast12Months \(request.steroidInjectionsPast12Months ?? 0) is more than \(value)")
        case .anyCondition(let codes):
            for code in codes where request.conditions.contains(code) { facts.append("condition " + code.rawValue) }
        case .injectionIn:
            facts.append("injection " + request.injection.rawValue)
        case .regionMayBe:
            facts.append(request.region.map { "region " + $0.rawValue } ?? "region not given (assumed at risk)")
        case .medicationGiven(let codes):
            for code in codes where request.medicationsGiven.contains(code) {
                facts.append("medication " + code.rawValue)
            }
        case .approachIn:
            if let approach = request.approach { facts.append("approach " + approach.rawValue) }
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}

import FoundationEssentials

/// What the integrity check found wrong with the data.
public struct IntegrityProblem: Sendable, Hashable, CustomStringConvertible {
    /// The entry, e.g. `side-effects.json: pain-flare`.
    public var location: String
    public var message: String
    public var description: String { "\(location): \(message)" }
}

extension KnowledgeBase {
    /// Every problem with the data that decoding cannot catch. Empty means the
    /// data is sound; the server refuses to start otherwise.
    ///
    /// - every code of the contract has an entry (symptoms, conditions,
    ///   medications, injection types, side effects), exactly once;
    /// - every reference resolves: side effect → sources and injections,
    ///   injection → sources and at least one side effect, conditions and
    ///   medications → sources;
    /// - every side effect of the seed article is present and marked so;
    /// - every source is cited, and source ids are unique kebab-case;
    /// - patient-facing text is present;
    /// - the changelog's newest version is ``contentVersion``, versions are
    ///   unique and newest first, each with a date and at least one change, and
    ///   the sign-off names both a reviewer and a date (on or after the newest
    ///   version's) or neither;
    /// - every row of the rule tables names a rule that exists and says why.
    public func integrityProblems() -> [IntegrityProblem] {
        var problems: [IntegrityProblem] = []
        func problem(_ location: String, _ message: String) {
            problems.append(IntegrityProblem(location: location, message: message))
        }

        // Coverage of the contract, each code once.
        func checkCoverage<Code: CaseIterable & Hashable & RawRepresentable>(
            _ file: String, _ codes: [Code]
        ) where Code.RawValue == String {
            var seen = Set<Code>()
            for code in codes where !seen.insert(code).inserted {
                problem("\(file): \(code.rawValue)", "listed more than once")
            }
            for code in Code.allCases where !seen.contains(code) {
                problem(file, "no entry for '\(code.rawValue)'")
            }
        }
        checkCoverage("symptoms.json", symptoms.map(\.code))
        checkCoverage("conditions.json", conditions.map(\.code))
        checkCoverage("medications.json", medications.map(\.code))
        checkCoverage("injections.json", injections.map(\.id))
        checkCoverage("side-effects.json", sideEffects.map(\.id))
        checkCoverage("interview.json readings", interview.readings.map(\.field))
        checkCoverage("interview.json checkIn.regions", interview.checkIn.regions.map(\.code))
        checkCoverage("interview.json checkIn.approaches", interview.checkIn.approaches.map(\.code))
        checkCoverage("interview.json checkIn.severities", interview.checkIn.severities.map(\.code))
        if !interview.severityQuestion.contains("{symptom}") {
            problem("interview.json: severityQuestion", "does not name the symptom ({symptom})")
        }
        // The EHR's cards: each review rule's summary fits a card (under 140 characters).
        for rule in reviewRules where rule.clinicianSummary.isEmpty || rule.clinicianSummary.count >= 140 {
            problem("review-rules.json: \(rule.id)", "clinicianSummary must be 1 to 139 characters")
        }
        // The CDS mapping: each entry names a known system and says what it stands for.
        for (list, entry) in cdsMapping.allEntries {
            let location = "cds-mapping.json: \(list) \(entry.code ?? entry.display)"
            if let system = entry.system, cdsMapping.systems[system] == nil {
                problem(location, "unknown system '\(system)'")
            }
            if entry.code == nil && (entry.names ?? []).isEmpty { problem(location, "neither a code nor names") }
            let standsFor: Bool =
                switch list {
                case "observations": entry.reading != nil
                case "procedures": entry.injection != nil
                default: entry.means != nil
                }
            if !standsFor { problem(location, "does not say what it stands for") }
        }
        if !interview.worseningQuestion.contains("{symptom}") {
            problem("interview.json: worseningQuestion", "does not name the symptom ({symptom})")
        }
        for symptom in symptoms where !symptom.question.hasSuffix("?") {
            problem("symptoms.json: \(symptom.code.rawValue)", "question does not end with a question mark")
        }

        // Sources: unique kebab-case ids, all cited, all citations resolve.
        var sourceIDs = Set<String>()
        for source in sources {
            if !Self.isKebabCase(source.id) { problem("sources.json: \(source.id)", "id is not kebab-case") }
            if !sourceIDs.insert(source.id).inserted {
                problem("sources.json: \(source.id)", "id listed more than once")
            }
            if source.title.isEmpty || source.url.isEmpty {
                problem("sources.json: \(source.id)", "title or url is empty")
            }
        }
        var cited = Set<String>()
        func checkCitations(_ location: String, _ citations: [String]) {
            if citations.isEmpty { problem(location, "cites no source") }
            for citation in citations {
                cited.insert(citation)
                if !sourceIDs.contains(citation) { problem(location, "cites unknown source '\(citation)'") }
            }
        }
        for entry in medications { checkCitations("medications.json: \(entry.code.rawValue)", entry.sources) }
        for entry in conditions { checkCitations("conditions.json: \(entry.code.rawValue)", entry.sources) }
        for entry in injections { checkCitations("injections.json: \(entry.id.rawValue)", entry.sources) }
        for entry in sideEffects { checkCitations("side-effects.json: \(entry.id.rawValue)", entry.sources) }
        // Rows of rules and items: unique kebab-case ids, text, sources.
        func checkRows(_ file: String, _ rows: [(id: String, text: String, sources: [String])]) {
            var ids = Set<String>()
            for row in rows {
                let location = "\(file): \(row.id)"
                if !Self.isKebabCase(row.id) { problem(location, "id is not kebab-case") }
                if !ids.insert(row.id).inserted { problem(location, "id listed more than once") }
                if row.text.allSatisfy({ $0 == " " || $0 == "\t" }) { problem(location, "text is empty") }
                checkCitations(location, row.sources)
            }
        }
        checkRows("triage-rules.json", triageRules.map { ($0.id, $0.explanation, $0.sources) })
        checkRows("checklist-items.json", checklistItems.map { ($0.id, $0.text, $0.sources) })
        for level in TriageLevel.allCases where !triageRules.contains(where: { $0.level == level }) {
            problem("triage-rules.json", "no rule gives the level '\(level.rawValue)'")
        }
        for phase in ChecklistPhase.allCases where !checklistItems.contains(where: { $0.phase == phase }) {
            problem("checklist-items.json", "no item for the phase '\(phase.rawValue)'")
        }
        // Rule trees: the tests that are not monotone in what the patient
        // reports (anySteady, anyNotSevere) only in self-care rules, where a
        // rule that stops matching cannot lower the level; definitions named
        // in kebab-case and each used.
        func forbidNonMonotoneTests(in condition: TriageCondition, _ location: String, _ message: String) {
            condition.forEachNode { node in
                switch node {
                case .anySteady, .anyNotSevere: problem(location, message)
                default: break
                }
            }
        }
        for rule in triageRules where rule.level != .selfCare {
            forbidNonMonotoneTests(
                in: rule.when, "triage-rules.json: \(rule.id)",
                "anySteady and anyNotSevere belong in self-care rules only")
        }
        for rule in reviewRules {
            forbidNonMonotoneTests(
                in: rule.when, "review-rules.json: \(rule.id)",
                "anySteady and anyNotSevere belong in self-care triage rules only")
        }
        // "This is expected" only inside a window: every self-care rule ends
        // (an `hoursAtMost` on each path through it).
        for rule in triageRules where rule.level == .selfCare && !Self.alwaysEnds(rule.when) {
            problem("triage-rules.json: \(rule.id)", "a self-care rule needs a window that ends (hoursAtMost)")
        }
        // Warning signs: each part names rules of its item's level, tests only
        // what the patient cannot change (no symptom or reading), is said once;
        // every emergency and urgent rule has a sign unless a patient at home
        // cannot notice it (then the data says why).
        var ruleLevels: [String: TriageLevel] = [:]
        for rule in triageRules { ruleLevels[rule.id] = rule.level }
        var partIDs = Set<String>()
        var partTexts = Set<String>()
        var covered = Set<String>()
        var itemIDs = Set<String>()
        for item in warningSigns {
            let location = "warning-signs.json: \(item.id)"
            if !Self.isKebabCase(item.id) || !itemIDs.insert(item.id).inserted {
                problem(location, "id is not kebab-case or listed more than once")
            }
            if item.parts.isEmpty { problem(location, "has no part") }
            if item.level == .selfCare { problem(location, "a warning sign is more urgent than self-care") }
            for part in item.parts {
                let partLocation = "warning-signs.json: \(part.id)"
                if !Self.isKebabCase(part.id) || !partIDs.insert(part.id).inserted {
                    problem(partLocation, "id is not kebab-case or listed more than once")
                }
                if !partTexts.insert(part.text).inserted { problem(partLocation, "the same text is given twice") }
                if part.text.allSatisfy({ $0 == " " }) || part.rules.isEmpty {
                    problem(partLocation, "text or rules are empty")
                }
                for rule in part.rules {
                    guard let level = ruleLevels[rule] else {
                        problem(partLocation, "names unknown rule '\(rule)'")
                        continue
                    }
                    if level != item.level {
                        problem(partLocation, "rule '\(rule)' is \(level.rawValue), the item is \(item.level.rawValue)")
                    }
                    covered.insert(rule)
                }
                for condition in [part.when, part.unless].compactMap({ $0 }) {
                    condition.forEachNode { node in
                        switch node {
                        case .all, .any, .definition, .injectionIn, .approachIn, .regionMayBe, .regionIs, .regionIsNot,
                            .medicationGiven, .medicationNotGiven, .anyCondition, .sedated:
                            break
                        default:
                            problem(
                                partLocation,
                                "when and unless test only the injection, region, medications, conditions and sedation")
                        }
                    }
                }
            }
        }
        var notAtHome = Set<String>()
        for entry in rulesNotAtHome {
            if ruleLevels[entry.rule] == nil {
                problem("warning-signs.json: notAtHome", "names unknown rule '\(entry.rule)'")
            }
            if covered.contains(entry.rule) { problem("warning-signs.json: notAtHome", "'\(entry.rule)' has a sign") }
            if entry.why.allSatisfy({ $0 == " " }) {
                problem("warning-signs.json: notAtHome", "'\(entry.rule)' says no why")
            }
            notAtHome.insert(entry.rule)
        }
        for rule in triageRules
        where (rule.level == .emergency || rule.level == .urgent)
            && !covered.contains(rule.id) && !notAtHome.contains(rule.id)
        {
            problem(
                "triage-rules.json: \(rule.id)",
                "an \(rule.level.rawValue) rule needs a warning sign (warning-signs.json) or a notAtHome reason")
        }
        var usedDefinitions = Set<String>()
        let signConditions = warningSigns.flatMap(\.parts).flatMap { [$0.when, $0.unless].compactMap { $0 } }
        for condition in triageRules.map(\.when) + reviewRules.map(\.when) + triageDefinitions.map(\.when)
            + signConditions
        {
            condition.forEachNode { if case .definition(let named) = $0 { usedDefinitions.insert(named.name) } }
        }
        for definition in triageDefinitions {
            let location = "triage-rules.json: definitions: \(definition.name)"
            if !Self.isKebabCase(definition.name) { problem(location, "name is not kebab-case") }
            if !usedDefinitions.contains(definition.name) { problem(location, "used by no rule") }
            if definition.meaning.allSatisfy({ $0 == " " }) { problem(location, "meaning is empty") }
        }
        checkCitations("triage-rules.json: preExistingSymptoms", preExistingSymptoms.sources)
        for rule in reviewRules where rule.decision == .ready {
            problem("review-rules.json: \(rule.id)", "a rule cannot decide 'ready' (it is what no rule gives)")
        }
        // The review's symptom triage: its reason reads like a rule's, with an id of its own.
        let symptomTriage = reviewSymptomTriage
        checkRows(
            "review-rules.json",
            reviewRules.map { ($0.id, $0.explanation, $0.sources) }
                + [(symptomTriage.ruleID, symptomTriage.explanation, symptomTriage.sources)])
        let symptomTriageLocation = "review-rules.json: symptomTriage"
        if symptomTriage.postponeAtLevels.isEmpty { problem(symptomTriageLocation, "postponeAtLevels is empty") }
        if symptomTriage.hoursWhenNotGiven.isEmpty
            || !symptomTriage.hoursWhenNotGiven.allSatisfy({ (0...87_600).contains($0) })
        {
            problem(symptomTriageLocation, "hoursWhenNotGiven needs at least one number of hours from 0 to 87600")
        }
        if symptomTriage.productChoice.allSatisfy({ $0 == " " }) {
            problem(symptomTriageLocation, "productChoice is empty")
        }
        for source in sources where !cited.contains(source.id) {
            problem("sources.json: \(source.id)", "cited by no entry")
        }

        // Side effects: references, seed, steroid-only consistency, text.
        for effect in sideEffects {
            let location = "side-effects.json: \(effect.id.rawValue)"
            if effect.injections.isEmpty { problem(location, "applies to no injection type") }
            if effect.causes.isEmpty { problem(location, "has no cause") }
            if effect.requiresCorticosteroid && effect.causes != [.corticosteroid] {
                problem(location, "is steroid-only but names other causes")
            }
            if effect.seed != Self.seedSideEffects.contains(effect.id) {
                problem(
                    location,
                    effect.seed
                        ? "is marked seed but the seed article does not name it"
                        : "is named by the seed article but not marked seed")
            }
            for (field, text) in [
                ("name", effect.name), ("description", effect.description), ("onset", effect.onset),
                ("duration", effect.duration), ("frequency.figures", effect.frequency.figures),
            ]
            where text.allSatisfy({ $0 == " " || $0 == "\t" }) {
                problem(location, "\(field) is empty")
            }
            if effect.patientNotices.isEmpty { problem(location, "lists nothing the patient notices") }
            for advice in effect.selfCare {
                if advice.text.allSatisfy({ $0 == " " }) { problem(location, "a selfCare line is empty") }
                if !advice.conditions.isEmpty && !advice.unlessConditions.isEmpty {
                    problem(location, "a selfCare line names both conditions and unlessConditions")
                }
                // The catalogue shows a line for some conditions to every reader: it says whom it is for.
                let ifYou = language == "es" ? "Si " : "If you "
                if !advice.conditions.isEmpty && !advice.text.hasPrefix(ifYou) {
                    problem(
                        location,
                        "a selfCare line for some conditions begins '\(ifYou)…' (the catalogue shows it to everyone)")
                }
            }
            if let note = effect.reviewNote, note.allSatisfy({ $0 == " " }) { problem(location, "reviewNote is empty") }
        }
        for item in checklistItems where item.appliesTo.unless?.isEmpty == true {
            problem("checklist-items.json: \(item.id)", "appliesTo.unless excludes no one")
        }
        for injection in injections where sideEffects(for: injection.id).isEmpty {
            problem("injections.json: \(injection.id.rawValue)", "no side effect applies to it")
        }
        for entry in symptoms where entry.label.isEmpty || entry.description.isEmpty {
            problem("symptoms.json: \(entry.code.rawValue)", "label or description is empty")
        }
        checkChangelog(problem)
        func checkTable<Outcome>(_ file: String, _ table: RuleTable<Outcome>, rules: Set<String>) {
            for (index, row) in table.rows.enumerated() {
                if !rules.contains(row.rule) { problem("\(file): rows[\(index)]", "names unknown rule '\(row.rule)'") }
                if Self.isBlank(row.why) { problem("\(file): rows[\(index)]", "why is empty") }
            }
        }
        checkTable("triage-rule-table.json", triageRuleTable, rules: Set(triageRules.map(\.id)))
        checkTable(
            "review-rule-table.json", reviewRuleTable, rules: Set(reviewRules.map(\.id) + [reviewSymptomTriage.ruleID]))
        return problems
    }

    /// The changelog agrees with ``contentVersion``, runs newest first, and is signed off in full or not at all.
    private func checkChangelog(_ problem: (String, String) -> Void) {
        let versions = changelog.versions
        if versions.first?.version != Self.contentVersion {
            problem(
                "changelog.json",
                "the newest version is '\(versions.first?.version ?? "none")', "
                    + "but the knowledge base's content version is '\(Self.contentVersion)'")
        }
        var seen = Set<String>()
        for (index, entry) in versions.enumerated() {
            let location = "changelog.json: \(entry.version.isEmpty ? "versions[\(index)]" : entry.version)"
            if !seen.insert(entry.version).inserted { problem(location, "version listed more than once") }
            let numbers = Changelog.versionNumbers(entry.version)
            if numbers == nil { problem(location, "version is not YEAR.MONTH.N") }
            if !Changelog.isDate(entry.date) { problem(location, "date '\(entry.date)' is not a date (YYYY-MM-DD)") }
            if entry.changes.isEmpty { problem(location, "lists no change") }
            if entry.changes.contains(where: { Self.isBlank($0) }) { problem(location, "a change is empty") }
            guard index > 0 else { continue }
            let newer = versions[index - 1]
            // Newest first: the entry above is the higher version (an equal one is a repeat, reported above).
            if let numbers, let newerNumbers = Changelog.versionNumbers(newer.version), numbers != newerNumbers,
                !numbers.lexicographicallyPrecedes(newerNumbers)
            {
                problem(location, "versions are not newest first (\(newer.version) is listed before it)")
            }
            if Changelog.isDate(entry.date), Changelog.isDate(newer.date), newer.date < entry.date {
                problem(
                    location,
                    "dates are not newest first (\(newer.version) is dated \(newer.date), before \(entry.date))")
            }
        }
        let signOff = changelog.signOff
        let location = "changelog.json: signOff"
        switch (Self.isBlank(signOff.reviewedBy), Self.isBlank(signOff.reviewedOn)) {
        case (true, true): break
        case (false, true): problem(location, "reviewedBy is set but reviewedOn is empty")
        case (true, false): problem(location, "reviewedOn is set but reviewedBy is empty")
        case (false, false):
            let date = signOff.reviewedOn ?? ""
            if !Changelog.isDate(date) {
                problem(location, "reviewedOn '\(date)' is not a date (YYYY-MM-DD)")
            } else if let newest = versions.first, Changelog.isDate(newest.date), date < newest.date {
                problem(location, "reviewedOn \(date) is before the newest version \(newest.version) (\(newest.date))")
            }
        }
    }

    /// The side effects the original patient article names (marked (seed) in the clinical facts).
    public static let seedSideEffects: Set<SideEffectID> = [
        .injectionSitePain, .painFlare, .bruisingSwelling, .temporaryNumbnessWeakness, .headacheNonpositional,
        .insomniaMood, .hyperglycemia, .fluidRetentionWeightGain, .menstrualChanges, .hormonalSuppression,
        .localInfection, .nerveInjury, .allergicReaction, .boneSoftTissueWeakening,
    ]

    /// Whether every way the condition can hold passes an `hoursAtMost` test.
    static func alwaysEnds(_ condition: TriageCondition) -> Bool {
        switch condition {
        case .hoursAtMost: return true
        case .all(let children): return children.contains(where: alwaysEnds)
        case .any(let children): return !children.isEmpty && children.allSatisfy(alwaysEnds)
        case .definition(let named): return named.resolved.contains(where: alwaysEnds)
        default: return false
        }
    }

    /// Absent, empty or only spaces and tabs.
    static func isBlank(_ text: String?) -> Bool { text?.allSatisfy({ $0 == " " || $0 == "\t" }) ?? true }

    static func isKebabCase(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last, first != UInt8(ascii: "-"),
            last != UInt8(ascii: "-"), !text.contains("--")
        else { return false }
        return text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "-")
        }
    }
}

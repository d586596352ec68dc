/// The guided interview: of the facts a triage request does not give, which
/// ones could make the answer more urgent, as questions for the patient.
///
/// A fact is a symptom not yet reported or denied, the severity of a reported
/// symptom given without one, or a reading not given. Each rule more urgent
/// than the answer that has not matched is read with three values: a test of a
/// given fact is true or false, a test of a missing fact is open. A rule whose
/// condition is open could still match; its open facts are worth asking, and
/// each would raise the answer at most to the rule's level. Nothing is assumed
/// about a missing fact: it is asked, or, when the patient cannot answer it
/// (`unknown`), left out of the questions (and the rule does not match).
///
/// Below contact-provider, the engine's reason for a symptom that no rule
/// explains (contact-provider) counts too: every symptom not yet reported or
/// denied, and the severity of each reported one given without it, is asked.
///
/// `complete` is true when no rule more urgent than the answer is open: no
/// answer to any question left could change the level. A portal that asks the
/// questions and sends each answer back reaches, by this definition, an answer
/// as urgent as the one the whole story would have given (the rules' tests of
/// symptoms and readings only ever turn true as facts are added, and every rule
/// that the whole story matches stays open until it matches or its level is reached).
public struct TriageInterview: Sendable, Hashable {
    /// What the patient said they do not have, and which questions they cannot answer.
    public struct Answers: Sendable, Hashable {
        public var absentSymptoms: Set<Symptom>
        /// Question ids (``Question/id``).
        public var unknown: Set<String>

        /// The patient said they have no symptom other than those reported
        /// (the answer no to ``Fact/otherSymptoms``): every other symptom is absent.
        public var noOtherSymptoms: Bool

        public init(absentSymptoms: Set<Symptom> = [], unknown: Set<String> = [], noOtherSymptoms: Bool = false) {
            self.absentSymptoms = absentSymptoms
            self.unknown = unknown
            self.noOtherSymptoms = noOtherSymptoms
        }
    }

    /// A reading the request can carry.
    public enum Reading: String, Sendable, Hashable, CaseIterable, Codable {
        case temperatureC, bloodGlucoseMgDl, systolicBloodPressure

        /// The same readings' fields in the other common unit, which a clinic
        /// profile may ask in: accepted as question ids too.
        public static let inOtherUnit: [String: Reading] = [
            "temperatureF": .temperatureC, "bloodGlucoseMmolL": .bloodGlucoseMgDl,
        ]
    }

    /// A fact the request does not give.
    public enum Fact: Sendable, Hashable {
        /// Whether the patient has the symptom (yes or no).
        case symptom(Symptom)
        /// How bad a reported symptom is (mild, moderate or severe).
        case severity(Symptom)
        /// A number.
        case reading(Reading)
        /// Which of these symptoms, all of one group of the contract (`nerves`,
        /// `allergy`...), the patient has: any, or none. Asked in place of each
        /// one when more than one of a group is open.
        case anyOf(group: String, symptoms: [Symptom])
        /// Whether the patient has any symptom not yet reported: asked once, in
        /// place of each one, when no answer left could make the level more
        /// urgent than contact-provider (the red flags are asked one by one first).
        case otherSymptoms

        /// Stable: the symptom code, `<code>/severity`, or the request field of the reading.
        public var id: String {
            switch self {
            case .symptom(let code): code.rawValue
            case .severity(let code): code.rawValue + "/severity"
            case .reading(let reading): reading.rawValue
            case .otherSymptoms: Self.otherSymptomsID
            case .anyOf(let group, _): Self.anyOfPrefix + group
            }
        }

        /// The ids of ``anyOf(group:symptoms:)`` start with this, then the group.
        public static let anyOfPrefix = "any-of:"

        /// The id of ``otherSymptoms``.
        public static let otherSymptomsID = "other-symptoms"

        /// Parses an ``id`` (a reading's field in the other unit names the same reading).
        public init?(id: String) {
            if let code = Symptom(rawValue: id) {
                self = .symptom(code)
            } else if id.hasSuffix("/severity"), let code = Symptom(rawValue: String(id.dropLast(9))) {
                self = .severity(code)
            } else if let reading = Reading(rawValue: id) ?? Reading.inOtherUnit[id] {
                self = .reading(reading)
            } else if id == Self.otherSymptomsID {
                self = .otherSymptoms
            } else if id.hasPrefix(Self.anyOfPrefix), id.count > Self.anyOfPrefix.count {
                // The group's symptoms are the knowledge base's to say (an unknown group closes none).
                self = .anyOf(group: String(id.dropFirst(Self.anyOfPrefix.count)), symptoms: [])
            } else {
                return nil
            }
        }
    }

    /// One question: the fact it fills, the most urgent level its answer could
    /// lead to, and how many rules it could help match.
    public struct Question: Sendable, Hashable {
        public var fact: Fact
        public var wouldRaiseTo: TriageLevel
        public var rules: Int
        public var id: String { fact.id }
    }

    /// Most urgent first (the level each could raise the answer to, then how
    /// many rules it could complete, then the contract's order of facts); at
    /// most the limit given.
    public var questions: [Question]
    /// No single answer left could make the level more urgent.
    public var complete: Bool
}

/// Facts as bits: each symptom's presence and each one's severity by the
/// symptom's ordinal (fewer than 64 symptoms, which a test checks), and the
/// readings. Numbered as one list (``index(_:)``): every presence, then every
/// severity, then the readings. Reading a rule allocates nothing.
private struct FactSet {
    var presence: UInt64 = 0
    var severity: UInt64 = 0
    var readings: UInt64 = 0

    static let symptoms = Symptom.allCases.count
    static let size = 2 * symptoms + TriageInterview.Reading.allCases.count

    static func index(_ fact: TriageInterview.Fact) -> Int {
        switch fact {
        case .symptom(let code): code.ordinal
        case .severity(let code): symptoms + code.ordinal
        case .reading(let reading): 2 * symptoms + (TriageInterview.Reading.allCases.firstIndex(of: reading) ?? 0)
        // Not facts of the rules: they stand for symptom-presence facts.
        case .otherSymptoms, .anyOf: -1
        }
    }

    static func fact(at index: Int) -> TriageInterview.Fact {
        if index < symptoms { return .symptom(Symptom.allCases[index]) }
        if index < 2 * symptoms { return .severity(Symptom.allCases[index - symptoms]) }
        return .reading(TriageInterview.Reading.allCases[index - 2 * symptoms])
    }

    init() {}

    init(_ fact: TriageInterview.Fact) {
        let index = Self.index(fact)
        if index >= 0 { insert(index) }
    }

    var isEmpty: Bool { presence | severity | readings == 0 }

    mutating func formUnion(_ other: FactSet) {
        presence |= other.presence
        severity |= other.severity
        readings |= other.readings
    }

    mutating func insert(_ index: Int) {
        if index < Self.symptoms {
            presence |= 1 << UInt64(index)
        } else if index < 2 * Self.symptoms {
            severity |= 1 << UInt64(index - Self.symptoms)
        } else {
            readings |= 1 << UInt64(index - 2 * Self.symptoms)
        }
    }

    func contains(_ index: Int) -> Bool {
        if index < Self.symptoms { return presence & (1 << UInt64(index)) != 0 }
        if index < 2 * Self.symptoms { return severity & (1 << UInt64(index - Self.symptoms)) != 0 }
        return readings & (1 << UInt64(index - 2 * Self.symptoms)) != 0
    }

    /// Calls `body` with the index of each fact in the set, in order.
    func forEachIndex(_ body: (Int) -> Void) {
        func each(_ word: UInt64, from offset: Int) {
            var bits = word
            while bits != 0 {
                body(offset + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        each(presence, from: 0)
        each(severity, from: Self.symptoms)
        each(readings, from: 2 * Self.symptoms)
    }
}

/// A question before it is written out: what it could raise the answer to,
/// how many rules it serves, and which it is. Plain values: picking the first
/// few of many copies no symptom list.
private struct Candidate {
    enum Kind {
        /// A group of the contract, by its index (``KnowledgeBase/symptomGroups``).
        case group(Int)
        /// A fact, by its index in ``FactSet``.
        case fact(Int)
        case otherSymptoms
    }

    var wouldRaiseTo: TriageLevel
    var rules: Int
    var kind: Kind
}

/// A condition read with three values.
private enum Truth {
    case no
    case yes
    /// Could hold, depending on facts (which the reading adds to its set).
    case open
}

extension TriageEngine {
    /// The interview for `request`, whose triage answer is at `level`.
    public func interview(
        _ request: TriageRequest, answers: TriageInterview.Answers, level: TriageLevel, limit: Int = 5
    ) -> TriageInterview {
        var resolved = request
        resolved.resolveMedications(defaults: knowledgeBase.injection(request.injection)?.defaultMedications ?? [])
        // The facts that will not be asked: denied symptoms and questions the patient cannot answer.
        var closed = FactSet()
        for code in answers.absentSymptoms { closed.formUnion(FactSet(.symptom(code))) }
        for id in answers.unknown { if let fact = TriageInterview.Fact(id: id) { closed.formUnion(FactSet(fact)) } }
        for id in answers.unknown where id.hasPrefix(TriageInterview.Fact.anyOfPrefix) {
            let group = id.dropFirst(TriageInterview.Fact.anyOfPrefix.count)
            for entry in knowledgeBase.symptoms where entry.group == group { closed.insert(entry.code.ordinal) }
        }
        if answers.noOtherSymptoms {
            for code in Symptom.allCases where resolved.report(for: code) == nil { closed.insert(code.ordinal) }
        }
        // Per fact (by bit index): the most urgent level it could lead to, and how many rules it serves.
        var levels = [TriageLevel?](repeating: nil, count: FactSet.size)
        var rules = [Int](repeating: 0, count: FactSet.size)
        let known = RequestFacts(resolved)
        compiled.nodes.withUnsafeBufferPointer { nodes in
            for rule in compiled.level.indices where compiled.level[rule] < level {
                // A failed test of a fact no answer changes (time, region, injection...) closes the rule.
                guard CompiledCondition.holds(nodes, Int(compiled.context[rule]), known) else { continue }
                let ruleLevel = compiled.level[rule]
                var facts = FactSet()
                guard Self.truth(nodes, Int(compiled.condition[rule]), known, closed, &facts) == .open else {
                    continue
                }
                facts.forEachIndex { index in
                    levels[index] = min(levels[index] ?? ruleLevel, ruleLevel)
                    rules[index] += 1
                }
            }
        }
        // Below contact-provider, a symptom that no matched rule explains would
        // itself raise the answer (the engine's unexplained-symptom reason), and
        // so could a reported symptom turning out severe (a self-care rule may
        // hold only while it is not): every such fact not yet asked is a question.
        if TriageLevel.contactProvider < level {
            for code in Symptom.allCases {
                let report = resolved.report(for: code)
                if report?.severity != nil { continue }
                let index = FactSet.index(report == nil ? .symptom(code) : .severity(code))
                guard !closed.contains(index), levels[index] == nil else { continue }
                levels[index] = .contactProvider
            }
        }
        // Once no answer could make the level more urgent than contact-provider
        // (the emergency and urgent signs have each been asked), the symptoms
        // not yet asked are one question, "any other symptom?", when there are
        // more of them than one round asks (unless the patient cannot answer it).
        var otherSymptoms: TriageInterview.Question?
        let presence = 0..<FactSet.symptoms
        let openPresence = presence.filter { levels[$0] != nil }.count
        if !answers.noOtherSymptoms, !answers.unknown.contains(TriageInterview.Fact.otherSymptomsID),
            openPresence >= limit, levels.allSatisfy({ $0.map { $0 >= .contactProvider } ?? true })
        {
            otherSymptoms = TriageInterview.Question(
                fact: .otherSymptoms, wouldRaiseTo: .contactProvider, rules: openPresence)
            for index in presence { levels[index] = nil }
        }
        // More than one open symptom of a group of the contract (`nerves`,
        // `allergy`...) is one question, "any of these?", at the most urgent
        // level one of them could lead to: a patient answers a group at once.
        var members = [FactSet](repeating: FactSet(), count: knowledgeBase.symptomGroups.count)
        var counts = [Int](repeating: 0, count: knowledgeBase.symptomGroups.count)
        var order: [Int] = []
        for index in presence where levels[index] != nil {
            let group = knowledgeBase.symptomGroupIndex[index]
            if counts[group] == 0 { order.append(group) }
            members[group].insert(index)
            counts[group] += 1
        }
        var groups: [Candidate] = []
        for group in order where counts[group] > 1 {
            var wouldRaiseTo = TriageLevel.selfCare
            var served = 0
            members[group].forEachIndex { index in
                if let level = levels[index] { wouldRaiseTo = min(wouldRaiseTo, level) }
                served += rules[index]
                levels[index] = nil
            }
            groups.append(Candidate(wouldRaiseTo: wouldRaiseTo, rules: served, kind: .group(group)))
        }
        // Ties keep the contract's order of facts (the bit order: each symptom's
        // presence, then each one's severity, then the readings).
        // The first `limit` by (level, rules served, fact order), picked by
        // insertion: no sort of all, and only those chosen become questions.
        var chosen: [Candidate] = []
        chosen.reserveCapacity(limit + 1)
        if let otherSymptoms {
            chosen.append(
                Candidate(wouldRaiseTo: otherSymptoms.wouldRaiseTo, rules: otherSymptoms.rules, kind: .otherSymptoms))
        }
        var any = otherSymptoms != nil
        func before(_ lhs: Candidate, _ rhs: Candidate) -> Bool {
            if lhs.wouldRaiseTo != rhs.wouldRaiseTo { return lhs.wouldRaiseTo < rhs.wouldRaiseTo }
            return lhs.rules > rhs.rules  // ties keep the fact order: facts come in it
        }
        func consider(_ candidate: Candidate) {
            any = true
            guard chosen.count < limit || chosen.last.map({ before(candidate, $0) }) == true else { return }
            let position = chosen.firstIndex { before(candidate, $0) } ?? chosen.endIndex
            chosen.insert(candidate, at: position)
            if chosen.count > limit { chosen.removeLast() }
        }
        for candidate in groups { consider(candidate) }
        for index in 0..<FactSet.size {
            guard let wouldRaiseTo = levels[index] else { continue }
            consider(Candidate(wouldRaiseTo: wouldRaiseTo, rules: rules[index], kind: .fact(index)))
        }
        let questions = chosen.map { candidate in
            let fact: TriageInterview.Fact
            switch candidate.kind {
            case .otherSymptoms:
                fact = .otherSymptoms
            case .fact(let index):
                fact = FactSet.fact(at: index)
            case .group(let group):
                var symptoms: [Symptom] = []
                symptoms.reserveCapacity(counts[group])
                members[group].forEachIndex { symptoms.append(Symptom.allCases[$0]) }
                fact = .anyOf(group: knowledgeBase.symptomGroups[group], symptoms: symptoms)
            }
            return TriageInterview.Question(fact: fact, wouldRaiseTo: candidate.wouldRaiseTo, rules: candidate.rules)
        }
        return TriageInterview(questions: questions, complete: !any)
    }

    /// A compiled condition read with three values: a test of a fact the
    /// request gives is true or false; a test of a missing fact is open, unless
    /// the fact is `closed` (denied, or the patient cannot answer it): then it
    /// cannot count. Reported symptoms are judged by the test; a severity test
    /// of a reported symptom given without one is open on its severity. When
    /// open, the facts it depends on are added to `open` (which is otherwise
    /// left as it was).
    private static func truth(
        _ nodes: UnsafeBufferPointer<CompiledCondition.Node>, _ index: Int, _ facts: RequestFacts,
        _ closed: FactSet, _ open: inout FactSet
    ) -> Truth {
        let node = nodes[index]
        func anySymptom(matching: UInt64, severityMatters: Bool = false) -> Truth {
            if matching & node.mask != 0 { return .yes }
            let presence = node.mask & ~facts.present & ~closed.presence
            let severity =
                severityMatters ? node.mask & facts.present & ~facts.severityKnown & ~closed.severity : 0
            if presence | severity == 0 { return .no }
            open.presence |= presence
            open.severity |= severity
            return .open
        }
        func reading(_ value: Double?, _ reading: TriageInterview.Reading) -> Truth {
            if value != nil { return CompiledCondition.holds(nodes, index, facts) ? .yes : .no }
            let fact = FactSet.index(.reading(reading))
            if closed.contains(fact) { return .no }
            open.insert(fact)
            return .open
        }
        switch node.kind {
        case .all:
            // A child that fails takes back what open children added.
            let before = open
            var result = Truth.yes
            for child in Int(node.first)..<Int(node.first + node.count) {
                switch truth(nodes, child, facts, closed, &open) {
                case .no:
                    open = before
                    return .no
                case .yes: continue
                case .open: result = .open
                }
            }
            return result
        case .any:
            // A child that holds takes back what open children added.
            let before = open
            var result = Truth.no
            for child in Int(node.first)..<Int(node.first + node.count) {
                switch truth(nodes, child, facts, closed, &open) {
                case .no: continue
                case .yes:
                    open = before
                    return .yes
                case .open: result = .open
                }
            }
            return result
        case .anySymptom: return anySymptom(matching: facts.present)
        case .allSymptoms:
            // Every one must come: one denied closes it.
            if node.mask & ~facts.present & closed.presence != 0 { return .no }
            let missing = node.mask & ~facts.present
            if missing == 0 { return .yes }
            open.presence |= missing
            return .open
        case .anySevere: return anySymptom(matching: facts.severe, severityMatters: true)
        case .anySevereOrWorsening: return anySymptom(matching: facts.severe | facts.worsening, severityMatters: true)
        case .anyWorsening: return anySymptom(matching: facts.worsening)
        case .anySteady: return anySymptom(matching: facts.present & ~facts.worsening)
        case .anyNotSevere: return anySymptom(matching: facts.present & ~facts.severe)
        case .temperatureAtLeast: return reading(facts.temperatureC, .temperatureC)
        case .glucoseAtLeast, .glucoseBelow: return reading(facts.bloodGlucoseMgDl, .bloodGlucoseMgDl)
        case .systolicAtLeast, .systolicBelow: return reading(facts.systolicBloodPressure, .systolicBloodPressure)
        default:
            // Time, region, injection, medications, sedation, conditions, the steroid count:
            // facts of the request, not of the patient's answers.
            return CompiledCondition.holds(nodes, index, facts) ? .yes : .no
        }
    }
}

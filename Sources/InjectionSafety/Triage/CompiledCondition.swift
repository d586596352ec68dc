/// A request's facts as bit masks, worked out once per request: each symptom
/// is one bit (by ``Symptom/ordinal``; fewer than 64, which a test checks), and
/// so is each code of the other vocabularies a condition tests.
struct RequestFacts {
    var present: UInt64 = 0
    var severe: UInt64 = 0
    /// Reported with a severity.
    var severityKnown: UInt64 = 0
    var worsening: UInt64 = 0
    var conditions: UInt64 = 0
    var medications: UInt64 = 0
    var injection: UInt64 = 0
    /// 0 when not given.
    var approach: UInt64 = 0
    var region: UInt64 = 0
    var injectedRegion: UInt64 = 0
    var sedated = false
    var hours: Double
    var temperatureC: Double?
    var bloodGlucoseMgDl: Double?
    var systolicBloodPressure: Double?
    var steroidInjections: Int

    init(_ request: TriageRequest) {
        for report in request.symptoms {
            guard let merged = request.report(for: report.code) else { continue }
            let bit = Self.bit(report.code)
            present |= bit
            if merged.severity == .severe { severe |= bit }
            if merged.severity != nil { severityKnown |= bit }
            if merged.worsening { worsening |= bit }
        }
        for condition in request.conditions { conditions |= Self.bit(condition) }
        for medication in request.medicationsGiven { medications |= Self.bit(medication) }
        injection = Self.bit(request.injection)
        approach = request.approach.map(Self.bit) ?? 0
        region = request.region.map(Self.bit) ?? 0
        injectedRegion = request.injectedRegion.map(Self.bit) ?? 0
        sedated = request.sedation == true
        hours = request.hoursSinceInjection
        temperatureC = request.temperatureC
        bloodGlucoseMgDl = request.bloodGlucoseMgDl
        systolicBloodPressure = request.systolicBloodPressure
        steroidInjections = request.steroidInjectionsPast12Months ?? 0
    }

    static func bit<Code: ContractCode>(_ code: Code) -> UInt64 { 1 << UInt64(code.ordinal) }

    static func mask<Code: ContractCode>(_ codes: [Code]) -> UInt64 { codes.reduce(0) { $0 | bit($1) } }
}

/// A ``TriageCondition`` compiled once into flat nodes over ``RequestFacts``:
/// the engine and the interview read every rule for every request, and a walk
/// of the enum tree cost a retain and a release per node. The tree stays the
/// definition (``TriageCondition/holds(for:)``); a test checks that both agree
/// on every rule for generated requests.
struct CompiledCondition: Sendable {
    enum Kind: UInt8, Sendable {
        case all, any, never
        case anySymptom, allSymptoms, anySevere, anyWorsening, anySevereOrWorsening, anySteady, anyNotSevere
        case hoursAtMost, hoursAbove, temperatureAtLeast, glucoseAtLeast, systolicAtLeast, glucoseBelow, systolicBelow
        case steroidInjectionsAbove, anyCondition, medicationGiven, medicationNotGiven, injectionIn, approachIn
        case regionMayBe, regionIs, regionIsNot, sedated
    }

    /// A node: its test's codes as a mask, its number, or (`all`, `any`) where
    /// its children are (`count` nodes from `first`).
    struct Node: Sendable {
        var kind: Kind
        var mask: UInt64 = 0
        var value: Double = 0
        var first: Int32 = 0
        var count: Int32 = 0
    }

    /// The root is the first node; the children of a node are next to each other.
    let nodes: [Node]

    init(_ condition: TriageCondition) {
        var nodes: [Node] = []
        _ = Self.append(condition, to: &nodes)
        self.nodes = nodes
    }

    /// Compiles `condition` at the end of `nodes`; returns its root's index.
    static func append(_ condition: TriageCondition, to nodes: inout [Node]) -> Int32 {
        let root = nodes.count
        nodes.append(Node(kind: .never))
        emit(condition, at: root, into: &nodes)
        return Int32(root)
    }

    private static func emit(_ condition: TriageCondition, at slot: Int, into nodes: inout [Node]) {
        func children(_ kind: Kind, _ list: [TriageCondition]) {
            let first = nodes.count
            nodes[slot] = Node(kind: kind, first: Int32(first), count: Int32(list.count))
            nodes.append(contentsOf: repeatElement(Node(kind: .never), count: list.count))
            for (offset, child) in list.enumerated() { emit(child, at: first + offset, into: &nodes) }
        }
        func codes(_ kind: Kind, _ mask: UInt64) { nodes[slot] = Node(kind: kind, mask: mask) }
        func number(_ kind: Kind, _ value: Double) { nodes[slot] = Node(kind: kind, value: value) }
        switch condition {
        case .all(let list): children(.all, list)
        case .any(let list): children(.any, list)
        case .definition(let named):
            if let resolved = named.resolved.first { emit(resolved, at: slot, into: &nodes) }  // else never
        case .anySymptom(let list): codes(.anySymptom, RequestFacts.mask(list))
        case .allSymptoms(let list): codes(.allSymptoms, RequestFacts.mask(list))
        case .anySevere(let list): codes(.anySevere, RequestFacts.mask(list))
        case .anyWorsening(let list): codes(.anyWorsening, RequestFacts.mask(list))
        case .anySevereOrWorsening(let list): codes(.anySevereOrWorsening, RequestFacts.mask(list))
        case .anySteady(let list): codes(.anySteady, RequestFacts.mask(list))
        case .anyNotSevere(let list): codes(.anyNotSevere, RequestFacts.mask(list))
        case .hoursAtMost(let value): number(.hoursAtMost, value)
        case .hoursAbove(let value): number(.hoursAbove, value)
        case .temperatureAtLeast(let value): number(.temperatureAtLeast, value)
        case .glucoseAtLeast(let value): number(.glucoseAtLeast, value)
        case .systolicAtLeast(let value): number(.systolicAtLeast, value)
        case .glucoseBelow(let value): number(.glucoseBelow, value)
        case .systolicBelow(let value): number(.systolicBelow, value)
        case .steroidInjectionsAbove(let count): number(.steroidInjectionsAbove, Double(count))
        case .anyCondition(let list): codes(.anyCondition, RequestFacts.mask(list))
        case .medicationGiven(let list): codes(.medicationGiven, RequestFacts.mask(list))
        case .medicationNotGiven(let list): codes(.medicationNotGiven, RequestFacts.mask(list))
        case .injectionIn(let list): codes(.injectionIn, RequestFacts.mask(list))
        case .approachIn(let list): codes(.approachIn, RequestFacts.mask(list))
        case .regionMayBe(let list): codes(.regionMayBe, RequestFacts.mask(list))
        case .regionIs(let list): codes(.regionIs, RequestFacts.mask(list))
        case .regionIsNot(let list): codes(.regionIsNot, RequestFacts.mask(list))
        case .sedated(let flag): number(.sedated, flag ? 1 : 0)
        }
    }

    func holds(_ facts: RequestFacts) -> Bool {
        nodes.withUnsafeBufferPointer { Self.holds($0, 0, facts) }
    }

    static func holds(_ nodes: UnsafeBufferPointer<Node>, _ index: Int, _ facts: RequestFacts) -> Bool {
        let node = nodes[index]
        switch node.kind {
        case .all:
            for child in Int(node.first)..<Int(node.first + node.count) where !holds(nodes, child, facts) {
                return false
            }
            return true
        case .any:
            for child in Int(node.first)..<Int(node.first + node.count) where holds(nodes, child, facts) {
                return true
            }
            return false
        case .never: return false
        case .anySymptom: return facts.present & node.mask != 0
        case .allSymptoms: return facts.present & node.mask == node.mask
        case .anySevere: return facts.severe & node.mask != 0
        case .anyWorsening: return facts.worsening & node.mask != 0
        case .anySevereOrWorsening: return (facts.severe | facts.worsening) & node.mask != 0
        case .anySteady: return facts.present & ~facts.worsening & node.mask != 0
        case .anyNotSevere: return facts.present & ~facts.severe & node.mask != 0
        case .hoursAtMost: return facts.hours <= node.value
        case .hoursAbove: return facts.hours > node.value
        case .temperatureAtLeast: return (facts.temperatureC ?? -.infinity) >= node.value
        case .glucoseAtLeast: return (facts.bloodGlucoseMgDl ?? -.infinity) >= node.value
        case .systolicAtLeast: return (facts.systolicBloodPressure ?? -.infinity) >= node.value
        case .glucoseBelow: return (facts.bloodGlucoseMgDl ?? .infinity) < node.value
        case .systolicBelow: return (facts.systolicBloodPressure ?? .infinity) < node.value
        case .steroidInjectionsAbove: return Double(facts.steroidInjections) > node.value
        case .anyCondition: return facts.conditions & node.mask != 0
        case .medicationGiven: return facts.medications & node.mask != 0
        case .medicationNotGiven: return facts.medications & node.mask == 0
        case .injectionIn: return facts.injection & node.mask != 0
        case .approachIn: return facts.approach & node.mask != 0
        case .regionMayBe: return facts.region == 0 || facts.region & node.mask != 0
        case .regionIs: return facts.injectedRegion & node.mask != 0
        case .regionIsNot: return facts.injectedRegion & node.mask == 0
        case .sedated: return facts.sedated == (node.value != 0)
        }
    }
}

/// Every triage rule's condition and its tests of fixed facts, compiled into
/// one node array, with each rule's level and required symptoms beside it (by
/// rule index): reading all of them for a request touches no reference count.
struct CompiledRules: Sendable {
    private(set) var nodes: [CompiledCondition.Node] = []
    /// Roots in ``nodes``: each rule's condition; all its tests of facts that
    /// no symptom or reading changes; and those without the windows that end.
    private(set) var condition: [Int32] = []
    private(set) var context: [Int32] = []
    private(set) var contextWithoutWindows: [Int32] = []
    private(set) var level: [TriageLevel] = []
    /// Symptoms of which one must be reported for the rule to match; 0 when it
    /// can match without any (on a reading alone).
    private(set) var requiredSymptoms: [UInt64] = []

    mutating func append(
        _ rule: TriageRule, contextTests: [TriageCondition], requiredSymptoms required: [Symptom]?
    ) {
        condition.append(CompiledCondition.append(rule.when, to: &nodes))
        context.append(CompiledCondition.append(.all(contextTests), to: &nodes))
        let lasting = contextTests.filter {
            if case .hoursAtMost = $0 { return false }
            return true
        }
        contextWithoutWindows.append(CompiledCondition.append(.all(lasting), to: &nodes))
        level.append(rule.level)
        requiredSymptoms.append(required.map { RequestFacts.mask($0) } ?? 0)
    }

    /// Whether the condition rooted at `root` (one of ``condition``, ``context``,
    /// ``contextWithoutWindows``) holds. A loop over many rules reads ``nodes``
    /// through one buffer instead.
    func holds(_ root: Int32, _ facts: RequestFacts) -> Bool {
        nodes.withUnsafeBufferPointer { CompiledCondition.holds($0, Int(root), facts) }
    }

    /// Whether rule `index` can hold at all given its required symptoms.
    func mayHold(_ index: Int, _ facts: RequestFacts) -> Bool {
        requiredSymptoms[index] == 0 || facts.present & requiredSymptoms[index] != 0
    }
}

import Testing

@testable import InjectionSafety

/// The compiled conditions the engine and the interview read say what the
/// rule trees say (``TriageCondition/holds(for:)`` is the definition), and the
/// laid-out facts of a reason are those of ``TriageEngine/facts(_:_:)``.
struct CompiledConditionTests {
    static let knowledgeBase = TriageEngineTests.engine.knowledgeBase

    /// Every condition of the knowledge base: the triage rules, the shared
    /// definitions, and the warning signs' own tests.
    static let conditions: [(name: String, condition: TriageCondition)] = {
        let base = knowledgeBase
        var all = base.triageRules.map { ("rule \($0.id)", $0.when) }
        all += base.triageDefinitions.map { ("definition \($0.name)", $0.when) }
        for part in base.warningSigns.flatMap(\.parts) {
            if let when = part.when { all.append(("sign \(part.id) when", when)) }
            if let unless = part.unless { all.append(("sign \(part.id) unless", unless)) }
        }
        return all
    }()

    /// Codes and masks need a bit per code: every vocabulary a condition tests has fewer than 64.
    @Test func everyVocabularyFitsItsMask() {
        #expect(Symptom.allCases.count <= 64)
        #expect(Condition.allCases.count <= 64)
        #expect(Medication.allCases.count <= 64)
        #expect(InjectionType.allCases.count <= 64)
        #expect(Approach.allCases.count <= 64)
        #expect(SpinalRegion.allCases.count <= 64)
    }

    /// Generated requests (a fixed seed): half of them report symptoms a rule
    /// tests, so that every rule is read on both sides.
    @Test func compiledConditionsAgreeWithTheTrees() {
        var generator = TriageEngineTests.SplitMix64(state: 20_261_205)
        let compiled = Self.conditions.map { CompiledCondition($0.condition) }
        let laidOut = Self.conditions.map { RuleFacts($0.condition) }
        var held = [Int](repeating: 0, count: compiled.count)
        for round in 0..<4000 {
            var request = TriageEngineTests.randomRequest(&generator)
            if round % 2 == 0 {
                let (_, condition) = Self.conditions.randomElement(using: &generator)!
                request.symptoms += condition.symptoms.sorted().filter { _ in Bool.random(using: &generator) }.map {
                    TriageRequest.SymptomReport(
                        $0,
                        severity: Bool.random(using: &generator)
                            ? TriageRequest.Severity.allCases.randomElement(using: &generator) : nil,
                        worsening: Bool.random(using: &generator))
                }
            }
            request.resolveMedications(
                defaults: Self.knowledgeBase.injection(request.injection)?.defaultMedications ?? [])
            let facts = RequestFacts(request)
            for (index, entry) in Self.conditions.enumerated() {
                let expected = entry.condition.holds(for: request)
                #expect(compiled[index].holds(facts) == expected, "\(entry.name): \(request)")
                // The facts a reason states, laid out once, are those of the tree.
                #expect(
                    laidOut[index].facts(request, facts) == TriageEngine.facts(entry.condition, request),
                    "\(entry.name): \(request)")
                if expected { held[index] += 1 }
            }
        }
        // The requests reached every rule: each one held at least once.
        let neverHeld = Self.conditions.indices.filter { held[$0] == 0 && Self.conditions[$0].name.hasPrefix("rule ") }
        #expect(neverHeld.isEmpty, "never held: \(neverHeld.map { Self.conditions[$0].name })")
    }
}

import Testing

@testable import InjectionSafety

/// Personalised checklists and the readiness review over the shipped data.
struct ChecklistBuilderTests {
    static let knowledgeBase: KnowledgeBase = {
        do { return try KnowledgeBase.bundled() } catch { fatalError("\(error)") }
    }()
    static let builder = ChecklistBuilder(knowledgeBase: knowledgeBase)

    typealias Patient = ChecklistBuilder.Patient

    /// An item is on the list exactly when it is for everyone or one of its codes matches.
    @Test(arguments: ChecklistPhase.allCases)
    func itemsAppearExactlyWhenTheyApply(_ phase: ChecklistPhase) {
        let patients = [
            Patient(injection: .facetJoint),
            Patient(injection: .epiduralSteroid, approach: .transforaminal, conditions: [.diabetes, .anticoagulant]),
            Patient(injection: .triggerPoint, conditions: [.pregnant], sedation: true),
            Patient(injection: .medialBranchBlock, medications: [.localAnesthetic], conditions: [.glaucoma, .heartFailure]),
        ]
        for patient in patients {
            let list = Self.builder.checklist(phase, for: patient)
            let medications = Self.builder.medicationsGiven(patient)
            for item in Self.knowledgeBase.checklistItems where item.phase == phase {
                let applies = item.appliesTo.isEveryone || item.appliesTo.injections.contains(patient.injection)
                    || item.appliesTo.medications.contains(where: medications.contains)
                    || item.appliesTo.conditions.contains(where: patient.conditions.contains)
                    || (item.appliesTo.sedation && patient.sedation)
                let listed = list.first { $0.id == item.id }
                #expect((listed != nil) == applies, "\(item.id) for \(patient)")
                if let listed { #expect(listed.because.isEmpty == item.appliesTo.isEveryone, "\(item.id)") }
            }
            #expect(list.allSatisfy { $0.phase == phase })
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.category <= $1.category })
        }
    }

    @Test func conditionItemsSayWhichConditionPutThemThere() throws {
        let list = Self.builder.checklist(.preProcedure, for: Patient(injection: .facetJoint, conditions: [.diabetes]))
        let diabetes = list.filter { $0.because.contains("diabetes") }
        #expect(!diabetes.isEmpty)
        let plain = Self.builder.checklist(.preProcedure, for: Patient(injection: .facetJoint))
        #expect(plain.allSatisfy { !$0.because.contains("diabetes") })
        #expect(plain.count < list.count)
    }

    /// Warning signs after the procedure come from the triage rules, not a second copy.
    @Test func postProcedureWarningSignsComeFromTheTriageRules() {
        let list = Self.builder.checklist(.postProcedure, for: Patient(injection: .epiduralSteroid))
        let warnings = list.filter { $0.category == .whenToCall }
        let signs = Set(Self.knowledgeBase.triageRules.filter { $0.level != .selfCare }.compactMap(\.warningSign))
        #expect(!warnings.isEmpty)
        #expect(warnings.allSatisfy { item in signs.contains { item.text.hasSuffix($0) } })
        #expect(warnings.contains { $0.text.hasPrefix("Call your local emergency number now") })
        #expect(Self.knowledgeBase.checklistItems.allSatisfy { $0.category != .whenToCall || $0.phase != .postProcedure })
    }

    // MARK: - Review

    func decision(
        _ injection: InjectionType = .facetJoint, temperature: Double? = nil, glucose: Double? = nil, steroids: Int? = nil,
        conditions: Set<Condition> = [], symptoms: [Symptom] = []
    ) -> ReviewDecision {
        Self.builder.review(
            TriageRequest(
                injection: injection, hoursSinceInjection: 0, symptoms: symptoms.map { .init($0) }, temperatureC: temperature,
                bloodGlucoseMgDl: glucose, steroidInjectionsPast12Months: steroids, conditions: conditions)
        ).decision
    }

    @Test func readyWhenNothingStandsInTheWay() {
        #expect(decision() == .ready)
        #expect(decision(temperature: 37.9) == .ready)
    }

    @Test func postponeForFeverInfectionBleedingDisorderAndPregnancy() {
        #expect(decision(temperature: 38.0) == .postpone)
        #expect(decision(symptoms: [.fever]) == .postpone)
        #expect(decision(conditions: [.activeInfection]) == .postpone)
        #expect(decision(conditions: [.bleedingDisorder]) == .postpone)
        #expect(decision(.epiduralSteroid, conditions: [.pregnant]) == .postpone)
        #expect(decision(glucose: 299) != .postpone)
        #expect(decision(glucose: 300) == .postpone)
    }

    @Test func discussForBloodThinnersDiabetesAllergiesAndRepeats() {
        #expect(decision(conditions: [.anticoagulant]) == .discussWithProvider)
        #expect(decision(conditions: [.antiplatelet]) == .discussWithProvider)
        #expect(decision(glucose: 200, conditions: [.diabetes]) == .discussWithProvider)
        #expect(decision(glucose: 199) == .ready)
        #expect(decision(conditions: [.contrastAllergy]) == .discussWithProvider)
        #expect(decision(conditions: [.immunosuppressed]) == .discussWithProvider)
        #expect(decision(steroids: 4) == .ready)
        #expect(decision(steroids: 5) == .discussWithProvider)
    }

    @Test func theMostCautiousDecisionWins() {
        let review = Self.builder.review(
            TriageRequest(injection: .facetJoint, hoursSinceInjection: 0, temperatureC: 38.5, conditions: [.anticoagulant]))
        #expect(review.decision == .postpone)
        #expect(review.reasons.contains { $0.decision == .discussWithProvider })
        #expect(review.reasons.first?.decision == .postpone)
        #expect(review.items.allSatisfy { $0.phase == .preProcedure })
    }
}

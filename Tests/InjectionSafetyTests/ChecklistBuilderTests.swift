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
            Patient(
                injection: .medialBranchBlock, medications: [.localAnesthetic], conditions: [.glaucoma, .heartFailure]),
        ]
        for patient in patients {
            let list = Self.builder.checklist(phase, for: patient)
            let medications = Self.builder.medicationsGiven(patient)
            for item in Self.knowledgeBase.checklistItems where item.phase == phase {
                let excluded =
                    item.appliesTo.unless.map {
                        $0.injections.contains(patient.injection)
                            || $0.medications.contains(where: medications.contains)
                            || $0.conditions.contains(where: patient.conditions.contains)
                            || ($0.sedation && patient.sedation)
                    } ?? false
                let applies =
                    !excluded
                    && (item.appliesTo.isEveryone || item.appliesTo.injections.contains(patient.injection)
                        || item.appliesTo.medications.contains(where: medications.contains)
                        || item.appliesTo.conditions.contains(where: patient.conditions.contains)
                        || (item.appliesTo.sedation && patient.sedation))
                let listed = list.first { $0.id == item.id }
                #expect((listed != nil) == applies, "\(item.id) for \(patient)")
                if let listed { #expect(listed.because.isEmpty == item.appliesTo.isEveryone, "\(item.id)") }
            }
            #expect(list.allSatisfy { $0.phase == phase })
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.category <= $1.category })
        }
    }

    func ids(_ phase: ChecklistPhase, _ patient: Patient) -> [String] {
        Self.builder.checklist(phase, for: patient).map(\.id)
    }

    /// Painkillers after the injection: paracetamol (acetaminophen) first for
    /// everyone; an anti-inflammatory as the next step only for patients with
    /// none of the conditions that make it unwise; a warning for those on a
    /// blood thinner, who bleed easily or have heart failure.
    @Test func painReliefFollowsTheConditions() {
        let plain = ids(.postProcedure, Patient(injection: .epiduralSteroid))
        #expect(plain.contains("pain-relief-paracetamol") && plain.contains("pain-relief-anti-inflammatory"))
        #expect(!plain.contains("pain-relief-blood-thinner") && !plain.contains("pain-relief-heart-failure"))
        for condition in [Condition.anticoagulant, .antiplatelet, .bleedingDisorder] {
            let list = ids(.postProcedure, Patient(injection: .epiduralSteroid, conditions: [condition]))
            #expect(
                list.contains("pain-relief-paracetamol") && list.contains("pain-relief-blood-thinner"), "\(condition)")
            #expect(!list.contains("pain-relief-anti-inflammatory"), "\(condition)")
        }
        let heart = ids(.postProcedure, Patient(injection: .facetJoint, conditions: [.heartFailure]))
        #expect(heart.contains("pain-relief-heart-failure") && !heart.contains("pain-relief-anti-inflammatory"))
        for condition in [Condition.pregnant, .hypertension] {
            let list = ids(.postProcedure, Patient(injection: .facetJoint, conditions: [condition]))
            #expect(
                list.contains("pain-relief-paracetamol") && !list.contains("pain-relief-anti-inflammatory"),
                "\(condition)")
        }
        let texts = Self.builder.checklist(.postProcedure, for: Patient(injection: .facetJoint)).map(\.text)
        #expect(!texts.contains { $0.localizedStandardContains("over-the-counter") })
        #expect(texts.contains { $0.contains("paracetamol (acetaminophen)") })
    }

    /// A medial branch block is a test: the record that counts is the pain
    /// every hour in the first 6 to 8 hours, not a daily diary.
    @Test func medialBranchBlockRecordsThePainHourly() throws {
        let block = ids(.postProcedure, Patient(injection: .medialBranchBlock))
        #expect(block.contains("pain-record-after-block") && !block.contains("pain-diary"))
        let withSteroid = ids(
            .postProcedure, Patient(injection: .medialBranchBlock, medications: [.localAnesthetic, .corticosteroid]))
        #expect(withSteroid.contains("pain-record-after-block") && !withSteroid.contains("pain-diary"))
        for injection in InjectionType.allCases where injection != .medialBranchBlock {
            let list = ids(.postProcedure, Patient(injection: injection))
            #expect(list.contains("pain-diary") && !list.contains("pain-record-after-block"), "\(injection)")
        }
        let record = try #require(Self.knowledgeBase.checklistItems.first { $0.id == "pain-record-after-block" })
        #expect(record.text.contains("every hour") && record.text.contains("6 to 8 hours"))
        #expect(record.sources.contains("uw-health-medial-branch-block-care"))
    }

    /// No driving, on the day and on the list the patient takes home: 12 to
    /// 24 hours, or 24 hours after sedation (the one item, not both).
    @Test(arguments: [ChecklistPhase.dayOfProcedure, .postProcedure])
    func drivingItemsFollowSedation(_ phase: ChecklistPhase) {
        let (plain, sedated) =
            phase == .postProcedure
            ? ("driving-after-injection", "driving-after-sedation") : ("no-driving", "no-driving-after-sedation")
        for injection in InjectionType.allCases {
            let awake = ids(phase, Patient(injection: injection))
            #expect(awake.contains(plain) && !awake.contains(sedated), "\(injection)")
            let asleep = ids(phase, Patient(injection: injection, sedation: true))
            #expect(asleep.contains(sedated) && !asleep.contains(plain), "\(injection)")
        }
        let texts = Self.builder.checklist(phase, for: Patient(injection: .facetJoint, sedation: true)).map(\.text)
        #expect(texts.contains { $0.contains("do not drive for 24 hours") })
        #expect(
            Self.builder.checklist(phase, for: Patient(injection: .facetJoint)).contains {
                $0.category == .transport && $0.text.contains("12 to 24 hours")
            })
    }

    @Test func conditionItemsSayWhichConditionPutThemThere() throws {
        let list = Self.builder.checklist(.preProcedure, for: Patient(injection: .facetJoint, conditions: [.diabetes]))
        let diabetes = list.filter { $0.because.contains("diabetes") }
        #expect(!diabetes.isEmpty)
        let plain = Self.builder.checklist(.preProcedure, for: Patient(injection: .facetJoint))
        #expect(plain.allSatisfy { !$0.because.contains("diabetes") })
        #expect(plain.count < list.count)
    }

    /// Warning signs after the procedure come from `warning-signs.json`, the
    /// same signs triage's `watchFor` gives, not a second copy.
    @Test func postProcedureWarningSignsComeFromTheWarningSigns() {
        let list = Self.builder.checklist(.postProcedure, for: Patient(injection: .epiduralSteroid))
        let warnings = list.filter { $0.category == .whenToCall }
        let parts = Set(Self.knowledgeBase.warningSigns.flatMap(\.parts).map(\.text))
        #expect(!warnings.isEmpty)
        #expect(warnings.allSatisfy { item in !item.signs.isEmpty && item.signs.allSatisfy(parts.contains) })
        #expect(
            warnings.allSatisfy {
                $0.text == Self.knowledgeBase.patientTexts.warningLead($0.warningLevel!) + " "
                    + $0.signs.joined(separator: " ")
            })
        #expect(warnings.contains { $0.text.hasPrefix("Call your local emergency number now") })
        #expect(
            Self.knowledgeBase.checklistItems.allSatisfy { $0.category != .whenToCall || $0.phase != .postProcedure })
    }

    static let conditionSets: [Set<Condition>] = [[]] + Condition.allCases.map { [$0] } + [Set(Condition.allCases)]

    /// Every patient: at most 15 items, each sign once, the levels in order.
    @Test(arguments: InjectionType.allCases)
    func atMostFifteenWarningItemsEachSignOnce(_ injection: InjectionType) {
        let regions: [SpinalRegion?] = injection == .sacroiliacJoint ? [nil, .sacral] : [nil] + SpinalRegion.allCases
        let medicationLists: [[Medication]?] = [nil, [.localAnesthetic], [.corticosteroid, .localAnesthetic], []]
        for region in regions {
            for medications in medicationLists {
                for conditions in Self.conditionSets {
                    for sedation in [false, true] {
                        let patient = Patient(
                            injection: injection, region: region, medications: medications, conditions: conditions,
                            sedation: sedation)
                        let warnings = Self.builder.checklist(.postProcedure, for: patient).filter {
                            $0.category == .whenToCall
                        }
                        #expect(warnings.count <= 15, "\(warnings.count) items for \(patient)")
                        let signs = warnings.flatMap(\.signs)
                        #expect(Set(signs).count == signs.count, "a sign twice for \(patient)")
                        let levels = warnings.compactMap(\.warningLevel)
                        #expect(levels.count == warnings.count && levels == levels.sorted(), "\(patient)")
                    }
                }
            }
        }
    }

    func signs(_ patient: Patient) -> [String] {
        Self.builder.checklist(.postProcedure, for: patient).flatMap(\.signs)
    }

    @Test func warningSignsFollowTheRegion() {
        let lung = "Chest pain or shortness of breath."
        #expect(signs(Patient(injection: .facetJoint, region: .cervical)).contains(lung))
        #expect(signs(Patient(injection: .triggerPoint, region: .thoracic)).contains(lung))
        #expect(signs(Patient(injection: .triggerPoint)).contains(lung))  // region not given: the riskier one
        for patient in [
            Patient(injection: .facetJoint, region: .lumbar), Patient(injection: .sacroiliacJoint, region: .sacral),
        ] {
            let list = signs(patient)
            #expect(!list.contains(lung), "\(patient)")
            #expect(list.contains("Chest pain.") && list.contains { $0.hasPrefix("Severe chest pain") }, "\(patient)")
            #expect(!list.contains { $0.lowercased().contains(" arm") }, "\(patient)")
        }
    }

    @Test func bloodThinnerAndHeartFailureSignsWhenTheyApply() {
        let backPain = "Severe back pain, because you take a blood thinner or bleed easily."
        let numbness =
            "Numbness or tingling still there 8 hours after the injection. It matters because you take a blood thinner or bleed easily."
        #expect(!signs(Patient(injection: .epiduralSteroid)).contains(backPain))
        for condition in [Condition.anticoagulant, .antiplatelet, .bleedingDisorder] {
            #expect(
                signs(Patient(injection: .epiduralSteroid, conditions: [condition])).contains(backPain), "\(condition)")
        }
        #expect(signs(Patient(injection: .epiduralSteroid, conditions: [.anticoagulant])).contains(numbness))
        #expect(!signs(Patient(injection: .epiduralSteroid, conditions: [.antiplatelet])).contains(numbness))
        // The urgent numbness sign does not also claim the 8 hours for them.
        #expect(
            !signs(Patient(injection: .epiduralSteroid, conditions: [.anticoagulant])).contains {
                $0.hasPrefix("Numbness or tingling that is new, or still there 8 hours")
            })
        let heartFailure = "Swelling or weight gain that gets worse, because you have heart failure."
        #expect(signs(Patient(injection: .facetJoint, conditions: [.heartFailure])).contains(heartFailure))
        #expect(!signs(Patient(injection: .facetJoint)).contains(heartFailure))
        #expect(
            signs(Patient(injection: .facetJoint, conditions: [.heartFailure])).contains {
                $0.hasPrefix("Trouble breathing")
            })
    }

    /// Every emergency and urgent rule a patient could notice at home has a
    /// sign at its own level; the others say why not.
    @Test func everyEmergencyAndUrgentRuleHasASignAtItsLevel() {
        var levelOfSign: [String: [TriageLevel]] = [:]
        for item in Self.knowledgeBase.warningSigns {
            for part in item.parts { for rule in part.rules { levelOfSign[rule, default: []].append(item.level) } }
        }
        let notAtHome = Set(Self.knowledgeBase.rulesNotAtHome.map(\.rule))
        for rule in Self.knowledgeBase.triageRules where rule.level == .emergency || rule.level == .urgent {
            if notAtHome.contains(rule.id) { continue }
            #expect(levelOfSign[rule.id]?.isEmpty == false, "\(rule.id) has no warning sign")
            #expect(
                levelOfSign[rule.id]?.allSatisfy { $0 == rule.level } == true, "\(rule.id) is signed at another level")
            #expect(rule.warningSign != nil)
        }
        #expect(notAtHome == ["fainting-at-clinic"])
    }

    // MARK: - Review

    func decision(
        _ injection: InjectionType = .facetJoint, temperature: Double? = nil, glucose: Double? = nil,
        systolic: Double? = nil,
        steroids: Int? = nil, conditions: Set<Condition> = [], symptoms: [Symptom] = []
    ) -> ReviewDecision {
        review(
            injection, temperature: temperature, glucose: glucose, systolic: systolic, steroids: steroids,
            conditions: conditions,
            symptoms: symptoms
        ).decision
    }

    /// A review without `hoursSinceInjection`, unless `hours` is given.
    func review(
        _ injection: InjectionType = .facetJoint, temperature: Double? = nil, glucose: Double? = nil,
        systolic: Double? = nil,
        steroids: Int? = nil, conditions: Set<Condition> = [], symptoms: [Symptom] = [], hours: Double? = nil
    ) -> ChecklistBuilder.Review {
        Self.builder.review(
            TriageRequest(
                injection: injection, hoursSinceInjection: hours ?? 0, symptoms: symptoms.map { .init($0) },
                temperatureC: temperature, bloodGlucoseMgDl: glucose, systolicBloodPressure: systolic,
                steroidInjectionsPast12Months: steroids, conditions: conditions),
            hoursGiven: hours != nil)
    }

    func ruleIDs(_ review: ChecklistBuilder.Review) -> [String] { review.reasons.map(\.ruleID) }

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
        #expect(decision(glucose: 199, conditions: [.diabetes]) == .discussWithProvider)  // the monitoring plan
        #expect(decision(conditions: [.contrastAllergy]) == .discussWithProvider)
        #expect(decision(conditions: [.immunosuppressed]) == .discussWithProvider)
        #expect(decision(steroids: 4) == .ready)
        #expect(decision(steroids: 5) == .discussWithProvider)
    }

    @Test func theMostCautiousDecisionWins() {
        let review = Self.builder.review(
            TriageRequest(
                injection: .facetJoint, hoursSinceInjection: 0, temperatureC: 38.5, conditions: [.anticoagulant]))
        #expect(review.decision == .postpone)
        #expect(review.reasons.contains { $0.decision == .discussWithProvider })
        #expect(review.reasons.first?.decision == .postpone)
        #expect(review.items.allSatisfy { $0.phase == .preProcedure })
    }

    // MARK: - Review: symptoms, blood pressure and blood sugar (contract v2)

    /// Symptoms that need care postpone the procedure, and the answer says how soon.
    @Test func symptomsThatNeedCarePostponeAndCarryTheTriage() throws {
        let bladder = review(symptoms: [.bowelBladderLoss])
        #expect(bladder.decision == .postpone)
        #expect(ruleIDs(bladder) == ["symptoms-need-care"])
        let triage = try #require(bladder.triage)
        #expect(triage.level == .emergency)
        #expect(triage.action.hasPrefix("Call your local emergency number"))
        #expect(triage.reasons.contains { $0.symptoms.contains(.bowelBladderLoss) && $0.level == .emergency })

        let chest = review(symptoms: [.chestPain, .difficultyBreathing])
        #expect(chest.decision == .postpone)
        #expect(chest.triage?.level == .emergency)
        #expect(ruleIDs(chest).contains("symptoms-need-care"))

        let reason = try #require(bladder.reasons.first)
        let data = Self.knowledgeBase.reviewSymptomTriage
        #expect(
            reason.decision == .postpone && reason.explanation == data.explanation && reason.sources == data.sources)
    }

    @Test func systolicOf180OrMorePostponesWithoutATriage() {
        let high = review(systolic: 210)
        #expect(high.decision == .postpone)
        #expect(ruleIDs(high) == ["blood-pressure-high-postpone"])
        #expect(high.triage == nil)
        #expect(decision(systolic: 180) == .postpone)
        #expect(decision(systolic: 179) == .ready)
        // A steroid with hypertension.
        #expect(decision(systolic: 179, conditions: [.hypertension]) == .discussWithProvider)
    }

    @Test func bloodSugarBoundaries() {
        #expect(ruleIDs(review(glucose: 69)) == ["glucose-low-discuss"])
        #expect(decision(glucose: 69) == .discussWithProvider)
        #expect(decision(glucose: 70) == .ready)
        #expect(decision(glucose: 199) == .ready)
        #expect(ruleIDs(review(glucose: 200)) == ["glucose-high-discuss"])
        #expect(decision(glucose: 200) == .discussWithProvider)
        #expect(ruleIDs(review(glucose: 299)) == ["glucose-high-discuss"])
        #expect(ruleIDs(review(glucose: 300)) == ["glucose-very-high-postpone"])
        #expect(decision(glucose: 300) == .postpone)
        // Whatever the conditions: with diabetes the monitoring plan is added, nothing lost.
        #expect(
            Set(ruleIDs(review(glucose: 69, conditions: [.diabetes]))) == [
                "glucose-low-discuss", "diabetes-monitoring-plan",
            ])
    }

    /// Without hours, the symptoms are triaged early and late and the more urgent answer counts.
    @Test func withoutHoursTheMoreUrgentOfEarlyAndLateCounts() throws {
        // Anaesthetic toxicity is an emergency only in the first 2 hours.
        let taste = review(symptoms: [.metallicTaste])
        #expect(taste.decision == .postpone)
        #expect(taste.triage?.level == .emergency)
        #expect(taste.triageHours == 0)
        let tasteLate = review(symptoms: [.metallicTaste], hours: 30)
        #expect(tasteLate.decision == .ready)
        #expect(tasteLate.triage?.level == .contactProvider)
        // Leg weakness is expected from the numbing medicine only in the first 8 hours.
        let weakness = review(symptoms: [.legWeakness])
        #expect(weakness.decision == .postpone)
        #expect(weakness.triage?.level == .emergency)
        #expect(weakness.triageHours == 8760)
        let weaknessEarly = review(symptoms: [.legWeakness], hours: 2)
        #expect(weaknessEarly.decision == .ready)
        #expect(weaknessEarly.triage?.level == .selfCare)
        #expect(weaknessEarly.triageHours == 2)
        #expect(Self.knowledgeBase.reviewSymptomTriage.hoursWhenNotGiven == [0, 8760])
    }

    /// On the same level, the answer whose other reasons are more urgent is kept:
    /// a headache with a fever reads as lasting, not as the harmless first-day one.
    @Test func onTheSameLevelTheMoreCautiousReasonsAreKept() throws {
        let triage = try #require(review(symptoms: [.fever, .headache]).triage)
        #expect(triage.level == .urgent)
        let headache = try #require(triage.reasons.first { $0.symptoms.contains(.headache) })
        #expect(headache.level == .contactProvider)
    }

    /// The triage is there whenever a symptom is reported, and only then; levels
    /// below urgent leave the decision to the review rules.
    @Test func triageIsShownForAnySymptomAndOnlyThen() throws {
        #expect(review().triage == nil)
        #expect(review(temperature: 38.5).triage == nil)
        let sore = review(symptoms: [.injectionSitePain])
        #expect(sore.decision == .ready)
        #expect(sore.triage?.level == .contactProvider)
        #expect(sore.reasons.isEmpty)
        #expect(Self.knowledgeBase.reviewSymptomTriage.postponeAtLevels == [.emergency, .urgent])
        #expect(!Self.knowledgeBase.reviewRules.contains { $0.id == Self.knowledgeBase.reviewSymptomTriage.ruleID })
    }

    /// Readings count in the symptoms' triage (chest pain with a systolic of 185 is an emergency).
    @Test func readingsCountInTheTriage() {
        let chest = review(systolic: 185, symptoms: [.chestPain])
        #expect(chest.triage?.level == .emergency)
        #expect(Set(ruleIDs(chest)) == ["blood-pressure-high-postpone", "symptoms-need-care"])
    }

    /// The review's sedation is the coming procedure's: drowsiness is not read as its after-effect.
    @Test func theReviewsSedationIsNotReadByTriage() throws {
        let request = TriageRequest(
            injection: .facetJoint, sedation: true, hoursSinceInjection: 2,
            symptoms: [.init(.drowsiness, severity: .mild)])
        let review = Self.builder.review(request, sedation: true, hoursGiven: true)
        #expect(review.triage?.level == .urgent)
        #expect(review.decision == .postpone)
        // Triage itself, told of sedation, calls it expected.
        #expect(Self.builder.triageEngine.triage(request).level == .selfCare)
    }

    /// A symptom the patient already had, no worse, gives at most contact-provider
    /// (the triage rules' policy), except loss of bladder or bowel control.
    @Test func preExistingSymptomsFollowTheTriagePolicy() {
        let old = Self.builder.review(
            TriageRequest(injection: .facetJoint, hoursSinceInjection: 0, symptoms: [.init(.legWeakness, isNew: false)])
        )
        #expect(old.decision == .ready)
        #expect(old.triage?.level == .contactProvider)
        let bladder = Self.builder.review(
            TriageRequest(
                injection: .facetJoint, hoursSinceInjection: 0, symptoms: [.init(.bowelBladderLoss, isNew: false)]))
        #expect(bladder.decision == .postpone)
    }
}

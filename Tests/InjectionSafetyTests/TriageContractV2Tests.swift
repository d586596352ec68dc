import Testing

@testable import InjectionSafety

/// Contract v2 ("Triage decisions the product fixes"): the cases the clinical
/// review found wrong, and every new number on both sides of its boundary.
struct TriageContractV2Tests {
    static let engine: TriageEngine = {
        do { return TriageEngine(knowledgeBase: try KnowledgeBase.bundled()) } catch { fatalError("\(error)") }
    }()

    typealias Report = TriageRequest.SymptomReport

    static func triage(
        _ injection: InjectionType = .epiduralSteroid, approach: Approach? = nil, region: SpinalRegion? = nil,
        sedation: Bool? = nil, medications: [Medication]? = nil, hours: Double, _ symptoms: [Report] = [],
        temperature: Double? = nil, glucose: Double? = nil, systolic: Double? = nil, conditions: Set<Condition> = []
    ) -> TriageResult {
        engine.triage(
            TriageRequest(
                injection: injection, approach: approach, region: region, sedation: sedation, medications: medications,
                hoursSinceInjection: hours, symptoms: symptoms, temperatureC: temperature, bloodGlucoseMgDl: glucose,
                systolicBloodPressure: systolic, conditions: conditions))
    }

    static func level(
        _ injection: InjectionType = .epiduralSteroid, approach: Approach? = nil, region: SpinalRegion? = nil,
        sedation: Bool? = nil, medications: [Medication]? = nil, hours: Double, _ symptoms: [Report] = [],
        temperature: Double? = nil, glucose: Double? = nil, systolic: Double? = nil, conditions: Set<Condition> = []
    ) -> TriageLevel {
        triage(
            injection, approach: approach, region: region, sedation: sedation, medications: medications, hours: hours,
            symptoms, temperature: temperature, glucose: glucose, systolic: systolic, conditions: conditions
        ).level
    }

    // MARK: - What the clinical review found (each was wrong before contract v2)

    @Test func armWeaknessOutsideTheNeckOrWithoutAnaestheticIsAnEmergency() {
        let weak = [Report(.armWeakness)]
        #expect(Self.level(region: .lumbar, hours: 2, weak) == .emergency)
        #expect(Self.level(.sacroiliacJoint, hours: 2, weak) == .emergency)
        #expect(
            Self.level(.facetJoint, region: .cervical, medications: [.corticosteroid, .contrast], hours: 2, weak)
                == .emergency)
        // The one place arm weakness is expected: a cervical injection with local anaesthetic, within 8 h.
        #expect(Self.level(.facetJoint, region: .cervical, hours: 2, weak) == .selfCare)
    }

    @Test func twitchingAndNumbLipsAtNinetyMinutesAreAnEmergency() {
        #expect(Self.level(.triggerPoint, hours: 1.5, [Report(.muscleTwitching), Report(.numbLips)]) == .emergency)
    }

    @Test func anaphylaxisWithoutBreathingTroubleAndKetonesWithVomiting() {
        #expect(Self.level(hours: 1, [Report(.hives), Report(.dizziness)]) == .emergency)
        #expect(Self.level(hours: 1, [Report(.hives), Report(.vomiting)]) == .emergency)
        #expect(Self.level(hours: 30, [Report(.ketones), Report(.vomiting)]) == .emergency)
    }

    @Test func lowReadingsAreNotSelfCare() {
        #expect(Self.level(hours: 16, glucose: 45) == .urgent)
        #expect(Self.level(hours: 20, [Report(.dizziness)], systolic: 75) == .emergency)
    }

    @Test func expectedEffectsStopBeingExpectedAfterTheirWindow() {
        for symptom in [Symptom.increasedBackPain, .injectionSitePain, .nausea] {
            let late = Self.triage(hours: 7 * 24, [Report(symptom)])
            #expect(late.level == .contactProvider, "\(symptom) on day 7")
            #expect(!late.reasons.contains { $0.level == .selfCare }, "\(symptom): no 'expected' reason on day 7")
            #expect(!late.action.contains("expected"))
        }
    }

    @Test func veryDrowsyIsAnEmergencyAndSedationIsUsed() {
        #expect(Self.level(hours: 3, [Report(.drowsiness, severity: .severe)]) == .emergency)
        #expect(Self.level(sedation: true, hours: 3, [Report(.drowsiness, severity: .moderate)]) == .selfCare)
        #expect(Self.level(sedation: false, hours: 3, [Report(.drowsiness, severity: .moderate)]) == .urgent)
        #expect(Self.level(hours: 3, [Report(.drowsiness, severity: .moderate)]) == .urgent)  // not said: not sedated
    }

    @Test func steroidEffectsNeedASteroid() {
        for symptom in [Symptom.facialFlushing, .insomnia, .hiccups] {
            let withSteroid = Self.triage(
                .medialBranchBlock, medications: [.localAnesthetic, .corticosteroid], hours: 10, [Report(symptom)])
            #expect(withSteroid.level == .selfCare, "\(symptom) after a steroid")
            let without = Self.triage(.medialBranchBlock, hours: 10, [Report(symptom)])
            #expect(without.level == .contactProvider, "\(symptom) without a steroid")
            #expect(
                without.reasons.map(\.ruleID) == [TriageEngine.unexplainedSymptomRuleID],
                "\(symptom): \(without.reasons.map(\.ruleID))")
        }
    }

    // MARK: - Expected numbness and weakness

    @Test func expectedNumbnessFollowsTheLimbTheRegionTheAnaestheticAndTheWindow() {
        let leg = [Report(.legNumbness)]
        let arm = [Report(.armNumbness)]
        #expect(Self.level(region: .lumbar, hours: 8, leg) == .selfCare)
        #expect(Self.level(hours: 8, leg) == .selfCare)  // no region: legs match
        #expect(Self.level(.sacroiliacJoint, hours: 8, leg) == .selfCare)
        #expect(Self.level(approach: .caudal, hours: 8, leg) == .selfCare)
        #expect(Self.level(region: .lumbar, hours: 8.01, leg) == .urgent)
        #expect(Self.level(region: .cervical, hours: 2, leg) == .urgent)
        #expect(Self.level(region: .thoracic, hours: 2, leg) == .urgent)
        #expect(Self.level(region: .lumbar, medications: [.corticosteroid], hours: 2, leg) == .urgent)
        #expect(Self.level(region: .lumbar, hours: 2, [Report(.legNumbness, worsening: true)]) == .emergency)
        #expect(Self.level(region: .cervical, hours: 8, arm) == .selfCare)
        #expect(Self.level(hours: 2, arm) == .urgent)  // no region: arms do not match
        #expect(Self.level(region: .lumbar, hours: 2, arm) == .urgent)
        #expect(Self.level(region: .cervical, hours: 2, [Report(.legWeakness)]) == .emergency)
        #expect(Self.level(region: .lumbar, hours: 8.5, [Report(.legWeakness)]) == .emergency)
        #expect(Self.level(region: .lumbar, hours: 9, leg, conditions: [.anticoagulant]) == .emergency)
        #expect(Self.level(region: .lumbar, hours: 9, leg, conditions: [.antiplatelet]) == .urgent)
        #expect(Self.level(region: .lumbar, hours: 9, leg, conditions: [.bleedingDisorder]) == .emergency)
    }

    // MARK: - Boundaries of every new number

    @Test func lowGlucoseBoundaries() {
        #expect(Self.level(hours: 10, glucose: 70) == .selfCare)
        #expect(Self.level(hours: 10, glucose: 69) == .contactProvider)
        #expect(Self.level(hours: 10, glucose: 54) == .contactProvider)
        #expect(Self.level(hours: 10, glucose: 53) == .urgent)
        #expect(Self.level(hours: 10, [Report(.confusion)], glucose: 69) == .emergency)
        #expect(Self.level(hours: 10, [Report(.fainting)], glucose: 69) == .emergency)
        #expect(Self.level(hours: 0.5, [Report(.fainting)], glucose: 69) == .emergency)
        #expect(Self.level(hours: 0.5, [Report(.fainting)], glucose: 70) == .urgent)
        // The advice of ADA level 1 comes with the contact-provider answer, and
        // with the urgent one below 54 mg/dL, but not with an emergency.
        #expect(
            Self.triage(hours: 10, glucose: 61).selfCare.contains { $0.contains("15 g") && $0.contains("15 minutes") })
        let veryLow = Self.triage(hours: 10, [Report(.injectionSitePain)], glucose: 50)
        #expect(veryLow.level == .urgent)
        #expect(veryLow.selfCare.count == 1 && veryLow.selfCare[0].contains("15 g"), "\(veryLow.selfCare)")
        #expect(Self.triage(hours: 10, [Report(.confusion)], glucose: 50).selfCare.isEmpty)
    }

    @Test func lowBloodPressureBoundaries() {
        #expect(Self.level(hours: 20, systolic: 90) == .selfCare)
        #expect(Self.level(hours: 20, systolic: 89) == .contactProvider)
        #expect(Self.level(hours: 30, [Report(.dizziness)], systolic: 90) == .urgent)
        #expect(Self.level(hours: 30, [Report(.dizziness)], systolic: 89) == .emergency)
        #expect(Self.level(hours: 30, [Report(.rash)], systolic: 89) == .emergency)
        #expect(Self.level(hours: 30, [Report(.facialFlushing)], systolic: 89) == .emergency)
        #expect(Self.level(hours: 30, [Report(.facialFlushing)], systolic: 90) == .selfCare)
    }

    @Test func highBloodPressureBoundaries() {
        #expect(Self.level(hours: 20, systolic: 159) == .selfCare)
        #expect(Self.level(hours: 20, systolic: 160) == .contactProvider)
        #expect(Self.level(hours: 20, systolic: 179) == .contactProvider)
        #expect(Self.level(hours: 20, systolic: 180) == .urgent)
        #expect(Self.level(hours: 20, [Report(.positionalHeadache, severity: .severe)], systolic: 180) == .emergency)
        #expect(Self.level(region: .lumbar, hours: 20, [Report(.legWeakness)], systolic: 180) == .emergency)
    }

    @Test func toxicityWindowIsTwoHoursInclusive() {
        for symptom in [Symptom.metallicTaste, .ringingEars, .numbLips, .muscleTwitching, .palpitations] {
            #expect(Self.level(.triggerPoint, hours: 2, [Report(symptom)]) == .emergency, "\(symptom) at 2 h")
        }
        #expect(Self.level(.triggerPoint, hours: 2.01, [Report(.numbLips)]) == .urgent)
        #expect(Self.level(.triggerPoint, hours: 2.01, [Report(.muscleTwitching)]) == .urgent)
        #expect(Self.level(.triggerPoint, hours: 2.01, [Report(.palpitations)]) == .urgent)
        #expect(Self.level(.triggerPoint, hours: 2.01, [Report(.metallicTaste)]) == .contactProvider)
        #expect(Self.level(.triggerPoint, hours: 2.01, [Report(.ringingEars)]) == .contactProvider)
        // Whatever the medications say.
        #expect(
            Self.level(.facetJoint, medications: [.corticosteroid], hours: 1, [Report(.metallicTaste)]) == .emergency)
    }

    @Test func allergyWindowsAreSixAndTwentyFourHours() {
        #expect(Self.level(hours: 6, [Report(.itching), Report(.vomiting)]) == .emergency)
        #expect(Self.level(hours: 6.01, [Report(.itching), Report(.vomiting)]) == .urgent)
        #expect(Self.level(hours: 6, [Report(.hives), Report(.fainting)]) == .emergency)
        #expect(Self.level(hours: 24, [Report(.rash)]) == .urgent)
        #expect(Self.level(hours: 24.01, [Report(.rash)]) == .contactProvider)
        #expect(Self.level(hours: 30, [Report(.rash, worsening: true)]) == .urgent)
        #expect(Self.level(hours: 30, [Report(.hives, severity: .severe)]) == .urgent)
        #expect(Self.level(hours: 100, [Report(.faceOrThroatSwelling)]) == .emergency)
        #expect(Self.level(hours: 3, [Report(.facialFlushing), Report(.difficultyBreathing)]) == .emergency)
    }

    @Test func headacheAfterSedationWithinTwelveHours() {
        let headacheAndVomiting = [Report(.headache), Report(.vomiting)]
        #expect(Self.level(sedation: true, hours: 12, headacheAndVomiting) == .urgent)
        #expect(Self.level(sedation: true, hours: 12.01, headacheAndVomiting) == .emergency)
        #expect(Self.level(sedation: false, hours: 3, headacheAndVomiting) == .emergency)
        #expect(Self.level(hours: 3, headacheAndVomiting) == .emergency)
        #expect(
            Self.level(sedation: true, hours: 3, [Report(.headache, worsening: true), Report(.vomiting)]) == .emergency)
        #expect(
            Self.level(sedation: true, hours: 3, [Report(.headache), Report(.vomiting, severity: .severe)])
                == .emergency)
        // A positional headache with vomiting is not by itself an emergency.
        #expect(Self.level(hours: 30, [Report(.positionalHeadache), Report(.vomiting)]) == .contactProvider)
        #expect(Self.level(hours: 49, [Report(.positionalHeadache), Report(.vomiting)]) == .urgent)
        #expect(Self.level(hours: 30, [Report(.positionalHeadache), Report(.stiffNeck)]) == .urgent)
        #expect(Self.level(hours: 30, [Report(.headache), Report(.stiffNeck)]) == .emergency)
        #expect(Self.level(hours: 10, [Report(.lightSensitivity), Report(.headache)]) == .urgent)
        #expect(Self.level(hours: 10, [Report(.lightSensitivity), Report(.headache)], temperature: 38.1) == .emergency)
        #expect(Self.level(hours: 10, [Report(.headache)], temperature: 38.1) == .urgent)
        #expect(Self.level(hours: 10, [Report(.headache, worsening: true)], temperature: 38.1) == .emergency)
    }

    @Test func siteSignsTurnAfterTwentyFourHours() {
        for symptom in [Symptom.injectionSiteRedness, .injectionSiteWarmth] {
            #expect(Self.level(hours: 24, [Report(symptom, worsening: true)]) == .selfCare, "\(symptom) at 24 h")
            #expect(Self.level(hours: 24.01, [Report(symptom)]) == .urgent, "\(symptom) after 24 h")
            #expect(Self.level(hours: 5, [Report(symptom, severity: .severe)]) == .urgent, "\(symptom) severe")
        }
        #expect(Self.level(hours: 24, [Report(.injectionSitePain, worsening: true)]) == .selfCare)
        #expect(Self.level(hours: 24.01, [Report(.injectionSitePain, worsening: true)]) == .urgent)
        #expect(Self.level(hours: 1, [Report(.injectionSiteDrainage)]) == .urgent)
    }

    @Test func worseningFlareTurnsAfterFortyEightHours() {
        #expect(Self.level(hours: 48, [Report(.increasedBackPain, worsening: true)]) == .selfCare)
        #expect(Self.level(hours: 48.01, [Report(.increasedBackPain, worsening: true)]) == .urgent)
        #expect(Self.level(hours: 10, [Report(.increasedBackPain, severity: .severe)]) == .urgent)
        #expect(Self.level(hours: 10, [Report(.legPain, severity: .severe)]) == .urgent)
    }

    /// Each window of the expected-course table at its edge (epidural-steroid
    /// gives a corticosteroid by default, so the steroid effects are expected too).
    @Test(arguments: [
        (Symptom.injectionSitePain, 72.0), (.increasedBackPain, 120), (.legPain, 120), (.headache, 24), (.nausea, 24),
        (.facialFlushing, 48), (.insomnia, 120), (.moodChanges, 120), (.hiccups, 48), (.injectionSiteBruising, 336),
    ])
    func expectedCourseWindowEdges(_ symptom: Symptom, _ window: Double) {
        let inside = Self.triage(hours: window, [Report(symptom, severity: .mild)])
        #expect(inside.level == .selfCare, "\(symptom) at \(window) h")
        let after = Self.triage(hours: window + 0.5, [Report(symptom, severity: .mild)])
        #expect(after.level == .contactProvider, "\(symptom) after \(window) h")
        #expect(!after.reasons.contains { $0.level == .selfCare }, "\(symptom): an 'expected' reason after its window")
    }

    @Test func lateBackPainWithInfectionRisk() {
        #expect(Self.level(hours: 121, [Report(.increasedBackPain, severity: .mild)]) == .contactProvider)
        #expect(
            Self.level(hours: 121, [Report(.increasedBackPain, severity: .mild)], conditions: [.diabetes]) == .urgent)
        #expect(
            Self.level(hours: 120, [Report(.increasedBackPain, severity: .mild)], conditions: [.immunosuppressed])
                == .selfCare)
        #expect(
            Self.level(hours: 121, [Report(.increasedBackPain, severity: .mild)], conditions: [.immunosuppressed])
                == .urgent)
    }

    @Test func bleedingBruisingAndSwelling() {
        #expect(Self.level(hours: 48, [Report(.injectionSiteBruising)], conditions: [.anticoagulant]) == .selfCare)
        #expect(Self.level(hours: 48, [Report(.injectionSiteBruising, worsening: true)]) == .urgent)
        #expect(Self.level(hours: 48, [Report(.injectionSiteSwelling, severity: .severe)]) == .urgent)
        #expect(Self.level(hours: 1, [Report(.injectionSiteBleeding, severity: .severe)]) == .urgent)
        #expect(Self.level(hours: 1, [Report(.injectionSiteBleeding)]) == .contactProvider)
        #expect(
            Self.level(hours: 30, [Report(.increasedBackPain, severity: .severe)], conditions: [.antiplatelet])
                == .emergency)
        #expect(Self.level(hours: 30, [Report(.severeBackPain)]) == .urgent)
        #expect(Self.level(region: .lumbar, hours: 9, [Report(.severeBackPain), Report(.legTingling)]) == .emergency)
        #expect(Self.level(region: .lumbar, hours: 3, [Report(.severeBackPain), Report(.legTingling)]) == .urgent)
    }

    @Test func otherFixedLevels() {
        #expect(Self.level(hours: 100, [Report(.visionChanges, severity: .severe)]) == .emergency)
        #expect(Self.level(hours: 48, [Report(.visionChanges)]) == .emergency)
        #expect(Self.level(hours: 48.5, [Report(.visionChanges)]) == .urgent)
        #expect(Self.level(region: .lumbar, hours: 5, [Report(.chestPain)]) == .urgent)
        #expect(Self.level(.sacroiliacJoint, region: .sacral, hours: 5, [Report(.chestPain)]) == .urgent)
        #expect(Self.level(region: .lumbar, hours: 5, [Report(.chestPain, severity: .severe)]) == .emergency)
        #expect(Self.level(region: .lumbar, hours: 5, [Report(.chestPain), Report(.palpitations)]) == .emergency)
        #expect(Self.level(.triggerPoint, region: .lumbar, hours: 5, [Report(.chestPain)]) == .urgent)
        #expect(Self.level(.triggerPoint, hours: 5, [Report(.chestPain)]) == .emergency)
        #expect(Self.level(hours: 1, [Report(.fainting)]) == .urgent)
        #expect(Self.level(hours: 1.01, [Report(.fainting)]) == .emergency)
        #expect(Self.level(hours: 30, [Report(.moodChanges, severity: .severe)]) == .urgent)
        #expect(Self.level(hours: 30, [Report(.menstrualChanges)]) == .contactProvider)
        #expect(Self.level(hours: 30, [Report(.menstrualChanges, severity: .severe)]) == .urgent)
        #expect(Self.level(hours: 30, [Report(.fluidRetention)], conditions: [.heartFailure]) == .contactProvider)
        #expect(Self.level(hours: 30, [Report(.weightGain, worsening: true)], conditions: [.heartFailure]) == .urgent)
        #expect(
            Self.level(hours: 30, [Report(.fluidRetention), Report(.difficultyBreathing)], conditions: [.heartFailure])
                == .emergency)
        #expect(Self.level(hours: 30, [Report(.ketones)]) == .contactProvider)
        #expect(Self.level(hours: 30, [Report(.ketones)], conditions: [.diabetes]) == .urgent)
        #expect(Self.level(hours: 30, [Report(.ketones), Report(.drowsiness)]) == .emergency)
    }

    // MARK: - Symptoms the patient already had

    @Test func preExistingSymptomsGiveAtMostContactProvider() {
        let old = Self.triage(region: .lumbar, hours: 36, [Report(.legWeakness, severity: .mild, isNew: false)])
        #expect(old.level == .contactProvider)
        #expect(old.reasons.contains { $0.ruleID == "weakness-not-expected" && $0.level == .contactProvider })
        #expect(Self.level(region: .lumbar, hours: 36, [Report(.legWeakness, isNew: false)]) == .contactProvider)
        // Worse than before is new.
        #expect(
            Self.level(region: .lumbar, hours: 36, [Report(.legWeakness, worsening: true, isNew: false)]) == .emergency)
        // These count whatever their history.
        #expect(Self.level(hours: 36, [Report(.saddleNumbness, isNew: false)]) == .emergency)
        #expect(Self.level(hours: 36, [Report(.bowelBladderLoss, isNew: false)]) == .emergency)
        // An old symptom does not raise the level above contact-provider, also
        // when a new symptom or a reading is part of the same rule.
        let feverOldStiffNeck = Self.triage(hours: 30, [Report(.fever), Report(.stiffNeck, isNew: false)])
        #expect(feverOldStiffNeck.level == .urgent)  // the fever's own level
        #expect(
            feverOldStiffNeck.reasons.contains {
                $0.ruleID == "fever-with-meningitis-signs" && $0.level == .contactProvider
            })
        #expect(Self.level(hours: 30, [Report(.dizziness, isNew: false)], systolic: 80) == .contactProvider)
        #expect(
            Self.level(hours: 4, [Report(.headache, severity: .mild), Report(.stiffNeck, isNew: false)])
                == .contactProvider)
        #expect(
            Self.level(hours: 30, [Report(.stiffNeck, isNew: false), Report(.headache, isNew: false)])
                == .contactProvider)
        // A rule that matches without the old symptom keeps its level.
        #expect(Self.level(hours: 30, [Report(.fever), Report(.stiffNeck)]) == .emergency)
        #expect(Self.level(hours: 30, [Report(.dizziness)], systolic: 80) == .emergency)
    }

    // MARK: - Warning signs stay on topic

    @Test func watchForLeavesOutSignsWhoseContextCannotHold() {
        let lung = "Chest pain or shortness of breath."
        let toxicity =
            "A metal taste, ringing in the ears, numb lips, twitching or a racing heart in the first 2 hours."
        #expect(Self.triage(.triggerPoint, hours: 1).watchForTexts.contains(lung))
        #expect(!Self.triage(.facetJoint, region: .lumbar, hours: 1).watchForTexts.contains(lung))
        #expect(Self.triage(.facetJoint, region: .lumbar, hours: 1).watchForTexts.contains(toxicity))
        #expect(!Self.triage(.facetJoint, region: .lumbar, hours: 30).watchForTexts.contains(toxicity))
        // Signs tied to a condition only for patients who have it.
        let heartFailure = "Swelling or weight gain that gets worse, because you have heart failure."
        #expect(!Self.triage(hours: 30).watchForTexts.contains(heartFailure))
        #expect(Self.triage(hours: 30, conditions: [.heartFailure]).watchForTexts.contains(heartFailure))
        // After a named lumbar injection chest pain is urgent, and said once, there.
        let lumbar = Self.triage(.facetJoint, region: .lumbar, hours: 1).watchForTexts
        #expect(lumbar.contains("Chest pain.") && !lumbar.contains(lung))
        // A sign of later (weakness after 8 hours) stays before its time.
        #expect(Self.triage(.facetJoint, region: .lumbar, hours: 1).watchForTexts.contains { $0.contains("8 hours") })
    }
}

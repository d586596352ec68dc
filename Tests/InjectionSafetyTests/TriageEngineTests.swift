import Foundation
import Testing

@testable import InjectionSafety

/// The triage engine over the shipped rules: thresholds on both sides,
/// red flags, and the properties every answer must have.
struct TriageEngineTests {
    static let engine: TriageEngine = {
        do { return TriageEngine(knowledgeBase: try KnowledgeBase.bundled()) } catch { fatalError("\(error)") }
    }()

    func level(
        _ injection: InjectionType = .epiduralSteroid, hours: Double = 24,
        _ symptoms: [TriageRequest.SymptomReport] = [],
        temperature: Double? = nil, glucose: Double? = nil, systolic: Double? = nil, steroids: Int? = nil,
        conditions: Set<Condition> = [], region: SpinalRegion? = nil
    ) -> TriageLevel {
        Self.engine.triage(
            TriageRequest(
                injection: injection, region: region, hoursSinceInjection: hours, symptoms: symptoms,
                temperatureC: temperature, bloodGlucoseMgDl: glucose, systolicBloodPressure: systolic,
                steroidInjectionsPast12Months: steroids, conditions: conditions)
        ).level
    }

    typealias Report = TriageRequest.SymptomReport

    func level(
        _ symptoms: [Report], temperature: Double? = nil, glucose: Double? = nil, systolic: Double? = nil,
        conditions: Set<Condition> = [], region: SpinalRegion? = nil
    ) -> TriageLevel {
        level(
            .epiduralSteroid, hours: 24, symptoms, temperature: temperature, glucose: glucose, systolic: systolic,
            conditions: conditions, region: region)
    }

    // MARK: - Thresholds of domain.md, both sides of each boundary

    @Test func feverThresholdIs38Inclusive() {
        #expect(level(temperature: 37.9) == .selfCare)
        #expect(level(temperature: 38.0) == .urgent)
        #expect(level([Report(.fever)]) == .urgent)
        #expect(level([Report(.stiffNeck)], temperature: 38.0) == .emergency)
        #expect(level([Report(.headache, severity: .severe)], temperature: 37.9) == .emergency)  // FDA list alone
        #expect(level([Report(.headache, worsening: true)], temperature: 38.0) == .emergency)
        #expect(level([Report(.confusion)], temperature: 38.0) == .emergency)
        #expect(level(hours: 30, [Report(.increasedBackPain), Report(.legNumbness)], temperature: 38.0) == .emergency)
    }

    @Test func numbnessWindowIsEightHoursInclusive() {
        #expect(level(hours: 8, [Report(.legNumbness)]) == .selfCare)
        #expect(level(hours: 8, [Report(.legWeakness)]) == .selfCare)
        #expect(level(hours: 8.01, [Report(.legNumbness)]) == .urgent)
        #expect(level(hours: 8.01, [Report(.legWeakness)]) == .emergency)
        #expect(level(hours: 2, [Report(.legNumbness, worsening: true)]) == .emergency)
        #expect(level(hours: 2, [Report(.legWeakness, worsening: true)]) == .emergency)
        #expect(level(hours: 0, [Report(.legNumbness)]) == .selfCare)
    }

    @Test func glucoseThresholds() {
        #expect(level(glucose: 199) == .selfCare)
        #expect(level(glucose: 200) == .contactProvider)
        #expect(level(glucose: 299) == .contactProvider)
        #expect(level(glucose: 300) == .urgent)
        for sign in [Symptom.vomiting, .confusion, .drowsiness, .ketones] {
            #expect(level([Report(sign)], glucose: 300) == .emergency, "\(sign)")
        }
        #expect(level([Report(.increasedThirst), Report(.nausea)], glucose: 300) == .emergency)
        #expect(level([Report(.increasedThirst)], glucose: 299) == .contactProvider)
        #expect(level([Report(.ketones)], conditions: [.diabetes]) == .urgent)
    }

    @Test func bloodPressureThreshold() {
        #expect(level(systolic: 159) == .selfCare)
        #expect(level(systolic: 160) == .contactProvider)
        #expect(level(systolic: 179) == .contactProvider)
        #expect(level(systolic: 180) == .urgent)
        #expect(level([Report(.chestPain)], systolic: 180, region: .lumbar) == .emergency)
        #expect(level([Report(.headache, severity: .severe)], systolic: 180) == .emergency)
        #expect(level([Report(.facialDroop)], systolic: 150) == .emergency)
    }

    @Test func steroidInjectionLimit() {
        #expect(level(steroids: 4) == .selfCare)
        #expect(level(steroids: 5) == .contactProvider)
    }

    // MARK: - Red flags of clinical-facts §3: each one fires

    @Test(arguments: [
        [Symptom.saddleNumbness], [.bowelBladderLoss], [.slurredSpeech], [.facialDroop], [.confusion], [.seizure],
        [.difficultyBreathing], [.wheezing], [.faceOrThroatSwelling], [.selfHarmThoughts], [.blackStools],
    ])
    func emergencyRedFlagsAtAnyTime(_ symptoms: [Symptom]) {
        for hours in [0.0, 3, 30, 400] {
            #expect(level(hours: hours, symptoms.map { Report($0) }) == .emergency, "\(symptoms) at \(hours) h")
        }
    }

    @Test func contextualEmergencies() {
        #expect(level(.triggerPoint, hours: 1, [Report(.chestPain)], region: .thoracic) == .emergency)
        #expect(level(.triggerPoint, hours: 1, [Report(.chestPain)]) == .emergency)
        #expect(level(.facetJoint, hours: 1, [Report(.chestPain)]) == .emergency)  // region unknown: assume thoracic
        #expect(level(.facetJoint, hours: 1, [Report(.chestPain)], region: .lumbar) == .urgent)
        #expect(level(hours: 0.3, [Report(.metallicTaste)]) == .emergency)
        #expect(level(hours: 0.3, [Report(.numbLips)]) == .emergency)
        #expect(level(hours: 9, [Report(.severeBackPain), Report(.legWeakness)]) == .emergency)
        #expect(level(hours: 5, [Report(.severeBackPain), Report(.legWeakness)], region: .cervical) == .emergency)
        #expect(level(hours: 5, [Report(.severeBackPain), Report(.legWeakness)]) == .urgent)  // expected weakness
        #expect(level(hours: 30, [Report(.severeBackPain)], conditions: [.anticoagulant]) == .emergency)
        #expect(level(hours: 30, [Report(.severeBackPain)]) == .urgent)
        #expect(level(hours: 30, [Report(.severeBackPain), Report(.chills)], temperature: 38.2) == .emergency)
        #expect(level(hours: 30, [Report(.difficultyBreathing)], conditions: [.heartFailure]) == .emergency)
        #expect(level(hours: 10, [Report(.visionChanges)]) == .emergency)
        #expect(level(hours: 100, [Report(.visionChanges)]) == .urgent)
    }

    @Test func urgentRedFlags() {
        #expect(level(hours: 48, [Report(.injectionSiteRedness)]) == .urgent)
        #expect(level(hours: 48, [Report(.injectionSiteDrainage)]) == .urgent)
        #expect(level(hours: 48, [Report(.injectionSiteWarmth)]) == .urgent)
        #expect(level(hours: 48, [Report(.injectionSitePain, worsening: true)]) == .urgent)
        #expect(level(hours: 40, [Report(.positionalHeadache, severity: .severe)]) == .urgent)
        #expect(level(hours: 60, [Report(.positionalHeadache), Report(.nausea)]) == .urgent)
        #expect(level(hours: 40, [Report(.increasedBackPain, severity: .severe)]) == .urgent)
        #expect(level(hours: 20, [Report(.legTingling)]) == .urgent)
    }

    @Test func expectedEffectsAreSelfCare() {
        #expect(level(hours: 26, [Report(.injectionSitePain, severity: .moderate)]) == .selfCare)
        #expect(level(hours: 10, [Report(.facialFlushing), Report(.headache, severity: .mild)]) == .selfCare)
        #expect(level(hours: 40, [Report(.increasedBackPain, severity: .moderate)]) == .selfCare)
        #expect(level(hours: 30, [Report(.insomnia), Report(.moodChanges, severity: .mild)]) == .selfCare)
        #expect(level(hours: 0.5, [Report(.dizziness)]) == .selfCare)
    }

    // MARK: - The answer's shape

    @Test func noSymptomsIsSelfCareWithWarningSigns() {
        let result = Self.engine.triage(TriageRequest(injection: .epiduralSteroid, hoursSinceInjection: 24))
        #expect(result.level == .selfCare)
        #expect(result.reasons.isEmpty)
        #expect(!result.watchForTexts.isEmpty)
        #expect(result.disclaimer.contains("does not replace"))
    }

    @Test func unexplainedSymptomIsAtLeastContactProvider() {
        let result = Self.engine.triage(
            TriageRequest(injection: .facetJoint, hoursSinceInjection: 30, symptoms: [Report(.lightSensitivity)]))
        #expect(result.level == .contactProvider)
        #expect(
            result.reasons.contains {
                $0.ruleID == TriageEngine.unexplainedSymptomRuleID && $0.symptoms == [.lightSensitivity]
            })
    }

    @Test func emergencyActionSaysCallTheEmergencyNumber() {
        let result = Self.engine.triage(
            TriageRequest(injection: .facetJoint, hoursSinceInjection: 1, symptoms: [Report(.seizure)]))
        #expect(result.level == .emergency)
        #expect(result.action.contains("emergency number"))
        #expect(result.selfCare.isEmpty)
        #expect(result.reasons.first?.ruleID == "stroke-signs")
        #expect(result.reasons.first?.symptoms == [.seizure])
        #expect(result.possibleSideEffects.first == .spinalCordInfarctionStroke)
    }

    @Test func watchForIsMoreUrgentAndSortedMostUrgentFirst() {
        let result = Self.engine.triage(
            TriageRequest(injection: .facetJoint, hoursSinceInjection: 30, symptoms: [Report(.injectionSiteRedness)]))
        #expect(result.level == .urgent)
        let emergencySigns = Set(
            Self.engine.knowledgeBase.triageRules.filter { $0.level == .emergency }.compactMap(\.warningSign))
        #expect(!result.watchForTexts.isEmpty)
        #expect(result.watchForTexts.allSatisfy { emergencySigns.contains($0) })
    }

    @Test func watchForLeavesOutEffectsThatCannotFollowThisInjection() {
        let noSteroid = Self.engine.triage(TriageRequest(injection: .medialBranchBlock, hoursSinceInjection: 24))
        let steroid = Self.engine.triage(TriageRequest(injection: .epiduralSteroid, hoursSinceInjection: 24))
        let steroidEffects = "Changes to your periods, swelling or weight gain, or a strong thirst."
        #expect(steroid.watchForTexts.contains(steroidEffects))
        #expect(!noSteroid.watchForTexts.contains(steroidEffects))
        let withSteroid = Self.engine.triage(
            TriageRequest(
                injection: .medialBranchBlock, medications: [.localAnesthetic, .corticosteroid], hoursSinceInjection: 24
            ))
        #expect(withSteroid.watchForTexts.contains(steroidEffects))
        // High blood sugar follows a steroid: for a patient with diabetes, the
        // sign of a very high reading only with one (a very low one always).
        let sugar =
            "Blood sugar of 300 mg/dL (16.7 mmol/L) or more or below 54 mg/dL (3.0 mmol/L), or a positive ketone test."
        #expect(
            Self.engine.triage(
                TriageRequest(injection: .epiduralSteroid, hoursSinceInjection: 24, conditions: [.diabetes])
            ).watchForTexts.contains(sugar))
        #expect(!steroid.watchForTexts.contains(sugar))  // no diabetes
        // Stroke signs stay for every injection.
        #expect(noSteroid.watchForTexts.contains { $0.contains("Slurred speech") })
    }

    /// "The steroid can take 3 to 10 days" only when a steroid was given.
    @Test func selfCareFollowUpNamesTheSteroidOnlyWhenOneWasGiven() {
        let steroid = Self.engine.triage(TriageRequest(injection: .epiduralSteroid, hoursSinceInjection: 2))
        #expect(steroid.level == .selfCare)
        #expect(steroid.followUp.contains("steroid") && steroid.followUp.contains("3 to 10 days"))
        for request in [
            TriageRequest(injection: .medialBranchBlock, hoursSinceInjection: 2),
            TriageRequest(injection: .triggerPoint, hoursSinceInjection: 2),
            TriageRequest(
                injection: .epiduralSteroid, medications: [.localAnesthetic, .contrast], hoursSinceInjection: 2),
        ] {
            let result = Self.engine.triage(request)
            #expect(result.level == .selfCare)
            #expect(!result.followUp.contains("steroid"), "\(request.injection)")
        }
        let added = Self.engine.triage(
            TriageRequest(
                injection: .triggerPoint, medications: [.localAnesthetic, .corticosteroid], hoursSinceInjection: 2))
        #expect(added.followUp.contains("steroid"))
        #expect(
            Self.engine.knowledgeBase.patientTexts.followUp(for: .urgent, corticosteroidGiven: true)
                == Self.engine.knowledgeBase.patientTexts.followUp(for: .urgent, corticosteroidGiven: false))
    }

    /// Painkiller advice follows the patient's conditions: paracetamol
    /// (acetaminophen) first for everyone; an anti-inflammatory only without a
    /// blood thinner, a bleeding disorder, heart failure, pregnancy or high
    /// blood pressure; a warning line for those it applies to.
    @Test func painkillerAdviceFollowsTheConditions() throws {
        let soreness = [Report(.injectionSitePain)]
        func advice(_ conditions: Set<Condition>) -> [String] {
            let result = Self.engine.triage(
                TriageRequest(
                    injection: .facetJoint, hoursSinceInjection: 2, symptoms: soreness, conditions: conditions))
            #expect(result.level == .selfCare)
            return result.selfCare
        }
        let effect = try #require(Self.engine.knowledgeBase.sideEffect(.injectionSitePain))
        let paracetamol = try #require(effect.selfCare.first { $0.text.contains("paracetamol (acetaminophen) first") })
            .text
        let antiInflammatory = try #require(effect.selfCare.first { !$0.unlessConditions.isEmpty }).text
        let bloodThinner = try #require(effect.selfCare.first { $0.conditions.contains(.anticoagulant) }).text
        let heartFailure = try #require(effect.selfCare.first { $0.conditions.contains(.heartFailure) }).text
        let none = advice([])
        #expect(none.contains(paracetamol) && none.contains(antiInflammatory))
        #expect(!none.contains(bloodThinner) && !none.contains(heartFailure))
        for condition in [Condition.anticoagulant, .antiplatelet, .bleedingDisorder] {
            let lines = advice([condition])
            #expect(
                lines.contains(paracetamol) && lines.contains(bloodThinner) && !lines.contains(antiInflammatory),
                "\(condition)")
        }
        let heart = advice([.heartFailure])
        #expect(heart.contains(heartFailure) && !heart.contains(antiInflammatory) && !heart.contains(bloodThinner))
        #expect(!advice([.pregnant]).contains(antiInflammatory) && !advice([.hypertension]).contains(antiInflammatory))
        #expect(advice([.diabetes]).contains(antiInflammatory))
        // The same lines after a flare and with a headache, said once when both match.
        let both = Self.engine.triage(
            TriageRequest(
                injection: .facetJoint, hoursSinceInjection: 2,
                symptoms: [Report(.increasedBackPain), Report(.headache, severity: .mild)],
                conditions: [.anticoagulant]))
        #expect(both.selfCare.filter { $0 == paracetamol }.count == 1 && both.selfCare.contains(bloodThinner))
        let all = Self.engine.knowledgeBase.sideEffects.flatMap(\.selfCare).map(\.text)
        #expect(!all.contains { $0.localizedStandardContains("over-the-counter") })
    }

    // MARK: - Properties over generated requests (fixed seed)

    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomRequest(_ generator: inout SplitMix64) -> TriageRequest {
        let symptoms = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
            Report(
                Symptom.allCases.randomElement(using: &generator)!,
                severity: Bool.random(using: &generator)
                    ? TriageRequest.Severity.allCases.randomElement(using: &generator) : nil,
                worsening: Int.random(in: 0..<4, using: &generator) == 0,
                isNew: Int.random(in: 0..<4, using: &generator) != 0)
        }
        let conditions = Set(
            (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                Condition.allCases.randomElement(using: &generator)!
            })
        let injection = InjectionType.allCases.randomElement(using: &generator)!
        let medications: [Medication]? =
            Bool.random(using: &generator) ? nil : Medication.allCases.filter { _ in Bool.random(using: &generator) }
        return TriageRequest(
            injection: injection,
            approach: injection == .epiduralSteroid && Bool.random(using: &generator)
                ? Approach.allCases.randomElement(using: &generator) : nil,
            region: Bool.random(using: &generator) ? SpinalRegion.allCases.randomElement(using: &generator) : nil,
            sedation: [nil, true, false].randomElement(using: &generator)!,
            medications: medications,
            // Both sides of every window of the rules.
            hoursSinceInjection: [
                0, 0.5, 1, 1.5, 2, 2.5, 3, 6, 6.5, 8, 8.5, 12, 12.5, 24, 24.5, 48, 49, 72, 73, 120, 121, 200,
                336, 337, 5000,
            ].randomElement(using: &generator)!,
            symptoms: symptoms,
            temperatureC: Bool.random(using: &generator) ? Double.random(in: 35...41, using: &generator) : nil,
            bloodGlucoseMgDl: Bool.random(using: &generator) ? Double.random(in: 20...500, using: &generator) : nil,
            systolicBloodPressure: Bool.random(using: &generator)
                ? Double.random(in: 60...220, using: &generator) : nil,
            steroidInjectionsPast12Months: Bool.random(using: &generator)
                ? Int.random(in: 0...8, using: &generator) : nil,
            conditions: conditions)
    }

    @Test func addingSomethingNeverLowersTheLevel() {
        var generator = SplitMix64(state: 20_261_128)
        for _ in 0..<3000 {
            let request = Self.randomRequest(&generator)
            let base = Self.engine.triage(request).level
            var more = request
            more.symptoms.append(
                Report(Symptom.allCases.randomElement(using: &generator)!, isNew: Bool.random(using: &generator)))
            #expect(!(Self.engine.triage(more).level > base), "adding a symptom lowered \(request)")
            var condition = request
            condition.conditions.insert(Condition.allCases.randomElement(using: &generator)!)
            #expect(!(Self.engine.triage(condition).level > base), "adding a condition lowered \(request)")
            if !request.symptoms.isEmpty {
                var worse = request
                let index = Int.random(in: 0..<worse.symptoms.count, using: &generator)
                worse.symptoms[index].worsening = true
                #expect(!(Self.engine.triage(worse).level > base), "worsening lowered \(request)")
                var severe = request
                severe.symptoms[index].severity = .severe
                #expect(!(Self.engine.triage(severe).level > base), "severe lowered \(request)")
                var moderate = request
                if moderate.symptoms[index].severity == nil || moderate.symptoms[index].severity == .mild {
                    moderate.symptoms[index].severity = .moderate
                    #expect(!(Self.engine.triage(moderate).level > base), "moderate lowered \(request)")
                }
            }
        }
    }

    @Test func lowerLowReadingsNeverLowerTheLevel() {
        var generator = SplitMix64(state: 70_90)
        for _ in 0..<3000 {
            var request = Self.randomRequest(&generator)
            request.bloodGlucoseMgDl = Double.random(in: 11..<70, using: &generator)
            request.systolicBloodPressure = Double.random(in: 51..<90, using: &generator)
            let base = Self.engine.triage(request).level
            var lowerGlucose = request
            lowerGlucose.bloodGlucoseMgDl = Double.random(in: 10..<request.bloodGlucoseMgDl!, using: &generator)
            #expect(!(Self.engine.triage(lowerGlucose).level > base), "a lower glucose lowered \(request)")
            var lowerSystolic = request
            lowerSystolic.systolicBloodPressure = Double.random(
                in: 50..<request.systolicBloodPressure!, using: &generator)
            #expect(!(Self.engine.triage(lowerSystolic).level > base), "a lower systolic lowered \(request)")
        }
    }

    @Test func notNewNeverRaisesTheLevel() {
        var generator = SplitMix64(state: 4_445)
        for _ in 0..<3000 {
            let request = Self.randomRequest(&generator)
            guard !request.symptoms.isEmpty else { continue }
            let base = Self.engine.triage(request).level
            var old = request
            old.symptoms[Int.random(in: 0..<old.symptoms.count, using: &generator)].isNew = false
            #expect(!(Self.engine.triage(old).level < base), "new: false raised \(request)")
            var allOld = request
            for index in allOld.symptoms.indices { allOld.symptoms[index].isNew = false }
            #expect(!(Self.engine.triage(allOld).level < base), "new: false on all raised \(request)")
        }
    }

    @Test func onlyAnaestheticAndSteroidAmongTheMedicationsChangeTheLevel() {
        var generator = SplitMix64(state: 1_205)
        let knowledgeBase = Self.engine.knowledgeBase
        for _ in 0..<3000 {
            var request = Self.randomRequest(&generator)
            let given = request.medications ?? knowledgeBase.injection(request.injection)!.defaultMedications
            request.medications = given
            guard given.contains(.contrast) else { continue }
            var without = request
            without.medications = given.filter { $0 != .contrast }
            #expect(
                Self.engine.triage(without).level == Self.engine.triage(request).level,
                "removing contrast changed \(request)")
        }
    }

    @Test func levelIsTheMostUrgentReasonAndTheAnswerIsDeterministic() {
        var generator = SplitMix64(state: 42)
        for _ in 0..<3000 {
            let request = Self.randomRequest(&generator)
            let result = Self.engine.triage(request)
            #expect(result == Self.engine.triage(request))
            #expect(result.level == (result.reasons.map(\.level).min() ?? .selfCare))
            let explained = Set(result.reasons.flatMap(\.symptoms))
            #expect(Set(request.symptoms.map(\.code)).isSubset(of: explained))
            if result.level == .emergency { #expect(result.selfCare.isEmpty) }
            if result.level == .urgent {
                // Only first aid that a matched urgent rule gives itself.
                let ownAdvice = Set(
                    result.reasons.compactMap { reason in
                        Self.engine.knowledgeBase.triageRules.first { $0.id == reason.ruleID }?.selfCare
                    }.flatMap { $0 })
                #expect(Set(result.selfCare).isSubset(of: ownAdvice), "\(request)")
            }
        }
    }

    // MARK: - Public vignettes

    struct Vignette: Sendable, CustomTestStringConvertible {
        var id: String
        var request: TriageRequest
        var acceptable: [TriageLevel]
        var mustMention: [String]
        var testDescription: String { id }
    }

    static func vignettes() throws -> [Vignette] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = root.appendingPathComponent("Tests/Fixtures/vignettes/triage.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (object["cases"] as! [[String: Any]]).map { item in
            let body = item["request"] as! [String: Any]
            let symptoms = (body["symptoms"] as? [Any] ?? []).map { entry -> Report in
                if let code = entry as? String { return Report(Symptom(rawValue: code)!) }
                let object = entry as! [String: Any]
                return Report(
                    Symptom(rawValue: object["code"] as! String)!,
                    severity: (object["severity"] as? String).flatMap(TriageRequest.Severity.init(rawValue:)),
                    worsening: object["worsening"] as? Bool ?? false, isNew: object["new"] as? Bool ?? true)
            }
            let known: Set<String> = [
                "injection", "approach", "region", "medications", "sedation", "hoursSinceInjection", "symptoms",
                "temperatureC", "bloodGlucoseMgDl", "systolicBloodPressure", "steroidInjectionsPast12Months",
                "conditions",
            ]
            precondition(Set(body.keys).isSubset(of: known), "a vignette field this reader does not know")
            let request = TriageRequest(
                injection: InjectionType(rawValue: body["injection"] as! String)!,
                approach: (body["approach"] as? String).flatMap(Approach.init(rawValue:)),
                region: (body["region"] as? String).flatMap(SpinalRegion.init(rawValue:)),
                sedation: body["sedation"] as? Bool,
                medications: (body["medications"] as? [String]).map { $0.map { Medication(rawValue: $0)! } },
                hoursSinceInjection: (body["hoursSinceInjection"] as! NSNumber).doubleValue, symptoms: symptoms,
                temperatureC: (body["temperatureC"] as? NSNumber)?.doubleValue,
                bloodGlucoseMgDl: (body["bloodGlucoseMgDl"] as? NSNumber)?.doubleValue,
                systolicBloodPressure: (body["systolicBloodPressure"] as? NSNumber)?.doubleValue,
                steroidInjectionsPast12Months: (body["steroidInjectionsPast12Months"] as? NSNumber)?.intValue,
                conditions: Set((body["conditions"] as? [String] ?? []).map { Condition(rawValue: $0)! }))
            return Vignette(
                id: item["id"] as! String, request: request,
                acceptable: (item["acceptableLevels"] as! [String]).map { TriageLevel(rawValue: $0)! },
                mustMention: item["mustMention"] as? [String] ?? [])
        }
    }

    /// The fixtures are a copy of the team's `shared/vignettes`; where that folder
    /// sits beside the checkout (developers' machines and CI), the copy must match it.
    @Test func vignetteFixturesMatchTheSharedOriginals() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared/vignettes")
        // A checkout elsewhere has no original.
        guard FileManager.default.fileExists(atPath: shared.path) else { return }
        for name in ["triage.json", "invalid.json"] {
            let copy = try Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/vignettes/\(name)"))
            #expect(
                copy == (try Data(contentsOf: shared.appendingPathComponent(name))),
                "\(name) differs from shared/vignettes")
        }
    }

    @Test func everyPublicVignettePasses() throws {
        let vignettes = try Self.vignettes()
        #expect(vignettes.count >= 45)
        for vignette in vignettes {
            let result = Self.engine.triage(vignette.request)
            #expect(vignette.acceptable.contains(result.level), "\(vignette.id): got \(result.level)")
            let mentioned = Set(
                result.reasons.flatMap { $0.symptoms.map(\.rawValue) } + result.possibleSideEffects.map(\.rawValue))
            for item in vignette.mustMention {
                #expect(mentioned.contains(item), "\(vignette.id): \(item) not mentioned")
            }
        }
    }
}

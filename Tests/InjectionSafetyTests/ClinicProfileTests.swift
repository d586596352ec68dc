import FoundationEssentials
import Testing

@testable import InjectionSafety

/// The clinic profile: its checks, and the patient texts rendered with it.
struct ClinicProfileTests {
    static let acme = ClinicProfile(
        name: "Acme Spine Clinic", daytimePhone: "555-0100", afterHoursPhone: "555-0199", emergencyNumber: "911",
        crisisLine: "988", website: "https://acme.example.org", glucoseUnit: .millimolesPerLitre,
        temperatureUnit: .fahrenheit)
    static let neutral: KnowledgeBase = {
        do { return try KnowledgeBase.bundled() } catch { fatalError("\(error)") }
    }()
    static let acmeBase: KnowledgeBase = {
        do { return try KnowledgeBase.bundled(profile: acme) } catch { fatalError("\(error)") }
    }()

    static func triage(_ knowledgeBase: KnowledgeBase, _ request: TriageRequest) -> TriageResult {
        TriageEngine(knowledgeBase: knowledgeBase).triage(request)
    }

    static func request(_ symptoms: [Symptom], hours: Double = 30) -> TriageRequest {
        TriageRequest(
            injection: .epiduralSteroid, hoursSinceInjection: hours,
            symptoms: symptoms.map { TriageRequest.SymptomReport($0) })
    }

    // MARK: - Texts

    /// Without a profile the texts keep the neutral words.
    @Test func neutralProfileKeepsTheNeutralWords() {
        let texts = Self.neutral.patientTexts
        #expect(texts.action(for: .emergency) == "Call your local emergency number or go to an emergency room now.")
        #expect(
            texts.action(for: .urgent)
                == "Call your clinic or the on-call team within hours; if you cannot reach them, go to urgent care or an emergency room."
        )
        #expect(texts.action(for: .contactProvider).hasPrefix("Contact your provider during office hours"))
        #expect(texts.disclaimer.contains("contact your clinic"))
        #expect(texts.disclaimer.contains("call your local emergency number"))
        let selfHarm = Self.triage(Self.neutral, Self.request([.selfHarmThoughts]))
        #expect(selfHarm.reasons.first?.explanation.contains("You can also call a crisis line at any time.") == true)
        #expect(Self.neutral.cacheIdentity != Self.acmeBase.cacheIdentity)
        #expect(Self.neutral.version == Self.acmeBase.version)  // the data is the same
    }

    /// With a profile, every text that says whom to call names the clinic's numbers.
    @Test func fullProfileNamesTheClinicsNumbers() {
        let texts = Self.acmeBase.patientTexts
        #expect(texts.action(for: .emergency) == "Call 911 or go to an emergency room now.")
        #expect(
            texts.action(for: .urgent)
                == "Call Acme Spine Clinic on 555-0100 or the on-call team on 555-0199 within hours; if you cannot reach them, go to urgent care or an emergency room."
        )
        #expect(texts.action(for: .contactProvider).hasPrefix("Contact Acme Spine Clinic on 555-0100 during"))
        #expect(texts.warningLead(.emergency) == "Call 911 now if you have:")
        #expect(texts.warningLead(.urgent) == "Call Acme Spine Clinic on 555-0100 the same day if you have:")
        #expect(texts.disclaimer.hasSuffix("In an emergency, call 911."))
        let selfHarm = Self.triage(Self.acmeBase, Self.request([.selfHarmThoughts]))
        #expect(selfHarm.reasons.first?.explanation.contains("call the crisis line on 988 at any time") == true)
        #expect(selfHarm.action == "Call 911 or go to an emergency room now.")
        let watch = Self.triage(Self.acmeBase, Self.request([.injectionSitePain])).watchForTexts
        #expect(watch.contains { $0.contains("the crisis line on 988") })
        // The checklist's warning items and the review's texts use the profile too.
        let items = ChecklistBuilder(knowledgeBase: Self.acmeBase).checklist(
            .postProcedure, for: .init(injection: .epiduralSteroid))
        #expect(items.contains { $0.text.hasPrefix("Call 911 now if you have:") })
        #expect(!items.contains { $0.text.contains("your local emergency number") })
    }

    /// Each phrase takes the first variant whose fields the profile gives.
    @Test func partialProfilesFallBackPhraseByPhrase() throws {
        let phoneOnly = try KnowledgeBase.bundled(profile: ClinicProfile(daytimePhone: "+44 20 7946 0000"))
        #expect(
            phoneOnly.patientTexts.action(for: .urgent).hasPrefix(
                "Call the clinic on +44 20 7946 0000 or the on-call team within"))
        #expect(phoneOnly.patientTexts.action(for: .emergency).hasPrefix("Call your local emergency number"))
        let nameOnly = try KnowledgeBase.bundled(profile: ClinicProfile(name: "St. Mary's \"Spine\" Unit"))
        #expect(
            nameOnly.patientTexts.action(for: .urgent).hasPrefix("Call St. Mary's \"Spine\" Unit or the on-call team"))
        // A name with quotes is escaped inside the data files' JSON, not broken by it.
        let infection = nameOnly.checklistItems.first { $0.text.contains("You have an infection") }
        #expect(infection?.text.contains("call St. Mary's \"Spine\" Unit before your appointment") == true)
    }

    /// No symptom at self-care: the action says none was reported, not that it is expected.
    @Test func noSymptomsIsNotCalledAnExpectedEffect() {
        let none = Self.triage(Self.neutral, Self.request([]))
        #expect(none.level == .selfCare)
        #expect(none.action == Self.neutral.patientTexts.actions.noSymptoms)
        #expect(!none.action.contains("expected"))
        let some = Self.triage(Self.neutral, Self.request([.injectionSitePain], hours: 10))
        #expect(some.level == .selfCare)
        #expect(some.action == Self.neutral.patientTexts.actions.selfCare)
    }

    // MARK: - Units

    /// Thresholds are shown in the profile's unit first, the other in brackets.
    @Test func thresholdsAreShownInTheProfilesUnitsFirst() {
        let fever = Self.request([.fever])
        #expect(
            Self.triage(Self.neutral, fever).reasons.first?.explanation
                == "A temperature of 38.0 °C (100.4 °F) or more after an injection can be an infection.")
        #expect(
            Self.triage(Self.acmeBase, fever).reasons.first?.explanation
                == "A temperature of 100.4 °F (38.0 °C) or more after an injection can be an infection.")
        var high = Self.request([])
        high.bloodGlucoseMgDl = 320
        #expect(
            Self.triage(Self.neutral, high).reasons.first?.explanation
                == "A blood sugar of 300 mg/dL (16.7 mmol/L) or more needs advice today.")
        #expect(
            Self.triage(Self.acmeBase, high).reasons.first?.explanation
                == "A blood sugar of 16.7 mmol/L (300 mg/dL) or more needs advice today.")
    }

    /// Every reading threshold of the rules, shown in the other unit, is the
    /// lowest number a device shows that converts back to the threshold or
    /// past it: a patient reading the number shown is at the threshold, a
    /// tenth lower is not. So a boundary never flips between the units.
    @Test func shownThresholdsNeverFlipABoundary() {
        var glucose: Set<Double> = []
        var temperature: Set<Double> = []
        for rule in Self.neutral.triageRules {
            rule.when.forEachNode { node in
                switch node {
                case .glucoseAtLeast(let value), .glucoseBelow(let value): glucose.insert(value)
                case .temperatureAtLeast(let value): temperature.insert(value)
                default: break
                }
            }
        }
        #expect(glucose.isSuperset(of: [30, 54, 70, 200, 300]))
        #expect(temperature.contains(38))
        for threshold in glucose {
            let shown = TextRenderer.millimolesShown(forMilligrams: threshold)
            #expect(ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: shown) >= threshold, "\(threshold)")
            #expect(
                ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: shown - 0.1) < threshold, "\(threshold)")
        }
        for threshold in temperature {
            let shown = TextRenderer.fahrenheitShown(forCelsius: threshold)
            #expect(ReadingUnits.celsius(fromFahrenheit: shown) >= threshold)
            #expect(ReadingUnits.celsius(fromFahrenheit: shown - 0.1) < threshold)
        }
        #expect(TextRenderer.millimolesShown(forMilligrams: 70) == 3.9)
        #expect(TextRenderer.millimolesShown(forMilligrams: 54) == 3.0)
        #expect(TextRenderer.millimolesShown(forMilligrams: 300) == 16.7)
        #expect(TextRenderer.fahrenheitShown(forCelsius: 38) == 100.4)
    }

    /// A reading at the number shown in the other unit triages as at the threshold, in both units.
    @Test(arguments: [30.0, 54.0, 70.0, 200.0, 300.0])
    func readingAtTheShownNumberTriagesAsTheThreshold(threshold: Double) {
        func level(milligrams: Double) -> TriageLevel {
            var request = Self.request([])
            request.bloodGlucoseMgDl = milligrams
            request.conditions = [.diabetes]
            return Self.triage(Self.neutral, request).level
        }
        let shown = TextRenderer.millimolesShown(forMilligrams: threshold)
        let atShown = level(milligrams: ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: shown))
        let belowShown = level(milligrams: ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: shown - 0.1))
        #expect(atShown == level(milligrams: threshold))
        #expect(belowShown == level(milligrams: threshold - 1))
    }

    // MARK: - Checks

    @Test func fieldsAreCheckedAndNamed() throws {
        func refusal(_ fields: [String: ClinicProfile.FieldValue]) -> ClinicProfile.Invalid? {
            do {
                _ = try ClinicProfile(fields: fields)
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal(["nmae": .string("x")])?.field == "nmae")
        #expect(refusal(["emergencyNumber": .other("a number")])?.message.contains("quotes") == true)
        #expect(refusal(["daytimePhone": .string("call us")])?.field == "daytimePhone")
        #expect(refusal(["daytimePhone": .string("+-()")])?.field == "daytimePhone")
        #expect(refusal(["website": .string("acme.example.org")])?.field == "website")
        #expect(refusal(["glucoseUnit": .string("mg/dl")])?.field == "glucoseUnit")
        #expect(refusal(["temperatureUnit": .string("kelvin")])?.field == "temperatureUnit")
        #expect(refusal(["name": .string("  ")])?.field == "name")
        #expect(refusal(["name": .string(String(repeating: "a", count: 81))])?.field == "name")
        #expect(refusal(["name": .string("Acme {clinic}")])?.field == "name")
        #expect(refusal(["name": .string("Acme\nSpine")])?.field == "name")
        #expect(refusal(["defaultLanguage": .string("en_GB")])?.field == "defaultLanguage")
        let profile = try ClinicProfile(fields: [
            "name": .string("  Acme  "), "crisisLine": .null, "glucoseUnit": .string("mmol/L"),
            "temperatureUnit": .string("fahrenheit"), "emergencyNumber": .string("000"),
        ])
        #expect(profile.name == "Acme")
        #expect(profile.crisisLine == nil)
        #expect(profile.emergencyNumber == "000")
        #expect(profile.glucoseUnit == .millimolesPerLitre && profile.temperatureUnit == .fahrenheit)
        #expect(try ClinicProfile(fields: [:]) == .neutral)
    }

    /// A placeholder no phrase or unit defines fails the load, naming the file.
    @Test func unknownPlaceholderFailsTheLoad() throws {
        var files = try KnowledgeBase.bundledFiles()
        let text = String(decoding: files["symptoms.json"]!, as: UTF8.self)
        files["symptoms.json"] = Data(
            text.replacing("\"Thoughts of harming yourself\"", with: "\"Thoughts of harming {yourself}\"").utf8)
        #expect {
            _ = try KnowledgeBase(files: files)
        } throws: { error in
            "\(error)" == "symptoms.json: unknown placeholder {yourself}"
        }
    }

    /// The profile's fingerprint changes with any field.
    @Test func fingerprintChangesWithEveryField() throws {
        var seen: Set<String> = [ClinicProfile.neutral.fingerprint]
        for field in ClinicProfile.Field.allCases {
            var profile = ClinicProfile.neutral
            let value =
                switch field {
                case .glucoseUnit: "mmol/L"
                case .temperatureUnit: "fahrenheit"
                case .website: "https://a.example"
                case .defaultLanguage: "en"
                case .name: "A"
                default: "1"
                }
            try profile.set(field, value)
            #expect(seen.insert(profile.fingerprint).inserted, "\(field)")
        }
    }
}

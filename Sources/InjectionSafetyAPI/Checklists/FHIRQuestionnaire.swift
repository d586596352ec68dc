import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// The pre-procedure questions as a FHIR R4 `Questionnaire`, and the reading
/// of a `QuestionnaireResponse` to it into a review request.
///
/// Questions: the injection type (choice), one yes/no per patient condition,
/// the latest blood sugar (decimal, asked only with diabetes), fever (yes/no)
/// and temperature (decimal, asked only with fever), the top blood pressure
/// number (decimal, mmHg), new symptoms since the last visit (yes/no) and which
/// ones (choice, repeats, asked only after a yes), steroid injections in the
/// past 12 months (integer), and sedation (yes/no).
enum FHIRQuestionnaire {
    static let mediaType = "application/fhir+json"
    static let codeSystem = "urn:injection-safety:code"
    static let url = "urn:injection-safety:questionnaire:pre-procedure"
    /// The link ids of the questions, and of the group that holds the condition questions.
    static let questionIDs: Set<String> = Set(
        [
            "injection", "blood-glucose", "fever", "temperature", "systolic-blood-pressure", "new-symptoms", "symptoms",
            "steroid-injections", "sedation",
        ]
            + Condition.allCases.map { "condition-\($0.rawValue)" })
    static let conditionsGroupID = "conditions"
    /// The one question that takes several answers (one per symptom).
    static let symptomsID = "symptoms"

    /// Whether the client asks for FHIR (`Accept: application/fhir+json` or `format=fhir`).
    static func isRequested(accept: String?, query: Substring?) -> Bool {
        if accept?.lowercased().contains(mediaType) == true { return true }
        return QueryParameters(query: query)?["format"] == "fhir"
    }

    static func questionnaire(for injection: InjectionType, knowledgeBase: KnowledgeBase) -> [UInt8] {
        var json: [UInt8] = []
        func add(_ text: String) { json.append(contentsOf: text.utf8) }
        func string(_ text: String) { JSONString.append(text, to: &json) }
        func coding(_ code: String, _ display: String) {
            add(#"{"system":"#); string(codeSystem); add(#","code":"#); string(code); add(#","display":"#);
            string(display); add("}")
        }
        let name = knowledgeBase.injection(injection)?.name ?? injection.rawValue
        let texts = knowledgeBase.interview.readiness
        add(#"{"resourceType":"Questionnaire","id":"#); string("pre-procedure-\(injection.rawValue)")
        add(#","language":"#); string(knowledgeBase.language)
        add(#","url":"#); string(url)
        add(#","version":"#); string(knowledgeBase.version)
        add(#","status":"active","subjectType":["Patient"],"title":"#);
        string(texts.title.replacing("{injection}", with: name.lowercased()))
        add(#","description":"#); string(knowledgeBase.patientTexts.disclaimer)
        add(#","item":["#)
        // Injection type.
        add(#"{"linkId":"injection","text":"#); string(texts.injection)
        add(#","type":"choice","required":true,"answerOption":["#)
        for (index, entry) in knowledgeBase.injections.enumerated() {
            if index > 0 { add(",") }
            add(#"{"valueCoding":"#); coding(entry.id.rawValue, entry.name)
            if entry.id == injection { add(#","initialSelected":true"#) }
            add("}")
        }
        add("]}")
        // Conditions.
        add(#",{"linkId":"conditions","text":"#); string(texts.conditions); add(#","type":"group","item":["#)
        for (index, condition) in knowledgeBase.conditions.enumerated() {
            if index > 0 { add(",") }
            add(#"{"linkId":"#); string("condition-\(condition.code.rawValue)")
            add(#","text":"#); string(condition.label)
            add(#","type":"boolean","code":["#); coding(condition.code.rawValue, condition.label); add("]}")
        }
        add("]}")
        // The readings in the clinic's units (the answer is converted as a request's would be).
        let glucoseUnit = knowledgeBase.profile.glucoseUnit.rawValue
        let temperatureUnit = knowledgeBase.profile.temperatureUnit == .celsius ? "°C" : "°F"
        add(#",{"linkId":"blood-glucose","text":"#); string(texts.bloodGlucose.replacing("{unit}", with: glucoseUnit))
        add(#","type":"decimal","#)
        add(#""enableWhen":[{"question":"condition-diabetes","operator":"=","answerBoolean":true}]}"#)
        add(#",{"linkId":"fever","text":"#); string(texts.fever); add(#","type":"boolean"}"#)
        add(#",{"linkId":"temperature","text":"#); string(texts.temperature.replacing("{unit}", with: temperatureUnit))
        add(#","type":"decimal","#)
        add(#""enableWhen":[{"question":"fever","operator":"=","answerBoolean":true}]}"#)
        let systolic = TriageRequestDecoder.systolicRange
        add(#",{"linkId":"systolic-blood-pressure","text":"#); string(texts.systolicBloodPressure)
        add(#","type":"decimal","#)
        add(#""extension":[{"url":"http://hl7.org/fhir/StructureDefinition/questionnaire-unit","valueCoding":"#)
        add(#"{"system":"http://unitsofmeasure.org","code":"mm[Hg]","display":"mmHg"}},"#)
        add(#"{"url":"http://hl7.org/fhir/StructureDefinition/minValue","valueDecimal":\#(Int(systolic.lowerBound))},"#)
        add(
            #"{"url":"http://hl7.org/fhir/StructureDefinition/maxValue","valueDecimal":\#(Int(systolic.upperBound))}]}"#
        )
        add(#",{"linkId":"new-symptoms","text":"#); string(texts.newSymptoms); add(#","type":"boolean"}"#)
        add(#",{"linkId":"symptoms","text":"#); string(texts.symptoms)
        add(#","type":"choice","required":true,"repeats":true,"#)
        add(#""enableWhen":[{"question":"new-symptoms","operator":"=","answerBoolean":true}],"answerOption":["#)
        for (index, entry) in knowledgeBase.symptoms.enumerated() {
            if index > 0 { add(",") }
            add(#"{"valueCoding":"#); coding(entry.code.rawValue, entry.label); add("}")
        }
        add("]}")
        add(#",{"linkId":"steroid-injections","text":"#); string(texts.steroidInjections)
        add(#","type":"integer"}"#)
        add(#",{"linkId":"sedation","text":"#); string(texts.sedation); add(#","type":"boolean"}"#)
        add("]}")
        return json
    }

    /// Reads a `QuestionnaireResponse` to ``questionnaire(for:knowledgeBase:)``.
    /// Unknown link ids, wrong answer types and codes are 422 with a pointer.
    /// It never gives `hoursSinceInjection` (the questionnaire does not ask).
    static func reviewRequest(
        from body: [UInt8], limits: APILimits = APILimits(), profile: ClinicProfile = .neutral
    ) throws(APIProblem) -> TriageRequestDecoder.ReviewBody {
        var response = try FHIRResponseItems.read(
            body, limits: limits,
            questions: FHIRResponseItems.Questions(
                ids: Self.questionIDs, groups: [Self.conditionsGroupID], repeating: [Self.symptomsID],
                families: [
                    (
                        "condition-", "Unknown condition question.",
                        Condition.allCases.map { "condition-\($0.rawValue)" }
                    )
                ]))
        func fail(_ pointer: String, _ detail: String, _ valid: [String]? = nil) {
            response.fail(pointer, detail, valid)
        }
        func value(_ answer: FHIRResponseItems.Answer, _ key: String) -> JSONValue? {
            FHIRResponseItems.value(answer, key)
        }
        var injection: InjectionType?
        var injectionAnswered = false
        var conditions = Set<Condition>()
        var glucose: Double?
        var fever: Bool?
        var temperature: Double?
        var systolic: Double?
        var newSymptoms: (answer: Bool, pointer: String)?
        var symptoms: [(code: Symptom, pointer: String)] = []
        var symptomsItem: String?
        var steroids: Int?
        var sedation = false
        for item in response.items {
            let (pointer, linkId, list) = (item.pointer, item.linkId, item.answers)
            guard let list else { continue }  // the group, or a question left unanswered
            let answer = list[0]
            let answerPointer = "\(pointer)/answer/0"
            switch linkId {
            case "injection":
                injectionAnswered = true
                if case .object(let coding)? = value(answer, "valueCoding"),
                    case .string(let code)? = value(coding, "code"),
                    let type = InjectionType(rawValue: code)
                {
                    injection = type
                } else {
                    fail(
                        "\(answerPointer)/valueCoding", "Unknown injection type.",
                        InjectionType.allCases.map(\.rawValue))
                }
            case Self.symptomsID:
                symptomsItem = pointer
                for (index, answer) in list.enumerated() {
                    let codingPointer = "\(pointer)/answer/\(index)/valueCoding"
                    guard case .object(let coding)? = value(answer, "valueCoding"),
                        case .string(let code)? = value(coding, "code"),
                        let symptom = Symptom(rawValue: code)
                    else {
                        fail(codingPointer, "Unknown symptom.", Symptom.allCases.map(\.rawValue))
                        continue
                    }
                    if symptoms.contains(where: { $0.code == symptom }) {
                        fail(codingPointer, "This symptom is chosen more than once; choose it once.")
                        continue
                    }
                    symptoms.append((symptom, codingPointer))
                }
            case "blood-glucose", "temperature", "systolic-blood-pressure":
                guard case .number(let number, _)? = value(answer, "valueDecimal") else {
                    fail("\(answerPointer)/valueDecimal", "Must be a decimal.")
                    continue
                }
                // In the clinic's units, as the questionnaire asks; converted as a request's are.
                let fahrenheit = profile.temperatureUnit == .fahrenheit
                let millimoles = profile.glucoseUnit == .millimolesPerLitre
                let range: ClosedRange<Double>
                switch linkId {
                case "temperature":
                    range = fahrenheit ? TriageRequestDecoder.temperatureFRange : TriageRequestDecoder.temperatureRange
                case "blood-glucose":
                    range = millimoles ? TriageRequestDecoder.glucoseMmolRange : TriageRequestDecoder.glucoseRange
                default: range = TriageRequestDecoder.systolicRange
                }
                if !range.contains(number) {
                    fail("\(answerPointer)/valueDecimal", "Must be from \(range.lowerBound) to \(range.upperBound).")
                    continue
                }
                switch linkId {
                case "temperature": temperature = fahrenheit ? ReadingUnits.celsius(fromFahrenheit: number) : number
                case "blood-glucose":
                    glucose = millimoles ? ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: number) : number
                default: systolic = number
                }
            case "steroid-injections":
                // Int(exactly:) is nil for a fraction and for what Int cannot hold (1e19),
                // where Int(_:) would trap.
                guard case .number(let number, _)? = value(answer, "valueInteger"), let count = Int(exactly: number),
                    TriageRequestDecoder.steroidInjectionRange.contains(count)
                else {
                    fail("\(answerPointer)/valueInteger", "Must be a whole number from 0 to 52.")
                    continue
                }
                steroids = count
            case "fever", "sedation", "new-symptoms":
                guard case .bool(let flag)? = value(answer, "valueBoolean") else {
                    fail("\(answerPointer)/valueBoolean", "Must be true or false.")
                    continue
                }
                switch linkId {
                case "fever": fever = flag
                case "sedation": sedation = flag
                default: newSymptoms = (flag, "\(answerPointer)/valueBoolean")
                }
            case let id where id.hasPrefix("condition-"):
                guard let condition = Condition(rawValue: String(id.dropFirst("condition-".count))) else { continue }
                guard case .bool(let flag)? = value(answer, "valueBoolean") else {
                    fail("\(answerPointer)/valueBoolean", "Must be true or false.")
                    continue
                }
                if flag { conditions.insert(condition) }
            default:
                fail("\(pointer)/linkId", "Not a question of this questionnaire.")
            }
        }
        // Answers that contradict each other are refused, not settled by a guess.
        if let item = symptomsItem, newSymptoms?.answer == false {
            fail(
                "\(item)/answer",
                "Symptoms are chosen, but the new-symptoms question says no: answer yes there, or leave the symptoms out."
            )
        }
        if let newSymptoms, newSymptoms.answer, symptomsItem == nil {
            fail(newSymptoms.pointer, "The answer is yes: choose the new symptoms in the symptoms question.")
        }
        if fever == false, let chosen = symptoms.first(where: { $0.code == .fever }) {
            fail(chosen.pointer, "Fever is chosen here, but the fever question says no.")
        }
        if !injectionAnswered {
            fail("/item", "The injection question must be answered.")
        }
        guard response.errors.isEmpty, let injection else { throw .invalidBody(response.errors) }
        var reports = symptoms.map { TriageRequest.SymptomReport($0.code) }
        if fever == true && !symptoms.contains(where: { $0.code == .fever }) { reports.insert(.init(.fever), at: 0) }
        let request = TriageRequest(
            injection: injection, hoursSinceInjection: 0, symptoms: reports, temperatureC: temperature,
            bloodGlucoseMgDl: glucose, systolicBloodPressure: systolic, steroidInjectionsPast12Months: steroids,
            conditions: conditions)
        return TriageRequestDecoder.ReviewBody(request: request, sedation: sedation, hoursGiven: false)
    }
}

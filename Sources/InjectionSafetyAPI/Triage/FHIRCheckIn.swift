import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// The post-procedure check-in as a FHIR R4 `Questionnaire`, built from the
/// guided interview's own question texts (each symptom's question, the
/// severity and worsening questions, the readings' questions in the clinic's
/// units), and the reading of a `QuestionnaireResponse` to it into a triage
/// request: a symptom answered yes is reported (with its severity and whether
/// it is getting worse), one answered no is in `absentSymptoms`, and one left
/// unanswered stays unknown, so the answer's questions go on from there.
enum FHIRCheckIn {
    static let url = "urn:injection-safety:questionnaire:post-procedure-check-in"
    static let symptomsGroupID = "symptoms"

    static func symptomID(_ code: Symptom) -> String { "symptom-" + code.rawValue }
    static func severityID(_ code: Symptom) -> String { "severity-" + code.rawValue }
    static func worseningID(_ code: Symptom) -> String { "worsening-" + code.rawValue }

    /// The readings' link ids: the request field in either unit.
    static let readingIDs: [String: TriageInterview.Reading] = [
        "temperatureC": .temperatureC, "temperatureF": .temperatureC, "bloodGlucoseMgDl": .bloodGlucoseMgDl,
        "bloodGlucoseMmolL": .bloodGlucoseMgDl, "systolicBloodPressure": .systolicBloodPressure,
    ]

    static let questions: FHIRResponseItems.Questions = {
        var ids: Set<String> = ["injection", "hours-since-injection", "sedation", "region", "approach", "medications"]
        ids.formUnion(Condition.allCases.map { "condition-\($0.rawValue)" })
        for code in Symptom.allCases { ids.formUnion([symptomID(code), severityID(code), worseningID(code)]) }
        ids.formUnion(readingIDs.keys)
        return FHIRResponseItems.Questions(
            ids: ids, groups: [FHIRQuestionnaire.conditionsGroupID, symptomsGroupID], repeating: ["medications"],
            families: [
                ("condition-", "Unknown condition question.", Condition.allCases.map { "condition-\($0.rawValue)" }),
                ("symptom-", "Unknown symptom question.", Symptom.allCases.map(symptomID)),
            ])
    }()

    // MARK: - The questionnaire

    static func questionnaire(for injection: InjectionType, knowledgeBase: KnowledgeBase) -> [UInt8] {
        var json: [UInt8] = []
        func add(_ text: String) { json.append(contentsOf: text.utf8) }
        func string(_ text: String) { JSONString.append(text, to: &json) }
        func coding(_ code: String, _ display: String) {
            add(#"{"system":"#); string(FHIRQuestionnaire.codeSystem); add(#","code":"#); string(code)
            add(#","display":"#); string(display); add("}")
        }
        func unit(_ code: String, _ display: String, minimum: Double, maximum: Double) {
            add(#","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/questionnaire-unit","valueCoding":"#)
            add(#"{"system":"http://unitsofmeasure.org","code":"#); string(code); add(#","display":"#); string(display)
            add(#"}},{"url":"http://hl7.org/fhir/StructureDefinition/minValue","valueDecimal":"#)
            JSONString.appendNumber(minimum, to: &json)
            add(#"},{"url":"http://hl7.org/fhir/StructureDefinition/maxValue","valueDecimal":"#)
            JSONString.appendNumber(maximum, to: &json)
            add("}]")
        }
        let texts = knowledgeBase.interview.checkIn
        add(#"{"resourceType":"Questionnaire","id":"#); string("post-procedure-check-in-\(injection.rawValue)")
        add(#","language":"#); string(knowledgeBase.language)
        add(#","url":"#); string(url)
        add(#","version":"#); string(knowledgeBase.version)
        add(#","status":"active","subjectType":["Patient"],"title":"#); string(texts.title)
        add(#","description":"#); string(knowledgeBase.patientTexts.disclaimer)
        add(#","item":[{"linkId":"injection","text":"#); string(texts.injection)
        add(#","type":"choice","required":true,"answerOption":["#)
        for (index, entry) in knowledgeBase.injections.enumerated() {
            if index > 0 { add(",") }
            add(#"{"valueCoding":"#); coding(entry.id.rawValue, entry.name)
            if entry.id == injection { add(#","initialSelected":true"#) }
            add("}")
        }
        add(#"]},{"linkId":"hours-since-injection","text":"#); string(texts.hoursSinceInjection)
        add(#","type":"decimal","required":true"#)
        unit(
            "h", texts.hoursUnit, minimum: TriageRequestDecoder.hoursRange.lowerBound,
            maximum: TriageRequestDecoder.hoursRange.upperBound)
        add(#"},{"linkId":"sedation","text":"#); string(texts.sedation); add(#","type":"boolean"}"#)
        add(#",{"linkId":"region","text":"#); string(texts.region); add(#","type":"choice","answerOption":["#)
        for (index, region) in texts.regions.enumerated() {
            if index > 0 { add(",") }
            add(#"{"valueCoding":"#); coding(region.code.rawValue, region.label); add("}")
        }
        add(#"]},{"linkId":"approach","text":"#); string(texts.approach)
        add(#","type":"choice","enableWhen":[{"question":"injection","operator":"=","answerCoding":"#)
        coding(InjectionType.epiduralSteroid.rawValue, knowledgeBase.injection(.epiduralSteroid)?.name ?? "")
        add(#"}],"answerOption":["#)
        for (index, approach) in texts.approaches.enumerated() {
            if index > 0 { add(",") }
            add(#"{"valueCoding":"#); coding(approach.code.rawValue, approach.label); add("}")
        }
        add(#"]},{"linkId":"medications","text":"#); string(texts.medications)
        add(#","type":"choice","repeats":true,"answerOption":["#)
        for (index, entry) in knowledgeBase.medications.enumerated() {
            if index > 0 { add(",") }
            add(#"{"valueCoding":"#); coding(entry.code.rawValue, entry.label); add("}")
        }
        add(#"]},{"linkId":"conditions","text":"#); string(texts.conditions); add(#","type":"group","item":["#)
        for (index, condition) in knowledgeBase.conditions.enumerated() {
            if index > 0 { add(",") }
            add(#"{"linkId":"#); string("condition-\(condition.code.rawValue)")
            add(#","text":"#); string(condition.label)
            add(#","type":"boolean","code":["#); coding(condition.code.rawValue, condition.label); add("]}")
        }
        add(#"]},{"linkId":"symptoms","text":"#); string(texts.symptoms); add(#","type":"group","item":["#)
        for (index, entry) in knowledgeBase.symptoms.enumerated() {
            let code = entry.code
            if index > 0 { add(",") }
            add(#"{"linkId":"#); string(symptomID(code))
            add(#","text":"#); string(knowledgeBase.question(for: .symptom(code)))
            add(#","type":"boolean","code":["#); coding(code.rawValue, entry.label)
            add(#"],"item":[{"linkId":"#); string(severityID(code))
            add(#","text":"#); string(knowledgeBase.question(for: .severity(code)))
            add(#","type":"choice","enableWhen":[{"question":"#); string(symptomID(code))
            add(#","operator":"=","answerBoolean":true}],"answerOption":["#)
            for (choice, severity) in texts.severities.enumerated() {
                if choice > 0 { add(",") }
                add(#"{"valueCoding":"#); coding(severity.code.rawValue, severity.label); add("}")
            }
            add(#"]},{"linkId":"#); string(worseningID(code))
            add(#","text":"#); string(knowledgeBase.worseningQuestion(for: code))
            add(#","type":"boolean","enableWhen":[{"question":"#); string(symptomID(code))
            add(#","operator":"=","answerBoolean":true}]}]}"#)
        }
        add("]}")
        // The readings, in the clinic's units.
        for reading in TriageInterview.Reading.allCases {
            guard let question = knowledgeBase.interview.reading(reading) else { continue }
            let answer = question.answer(for: knowledgeBase.profile)
            add(#",{"linkId":"#); string(answer.field)
            add(#","text":"#); string(question.text); add(#","type":"decimal""#)
            let code =
                switch answer.unit {
                case "°C": "Cel"
                case "°F": "[degF]"
                case "mmHg": "mm[Hg]"
                default: answer.unit
                }
            unit(code, answer.unit, minimum: answer.minimum, maximum: answer.maximum)
            add("}")
        }
        add("]}")
        return json
    }

    // MARK: - The response

    /// Reads a `QuestionnaireResponse` to ``questionnaire(for:knowledgeBase:)``
    /// into a triage request and the interview's answers. Unknown link ids,
    /// wrong answer types and codes, out-of-range numbers, a reading in both
    /// units, and a severity or worsening answered for a symptom not answered
    /// yes are 422 with a pointer; the injection and the hours must be answered.
    static func triageRequest(
        from body: [UInt8], limits: APILimits = APILimits()
    ) throws(APIProblem) -> TriageRequestDecoder.ReviewBody {
        var response = try FHIRResponseItems.read(body, limits: limits, questions: questions)
        func value(_ answer: FHIRResponseItems.Answer, _ key: String) -> JSONValue? {
            FHIRResponseItems.value(answer, key)
        }
        func coding(_ answer: FHIRResponseItems.Answer) -> String? {
            guard case .object(let coding)? = value(answer, "valueCoding"),
                case .string(let code)? = value(coding, "code")
            else { return nil }
            return code
        }
        var injection: InjectionType?
        var injectionAnswered = false
        var hours: Double?
        var hoursAnswered = false
        var sedation: Bool?
        var region: SpinalRegion?
        var approach: Approach?
        var medications: [Medication]?
        var conditions = Set<Condition>()
        var present: [Symptom: String] = [:]
        var absent = Set<Symptom>()
        var severities: [Symptom: (TriageRequest.Severity, String)] = [:]
        var worsening: [Symptom: (Bool, String)] = [:]
        var readings: [TriageInterview.Reading: (value: Double, pointer: String)] = [:]
        for item in response.items {
            guard let list = item.answers else { continue }  // a group, or a question left unanswered
            let answer = list[0]
            let pointer = "\(item.pointer)/answer/0"
            let linkId = item.linkId
            func boolean() -> Bool? {
                guard case .bool(let flag)? = value(answer, "valueBoolean") else {
                    response.fail("\(pointer)/valueBoolean", "Must be true or false.")
                    return nil
                }
                return flag
            }
            func decimal(in range: ClosedRange<Double>) -> Double? {
                guard case .number(let number, _)? = value(answer, "valueDecimal") else {
                    response.fail("\(pointer)/valueDecimal", "Must be a decimal.")
                    return nil
                }
                guard range.contains(number) else {
                    response.fail("\(pointer)/valueDecimal", "Must be from \(range.lowerBound) to \(range.upperBound).")
                    return nil
                }
                return number
            }
            if linkId == "injection" {
                injectionAnswered = true
                if let code = coding(answer), let type = InjectionType(rawValue: code) {
                    injection = type
                } else {
                    response.fail(
                        "\(pointer)/valueCoding", "Unknown injection type.", InjectionType.allCases.map(\.rawValue))
                }
            } else if linkId == "hours-since-injection" {
                hoursAnswered = true
                hours = decimal(in: TriageRequestDecoder.hoursRange)
            } else if linkId == "sedation" {
                sedation = boolean()
            } else if linkId == "region" {
                if let code = coding(answer), let value = SpinalRegion(rawValue: code) {
                    region = value
                } else {
                    response.fail(
                        "\(pointer)/valueCoding", "Unknown region.", SpinalRegion.allCases.map(\.rawValue))
                }
            } else if linkId == "approach" {
                if let code = coding(answer), let value = Approach(rawValue: code) {
                    approach = value
                } else {
                    response.fail("\(pointer)/valueCoding", "Unknown approach.", Approach.allCases.map(\.rawValue))
                }
            } else if linkId == "medications" {
                var given: [Medication] = []
                for (index, answer) in list.enumerated() {
                    guard let code = coding(answer), let medication = Medication(rawValue: code) else {
                        response.fail(
                            "\(item.pointer)/answer/\(index)/valueCoding", "Unknown medication.",
                            Medication.allCases.map(\.rawValue))
                        continue
                    }
                    if !given.contains(medication) { given.append(medication) }
                }
                medications = given
            } else if linkId.hasPrefix("condition-") {
                if let condition = Condition(rawValue: String(linkId.dropFirst("condition-".count))), boolean() == true
                {
                    conditions.insert(condition)
                }
            } else if linkId.hasPrefix("symptom-"), let code = Symptom(rawValue: String(linkId.dropFirst(8))) {
                if let flag = boolean() {
                    if flag { present[code] = item.pointer } else { absent.insert(code) }
                }
            } else if linkId.hasPrefix("severity-"), let code = Symptom(rawValue: String(linkId.dropFirst(9))) {
                if let choice = coding(answer), let severity = TriageRequest.Severity(rawValue: choice) {
                    severities[code] = (severity, pointer)
                } else {
                    response.fail(
                        "\(pointer)/valueCoding", "Unknown severity.",
                        TriageRequest.Severity.allCases.map(\.rawValue))
                }
            } else if linkId.hasPrefix("worsening-"), let code = Symptom(rawValue: String(linkId.dropFirst(10))) {
                if let flag = boolean() { worsening[code] = (flag, pointer) }
            } else if let reading = readingIDs[linkId] {
                let range: ClosedRange<Double>
                switch linkId {
                case "temperatureC": range = TriageRequestDecoder.temperatureRange
                case "temperatureF": range = TriageRequestDecoder.temperatureFRange
                case "bloodGlucoseMgDl": range = TriageRequestDecoder.glucoseRange
                case "bloodGlucoseMmolL": range = TriageRequestDecoder.glucoseMmolRange
                default: range = TriageRequestDecoder.systolicRange
                }
                guard let number = decimal(in: range) else { continue }
                if let earlier = readings[reading] {
                    response.fail(earlier.pointer, "The same reading is answered in two units; answer it once.")
                    response.fail(pointer, "The same reading is answered in two units; answer it once.")
                    continue
                }
                let converted =
                    switch linkId {
                    case "temperatureF": ReadingUnits.celsius(fromFahrenheit: number)
                    case "bloodGlucoseMmolL": ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: number)
                    default: number
                    }
                readings[reading] = (converted, pointer)
            }
        }
        // A symptom's details only with the symptom answered yes: anything else is a contradiction, not a guess.
        for (code, detail) in severities where present[code] == nil {
            response.fail(detail.1, "A severity is given, but the symptom is not answered yes.")
        }
        for (code, detail) in worsening where present[code] == nil {
            response.fail(detail.1, "Getting worse is answered, but the symptom is not answered yes.")
        }
        if !injectionAnswered { response.fail("/item", "The injection question must be answered.") }
        if !hoursAnswered { response.fail("/item", "The hours-since-injection question must be answered.") }
        if let region, region != .sacral, injection == .sacroiliacJoint || approach == .caudal {
            response.fail("/item", "A sacroiliac-joint injection and a caudal epidural are in the sacral region.")
        }
        if approach != nil, injection != .epiduralSteroid {
            response.fail("/item", "An approach is answered only for an epidural steroid injection.")
        }
        guard response.errors.isEmpty, let injection, let hours else { throw .invalidBody(response.errors) }
        let reports = Symptom.allCases.compactMap { code -> TriageRequest.SymptomReport? in
            guard present[code] != nil else { return nil }
            return TriageRequest.SymptomReport(
                code, severity: severities[code]?.0, worsening: worsening[code]?.0 ?? false)
        }
        let request = TriageRequest(
            injection: injection, approach: approach, region: region, sedation: sedation, medications: medications,
            hoursSinceInjection: hours, symptoms: reports,
            temperatureC: readings[.temperatureC]?.value, bloodGlucoseMgDl: readings[.bloodGlucoseMgDl]?.value,
            systolicBloodPressure: readings[.systolicBloodPressure]?.value, conditions: conditions)
        return TriageRequestDecoder.ReviewBody(
            request: request, sedation: sedation ?? false, hoursGiven: true,
            answers: TriageInterview.Answers(absentSymptoms: absent))
    }
}

import HTTPServer
import InjectionSafety

/// The pre-procedure questions as a FHIR R4 `Questionnaire`, and the reading
/// of a `QuestionnaireResponse` to it into a review request.
///
/// Questions: the injection type (choice), one yes/no per patient condition,
/// the latest blood sugar (decimal, asked only with diabetes), fever (yes/no)
/// and temperature (decimal, asked only with fever), steroid injections in the
/// past 12 months (integer), and sedation (yes/no).
enum FHIRQuestionnaire {
    static let mediaType = "application/fhir+json"
    static let codeSystem = "urn:injection-safety:code"
    static let url = "urn:injection-safety:questionnaire:pre-procedure"
    /// The link ids of the questions, and of the group that holds the condition questions.
    static let questionIDs: Set<String> = Set(
        ["injection", "blood-glucose", "fever", "temperature", "steroid-injections", "sedation"]
            + Condition.allCases.map { "condition-\($0.rawValue)" })
    static let conditionsGroupID = "conditions"

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
            add(#"{"system":"#); string(codeSystem); add(#","code":"#); string(code); add(#","display":"#); string(display); add("}")
        }
        let name = knowledgeBase.injection(injection)?.name ?? injection.rawValue
        add(#"{"resourceType":"Questionnaire","id":"#); string("pre-procedure-\(injection.rawValue)")
        add(#","url":"#); string(url)
        add(#","version":"#); string(knowledgeBase.version)
        add(#","status":"active","subjectType":["Patient"],"title":"#); string("Before your \(name.lowercased())")
        add(#","description":"#); string(TriageEngine.disclaimer)
        add(#","item":["#)
        // Injection type.
        add(#"{"linkId":"injection","text":"Which injection are you having?","type":"choice","required":true,"answerOption":["#)
        for (index, entry) in knowledgeBase.injections.enumerated() {
            if index > 0 { add(",") }
            add(#"{"valueCoding":"#); coding(entry.id.rawValue, entry.name)
            if entry.id == injection { add(#","initialSelected":true"#) }
            add("}")
        }
        add("]}")
        // Conditions.
        add(#",{"linkId":"conditions","text":"Do any of these apply to you?","type":"group","item":["#)
        for (index, condition) in knowledgeBase.conditions.enumerated() {
            if index > 0 { add(",") }
            add(#"{"linkId":"#); string("condition-\(condition.code.rawValue)")
            add(#","text":"#); string(condition.label)
            add(#","type":"boolean","code":["#); coding(condition.code.rawValue, condition.label); add("]}")
        }
        add("]}")
        add(#",{"linkId":"blood-glucose","text":"Your latest blood sugar reading (mg/dL)","type":"decimal","#)
        add(#""enableWhen":[{"question":"condition-diabetes","operator":"=","answerBoolean":true}]}"#)
        add(#",{"linkId":"fever","text":"Do you have a fever, or feel unwell with an infection?","type":"boolean"}"#)
        add(#",{"linkId":"temperature","text":"Your temperature (°C)","type":"decimal","#)
        add(#""enableWhen":[{"question":"fever","operator":"=","answerBoolean":true}]}"#)
        add(#",{"linkId":"steroid-injections","text":"How many steroid injections have you had in the past 12 months, counting this one?","type":"integer"}"#)
        add(#",{"linkId":"sedation","text":"Will you be given medicine to make you sleepy (sedation)?","type":"boolean"}"#)
        add("]}")
        return json
    }

    /// Reads a `QuestionnaireResponse` to ``questionnaire(for:knowledgeBase:)``.
    /// Unknown link ids, wrong answer types and codes are 422 with a pointer.
    /// It never gives `hoursSinceInjection` (the questionnaire does not ask).
    static func reviewRequest(from body: [UInt8]) throws(APIProblem) -> TriageRequestDecoder.ReviewBody {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw .malformedJSON(offset: error.offset, message: error.message)
        }
        var errors: [APIProblem.FieldError] = []
        func fail(_ pointer: String, _ detail: String, _ valid: [String]? = nil) {
            errors.append(APIProblem.FieldError(field: "item", pointer: pointer, detail: detail, validValues: valid))
        }
        guard case .object(let members) = json,
            members.contains(where: { $0.key == "resourceType" && $0.value == .string("QuestionnaireResponse") })
        else {
            throw .invalidBody([APIProblem.FieldError(field: "resourceType", pointer: "/resourceType", detail: "Must be QuestionnaireResponse.")])
        }
        var injection: InjectionType?
        var conditions = Set<Condition>()
        var glucose: Double?
        var fever = false
        var temperature: Double?
        var steroids: Int?
        var sedation = false

        // Flatten groups: (pointer, linkId, first answer).
        var answers: [(pointer: String, linkId: String, answer: [(key: String, value: JSONValue)]?)] = []
        var seenLinkIDs = Set<String>()
        func collect(_ items: JSONValue, _ pointer: String) {
            guard case .array(let list) = items else {
                fail(pointer, "Must be an array of items.")
                return
            }
            for (index, item) in list.enumerated() {
                let itemPointer = "\(pointer)/\(index)"
                guard case .object(let fields) = item, case .string(let linkId)? = fields.first(where: { $0.key == "linkId" })?.value
                else {
                    fail(itemPointer, "An item needs a linkId.")
                    continue
                }
                if let nested = fields.first(where: { $0.key == "item" })?.value { collect(nested, "\(itemPointer)/item") }
                guard Self.questionIDs.contains(linkId) || linkId == Self.conditionsGroupID else {
                    if linkId.hasPrefix("condition-") {
                        fail("\(itemPointer)/linkId", "Unknown condition question.", Condition.allCases.map { "condition-\($0.rawValue)" })
                    } else {
                        fail("\(itemPointer)/linkId", "Not a question of this questionnaire.")
                    }
                    continue
                }
                // No question here repeats: a second copy (a fever answered `true`, then
                // `false`) would make one of the answers win silently.
                guard seenLinkIDs.insert(linkId).inserted else {
                    fail("\(itemPointer)/linkId", "This question appears more than once; answer it once.")
                    continue
                }
                // An answer that is not read must not be dropped silently: every question here takes one answer.
                var answer: [(key: String, value: JSONValue)]?
                if let value = fields.first(where: { $0.key == "answer" })?.value {
                    guard linkId != Self.conditionsGroupID else {
                        fail("\(itemPointer)/answer", "A group has no answer; answer the questions in it.")
                        continue
                    }
                    guard case .array(let list) = value, list.count == 1, case .object(let only) = list[0] else {
                        fail("\(itemPointer)/answer", "Must be an array with exactly one answer object.")
                        continue
                    }
                    answer = only
                }
                answers.append((itemPointer, linkId, answer))
            }
        }
        if let items = members.first(where: { $0.key == "item" })?.value { collect(items, "/item") }

        func value(_ answer: [(key: String, value: JSONValue)], _ key: String) -> JSONValue? {
            answer.first { $0.key == key }?.value
        }
        for (pointer, linkId, answer) in answers {
            guard let answer else { continue }  // the group, or a question left unanswered
            let answerPointer = "\(pointer)/answer/0"
            switch linkId {
            case "injection":
                if case .object(let coding)? = value(answer, "valueCoding"), case .string(let code)? = value(coding, "code"),
                    let type = InjectionType(rawValue: code)
                {
                    injection = type
                } else {
                    fail("\(answerPointer)/valueCoding", "Unknown injection type.", InjectionType.allCases.map(\.rawValue))
                }
            case "blood-glucose", "temperature":
                guard case .number(let number, _)? = value(answer, "valueDecimal") else {
                    fail("\(answerPointer)/valueDecimal", "Must be a decimal.")
                    continue
                }
                let range = linkId == "temperature" ? TriageRequestDecoder.temperatureRange : TriageRequestDecoder.glucoseRange
                if !range.contains(number) {
                    fail("\(answerPointer)/valueDecimal", "Must be from \(range.lowerBound) to \(range.upperBound).")
                } else if linkId == "temperature" { temperature = number } else { glucose = number }
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
            case "fever", "sedation":
                guard case .bool(let flag)? = value(answer, "valueBoolean") else {
                    fail("\(answerPointer)/valueBoolean", "Must be true or false.")
                    continue
                }
                if linkId == "fever" { fever = flag } else { sedation = flag }
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
        if injection == nil && !errors.contains(where: { $0.pointer?.contains("valueCoding") == true }) {
            fail("/item", "The injection question must be answered.")
        }
        guard errors.isEmpty, let injection else { throw .invalidBody(errors) }
        let request = TriageRequest(
            injection: injection, hoursSinceInjection: 0, symptoms: fever ? [.init(.fever)] : [],
            temperatureC: temperature, bloodGlucoseMgDl: glucose, steroidInjectionsPast12Months: steroids,
            conditions: conditions)
        return TriageRequestDecoder.ReviewBody(request: request, sedation: sedation, hoursGiven: false)
    }
}

import FoundationEssentials
import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// Turns a triage or review body into a ``TriageRequest``, or into every
/// problem with it at once, each with a JSON pointer. Nothing is guessed:
/// unknown members, wrong types, unknown codes, nulls and out-of-range numbers
/// are all refused.
struct TriageRequestDecoder {
    /// The body's fields; each case is named as its member.
    enum Field: Int, CaseIterable {
        case injection, approach, region, medications, sedation, hoursSinceInjection, symptoms, temperatureC
        case bloodGlucoseMgDl, systolicBloodPressure, steroidInjectionsPast12Months, conditions
        /// The same readings in the other common units (converted by ``ReadingUnits``).
        case temperatureF, bloodGlucoseMmolL
        /// The guided interview's (triage only): symptoms the patient does not
        /// have, questions they cannot answer.
        case absentSymptoms, unknown, noOtherSymptoms
    }
    /// The fields of a review body (no interview).
    static let reviewFields = fields.filter { !["absentSymptoms", "unknown", "noOtherSymptoms"].contains($0) }
    static let fields = Field.allCases.map { "\($0)" }
    static let hoursRange = 0.0...87_600.0
    static let temperatureRange = 25.0...45.0
    static let glucoseRange = 10.0...2000.0
    /// The same ranges in the other units (77 to 113 °F is 25 to 45 °C; 0.6 to 111 mmol/L is 11 to 2000 mg/dL).
    static let temperatureFRange = 77.0...113.0
    static let glucoseMmolRange = 0.6...111.0
    static let systolicRange = 50.0...300.0
    static let steroidInjectionRange = 0...52

    private let limits: APILimits
    private var errors: [APIProblem.FieldError] = []
    /// The body's `sedation`, when given.
    private var sedation = false
    /// Whether the body gave `hoursSinceInjection`.
    private var hoursGiven = false
    /// The body's `absentSymptoms` and `unknown`.
    private var answers = TriageInterview.Answers()
    /// Whether the interview's fields are allowed (triage, not review).
    private var allowsInterview = false

    /// A review body, read: the request, the body's `sedation` (false when
    /// absent), and whether it gave `hoursSinceInjection` (when not, the
    /// request's hours are 0 and mean nothing).
    struct ReviewBody: Sendable, Hashable {
        var request: TriageRequest
        var sedation: Bool
        var hoursGiven: Bool
        /// What the guided interview knows beyond the request (triage bodies only).
        var answers = TriageInterview.Answers()
    }

    /// Parses and checks a body.
    static func decode(
        _ body: [UInt8], requireHours: Bool = true, limits: APILimits = APILimits()
    ) throws(APIProblem) -> TriageRequest {
        try decodeWithSedation(body, requireHours: requireHours, limits: limits).request
    }

    /// Like ``decode(_:requireHours:)``, also returning `sedation` and whether the hours were given.
    static func decodeWithSedation(
        _ body: [UInt8], requireHours: Bool, limits: APILimits = APILimits(), interview: Bool = false
    ) throws(APIProblem) -> ReviewBody {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body, limits: limits)
        } catch {
            throw .malformedJSON(offset: error.offset, message: error.message)
        }
        var decoder = TriageRequestDecoder(limits: limits, allowsInterview: interview)
        let request = decoder.request(json, requireHours: requireHours)
        guard decoder.errors.isEmpty, let request else { throw .invalidBody(decoder.errors) }
        return ReviewBody(
            request: request, sedation: decoder.sedation, hoursGiven: decoder.hoursGiven, answers: decoder.answers)
    }

    /// Records a problem. The pointer is made only then: a valid body builds none.
    private mutating func fail(_ pointer: @autoclosure () -> String, _ detail: String, validValues: [String]? = nil) {
        let pointer = pointer()
        let field = pointer.split(separator: "/").first.map(String.init) ?? "body"
        errors.append(APIProblem.FieldError(field: field, pointer: pointer, detail: detail, validValues: validValues))
    }

    private mutating func request(_ json: JSONValue, requireHours: Bool) -> TriageRequest? {
        guard case .object(let members) = json else {
            fail("", "The body must be a JSON object, not \(json.typeName).")
            return nil
        }
        // By position, not by a dictionary: twelve names compared cost less than hashing them.
        var slots = [JSONValue?](repeating: nil, count: Self.fields.count)
        // The interview's fields come last.
        let allowedCount = allowsInterview ? Self.fields.count : Field.absentSymptoms.rawValue
        for (key, value) in members {
            guard let index = Self.fields.firstIndex(of: key), index < allowedCount else {
                fail(
                    "/\(Self.escape(key))", "Unknown field.",
                    validValues: allowsInterview ? Self.fields : Self.reviewFields)
                continue
            }
            if slots[index] != nil {
                fail("/\(key)", "The field is given more than once.")
            } else {
                slots[index] = value
            }
        }
        let values = Values(slots: slots)
        let injection: InjectionType? = values[.injection].flatMap { code($0, "/injection") }
        if values[.injection] == nil {
            fail("/injection", "Required.", validValues: InjectionType.allCases.map(\.rawValue))
        }
        let approach: Approach? = values[.approach].flatMap { code($0, "/approach") }
        let region: SpinalRegion? = values[.region].flatMap { code($0, "/region") }
        let medications: [Medication]? = values[.medications].flatMap { codes($0, "/medications") }
        if let value = values[.sedation] {
            if case .bool(let flag) = value { sedation = flag } else { fail("/sedation", "Must be true or false.") }
        }
        let hours = values[.hoursSinceInjection].flatMap { number($0, "/hoursSinceInjection", in: Self.hoursRange) }
        if values[.hoursSinceInjection] == nil && requireHours { fail("/hoursSinceInjection", "Required.") }
        hoursGiven = hours != nil
        var temperature = values[.temperatureC].flatMap { number($0, "/temperatureC", in: Self.temperatureRange) }
        if let value = values[.temperatureF] {
            if values[.temperatureC] != nil {
                fail("/temperatureC", "Give the temperature once, in °C or in °F.")
                fail("/temperatureF", "Give the temperature once, in °C or in °F.")
            } else if let fahrenheit = number(value, "/temperatureF", in: Self.temperatureFRange) {
                temperature = ReadingUnits.celsius(fromFahrenheit: fahrenheit)
            }
        }
        var glucose = values[.bloodGlucoseMgDl].flatMap { number($0, "/bloodGlucoseMgDl", in: Self.glucoseRange) }
        if let value = values[.bloodGlucoseMmolL] {
            if values[.bloodGlucoseMgDl] != nil {
                fail("/bloodGlucoseMgDl", "Give the blood sugar once, in mg/dL or in mmol/L.")
                fail("/bloodGlucoseMmolL", "Give the blood sugar once, in mg/dL or in mmol/L.")
            } else if let millimoles = number(value, "/bloodGlucoseMmolL", in: Self.glucoseMmolRange) {
                glucose = ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: millimoles)
            }
        }
        let systolic = values[.systolicBloodPressure].flatMap {
            number($0, "/systolicBloodPressure", in: Self.systolicRange)
        }
        var steroids: Int?
        if let value = values[.steroidInjectionsPast12Months],
            let count = number(value, "/steroidInjectionsPast12Months", in: 0...52)
        {
            if count == count.rounded() {
                steroids = Int(count)
            } else {
                fail("/steroidInjectionsPast12Months", "Must be a whole number.")
            }
        }
        let conditions: [Condition]? = values[.conditions].flatMap { codes($0, "/conditions") }
        let symptoms = values[.symptoms].flatMap { symptomList($0) } ?? []
        if let injection, let approach {
            let allowed: [Approach] = injection == .epiduralSteroid ? Approach.allCases : []
            if !allowed.contains(approach) {
                fail(
                    "/approach", "This injection type has no approach '\(approach.rawValue)'.",
                    validValues: allowed.map(\.rawValue))
            }
        }
        // A sacroiliac-joint injection and a caudal epidural are sacral: a
        // region that says otherwise contradicts them, and triage depends on it.
        if let region, region != .sacral, injection == .sacroiliacJoint || approach == .caudal {
            let what = injection == .sacroiliacJoint ? "A sacroiliac-joint injection" : "A caudal epidural"
            fail(
                "/region", "\(what) is in the sacral region, not '\(region.rawValue)'.",
                validValues: [SpinalRegion.sacral.rawValue])
        }
        if let value = values[.absentSymptoms], let absent: [Symptom] = codes(value, "/absentSymptoms") {
            for (index, code) in absent.enumerated() where symptoms.contains(where: { $0.code == code }) {
                fail("/absentSymptoms/\(index)", "This symptom is also in /symptoms: it cannot be both.")
            }
            answers.absentSymptoms = Set(absent)
        }
        if let value = values[.noOtherSymptoms] {
            if case .bool(let flag) = value {
                answers.noOtherSymptoms = flag
            } else {
                fail("/noOtherSymptoms", "Must be true or false.")
            }
        }
        if let value = values[.unknown] {
            if case .array(let elements) = value {
                for (index, element) in elements.enumerated() {
                    guard case .string(let id) = element, TriageInterview.Fact(id: id) != nil else {
                        fail(
                            "/unknown/\(index)",
                            "Must be a question id: a symptom code, a symptom code and /severity, any-of:<group>, other-symptoms, "
                                + "or temperatureC, bloodGlucoseMgDl or systolicBloodPressure.")
                        continue
                    }
                    answers.unknown.insert(id)
                }
            } else {
                fail("/unknown", "Must be an array of question ids, not \(value.typeName).")
            }
        }
        guard errors.isEmpty, let injection else { return nil }
        return TriageRequest(
            injection: injection, approach: approach, region: region,
            sedation: values[.sedation] == nil ? nil : sedation, medications: medications,
            hoursSinceInjection: hours ?? 0, symptoms: symptoms, temperatureC: temperature, bloodGlucoseMgDl: glucose,
            systolicBloodPressure: systolic, steroidInjectionsPast12Months: steroids, conditions: Set(conditions ?? []))
    }

    /// The members given, by field.
    struct Values {
        var slots: [JSONValue?]
        subscript(field: Field) -> JSONValue? { slots[field.rawValue] }
    }

    private mutating func code<Code: RawRepresentable & CaseIterable>(
        _ value: JSONValue, _ pointer: @autoclosure () -> String
    ) -> Code?
    where Code.RawValue == String {
        guard case .string(let text) = value else {
            fail(pointer(), "Must be a string code, not \(value.typeName).", validValues: Code.allCases.map(\.rawValue))
            return nil
        }
        guard let code = Code(rawValue: text) else {
            fail(pointer(), "Unknown code.", validValues: Code.allCases.map(\.rawValue))
            return nil
        }
        return code
    }

    private mutating func codes<Code: RawRepresentable & CaseIterable & Hashable>(
        _ value: JSONValue, _ pointer: @autoclosure () -> String
    ) -> [Code]?
    where Code.RawValue == String {
        guard case .array(let elements) = value else {
            fail(
                pointer(), "Must be an array of codes, not \(value.typeName).",
                validValues: Code.allCases.map(\.rawValue)
            )
            return nil
        }
        var result: [Code] = []
        for (index, element) in elements.enumerated() {
            guard let code: Code = code(element, "\(pointer())/\(index)") else { continue }
            if result.contains(code) {
                fail("\(pointer())/\(index)", "Listed more than once.")
            } else {
                result.append(code)
            }
        }
        return result
    }

    private mutating func number(
        _ value: JSONValue, _ pointer: @autoclosure () -> String, in range: ClosedRange<Double>
    ) -> Double? {
        guard case .number(let number, _) = value else {
            fail(pointer(), "Must be a number, not \(value.typeName).")
            return nil
        }
        guard range.contains(number) else {
            fail(pointer(), "Must be from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)).")
            return nil
        }
        return number
    }

    private mutating func number(
        _ value: JSONValue, _ pointer: @autoclosure () -> String, in range: ClosedRange<Int>
    ) -> Double? {
        number(value, pointer(), in: Double(range.lowerBound)...Double(range.upperBound))
    }

    private mutating func symptomList(_ value: JSONValue) -> [TriageRequest.SymptomReport]? {
        guard case .array(let elements) = value else {
            fail("/symptoms", "Must be an array, not \(value.typeName).")
            return nil
        }
        guard elements.count <= limits.maxSymptoms else {
            fail("/symptoms", "At most \(limits.maxSymptoms) symptoms.")
            return nil
        }
        var reports: [TriageRequest.SymptomReport] = []
        reports.reserveCapacity(elements.count)
        // By the symptom's ordinal: where in the body each one was first given.
        var seen = [Int](repeating: -1, count: Symptom.allCases.count)
        for (index, element) in elements.enumerated() {
            let pointer = { "/symptoms/\(index)" }
            var report: TriageRequest.SymptomReport?
            switch element {
            case .string:
                report = code(element, pointer()).map { TriageRequest.SymptomReport($0) }
            case .object(let members):
                report = symptomObject(members, pointer)
            default:
                fail(
                    pointer(), "Must be a symptom code or an object with a code, not \(element.typeName).",
                    validValues: Symptom.allCases.map(\.rawValue))
            }
            guard let report else { continue }
            let earlierIndex = seen[report.code.ordinal]
            if earlierIndex >= 0 {
                if reports.first(where: { $0.code == report.code }) != report {
                    fail(pointer(), "The same symptom is given at /symptoms/\(earlierIndex) with different details.")
                }
                continue
            }
            seen[report.code.ordinal] = index
            reports.append(report)
        }
        return reports
    }

    private mutating func symptomObject(_ members: [(key: String, value: JSONValue)], _ pointer: () -> String)
        -> TriageRequest.SymptomReport?
    {
        var code: Symptom?
        var severity: TriageRequest.Severity?
        var worsening = false
        var isNew = true
        var sawCode = false
        // The four known members by bit; an unknown one is refused whether repeated or not.
        var seenKeys: UInt8 = 0
        for (key, value) in members {
            let bit: UInt8 =
                switch key {
                case "code": 1
                case "severity": 2
                case "worsening": 4
                case "new": 8
                default: 0
                }
            guard seenKeys & bit == 0 else {
                fail("\(pointer())/\(Self.escape(key))", "The field is given more than once.")
                continue
            }
            seenKeys |= bit
            switch key {
            case "code":
                sawCode = true
                code = self.code(value, "\(pointer())/code")
            case "severity":
                severity = self.code(value, "\(pointer())/severity")
            case "worsening":
                if case .bool(let flag) = value {
                    worsening = flag
                } else {
                    fail("\(pointer())/worsening", "Must be true or false.")
                }
            case "new":
                if case .bool(let flag) = value {
                    isNew = flag
                } else {
                    fail("\(pointer())/new", "Must be true or false.")
                }
            default:
                fail(
                    "\(pointer())/\(Self.escape(key))", "Unknown field.",
                    validValues: ["code", "severity", "worsening", "new"])
            }
        }
        if !sawCode { fail("\(pointer())/code", "Required.", validValues: Symptom.allCases.map(\.rawValue)) }
        return code.map { TriageRequest.SymptomReport($0, severity: severity, worsening: worsening, isNew: isNew) }
    }

    /// RFC 6901 escaping of a member name in a pointer, scalar by scalar: a
    /// `~` or `/` followed by a combining mark is one Character, which
    /// `replacingOccurrences` would leave unescaped.
    static func escape(_ key: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in key.unicodeScalars {
            switch scalar {
            case "~": escaped.append(contentsOf: "~0".unicodeScalars)
            case "/": escaped.append(contentsOf: "~1".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

import FoundationEssentials
import HTTPFramework
import HTTPServer
import InjectionSafety

/// What a hook request says, as the review's facts, with what was read and
/// what could not be classified (so nothing is silently ignored).
struct CDSFacts {
    var request: TriageRequest
    /// The order's or appointment's code that gave the injection type; `nil`: none mapped (assumed epidural).
    var injectionFrom: String?
    /// Each fact read, for the clinician: "Condition: Type 2 diabetes mellitus (ICD-10-CM E11.9): diabetes".
    var read: [String] = []
    /// Per kind of data, how many items matched nothing the review uses.
    var unclassified: [(kind: String, count: Int)] = []
    /// Mapped codes that are not yet verified against a source.
    var unverifiedUsed: [String] = []
}

/// Reads a CDS Hooks request (context and prefetch, FHIR R4) through `cds-mapping.json`.
struct CDSHookReader {
    let mapping: CDSMapping
    let service: CDSHooksRoutes.Service
    var errors: [APIProblem.FieldError] = []

    init(mapping: CDSMapping, service: CDSHooksRoutes.Service) {
        self.mapping = mapping
        self.service = service
    }

    typealias Object = [(key: String, value: JSONValue)]
    typealias Coding = (system: String?, code: String?, display: String?)

    mutating func fail(_ pointer: String, _ detail: String) {
        let field = pointer.split(separator: "/").last.map(String.init) ?? "body"
        errors.append(APIProblem.FieldError(field: field, pointer: pointer, detail: detail))
    }

    static func member(_ object: Object, _ key: String) -> JSONValue? {
        object.first { $0.key == key }?.value
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    /// The codings and text of a CodeableConcept.
    static func concept(_ value: JSONValue?) -> (codings: [Coding], text: String?) {
        guard case .object(let fields)? = value else { return ([], nil) }
        var codings: [Coding] = []
        if case .array(let list)? = member(fields, "coding") {
            for element in list {
                guard case .object(let coding) = element else { continue }
                codings.append(
                    (
                        string(member(coding, "system")), string(member(coding, "code")),
                        string(member(coding, "display"))
                    ))
            }
        }
        return (codings, string(member(fields, "text")))
    }

    /// The resources of a prefetch value or context member: a searchset Bundle's
    /// entries, each of `type`, or none (null). Anything else is a malformed request.
    mutating func resources(
        _ value: JSONValue, _ pointer: String, of type: String, nullable: Bool = true
    ) -> [(Object, String)] {
        switch value {
        case .null where nullable: return []
        case .object(let fields):
            guard Self.string(Self.member(fields, "resourceType")) == "Bundle" else {
                fail(pointer, "Must be a Bundle of \(type) resources, or null for no data.")
                return []
            }
            guard let entries = Self.member(fields, "entry") else { return [] }
            guard case .array(let list) = entries else {
                fail(pointer + "/entry", "Must be an array of Bundle entries.")
                return []
            }
            var result: [(Object, String)] = []
            for (index, entry) in list.enumerated() {
                let entryPointer = "\(pointer)/entry/\(index)"
                guard case .object(let entryFields) = entry,
                    case .object(let resource)? = Self.member(entryFields, "resource"),
                    Self.string(Self.member(resource, "resourceType")) == type
                else {
                    fail(entryPointer, "A Bundle entry here needs a \(type) resource.")
                    continue
                }
                result.append((resource, entryPointer + "/resource"))
            }
            return result
        default:
            fail(pointer, "Must be a Bundle of \(type) resources, or null for no data.")
            return []
        }
    }

    static func systemName(_ url: String?, _ mapping: CDSMapping) -> String {
        guard let url else { return "no system" }
        let names = ["rxnorm": "RxNorm", "snomed": "SNOMED CT", "icd10cm": "ICD-10-CM", "loinc": "LOINC", "cpt": "CPT"]
        for (key, value) in mapping.systems where value == url { return names[key] ?? key }
        return url
    }

    /// Whether a resource's status (and clinical and verification statuses) says it holds now.
    static func isCurrent(_ resource: Object) -> Bool {
        if let status = string(member(resource, "status")),
            ["entered-in-error", "cancelled", "stopped", "completed", "not-taken", "revoked"].contains(status)
        {
            // A completed procedure is current for the steroid count (checked there), not for a condition.
            return status == "completed" && string(member(resource, "resourceType")) == "Procedure"
        }
        let clinical = concept(member(resource, "clinicalStatus")).codings.compactMap(\.code)
        if !clinical.isEmpty && !clinical.contains(where: { ["active", "recurrence", "relapse"].contains($0) }) {
            return false
        }
        let verification = concept(member(resource, "verificationStatus")).codings.compactMap(\.code)
        return !verification.contains { ["refuted", "entered-in-error"].contains($0) }
    }

    // MARK: - The request

    mutating func read(_ members: Object) throws(APIProblem) -> CDSFacts {
        if Self.string(Self.member(members, "hook")) != service.hook {
            fail("/hook", "Must be \(service.hook), the hook of this service.")
        }
        if (Self.string(Self.member(members, "hookInstance")) ?? "").isEmpty {
            fail("/hookInstance", "Required: the hook call's unique id.")
        }
        var context: Object = []
        if case .object(let fields)? = Self.member(members, "context") {
            context = fields
            if (Self.string(Self.member(fields, "patientId")) ?? "").isEmpty {
                fail("/context/patientId", "Required: the patient's FHIR id.")
            }
        } else {
            fail("/context", "Required: the hook's context object.")
        }
        var prefetch: Object = []
        if let value = Self.member(members, "prefetch") {
            guard case .object(let fields) = value else {
                fail("/prefetch", "Must be an object of prefetch keys.")
                throw APIProblem(.invalidHookRequest, detail: "The hook request is malformed.", errors: errors)
            }
            prefetch = fields
        }
        guard errors.isEmpty else {
            throw APIProblem(.invalidHookRequest, detail: "The hook request is malformed.", errors: errors)
        }
        // Every required prefetch key must be there (null when the EHR has no data): without it,
        // a blood thinner could go unseen, and the service cannot fetch it.
        let missing = CDSHooksRoutes.prefetch.map(\.key).filter { $0 != "patient" && Self.member(prefetch, $0) == nil }
        if !missing.isEmpty {
            throw APIProblem(
                .prefetchMissing,
                detail: "The prefetch lacks \(missing.joined(separator: ", ")); the service cannot fetch them.",
                errors: missing.map {
                    .init(field: $0, pointer: "/prefetch/\($0)", detail: "Missing; send null for no data.")
                })
        }

        if let patient = Self.member(prefetch, "patient"), patient != .null {
            var isPatient = false
            if case .object(let fields) = patient {
                isPatient = Self.string(Self.member(fields, "resourceType")) == "Patient"
            }
            if !isPatient { fail("/prefetch/patient", "Must be a Patient resource, or null.") }
        }
        var facts = CDSFacts(request: TriageRequest(injection: .epiduralSteroid, hoursSinceInjection: 0))
        readInjection(context, &facts)
        var conditions = Set<Condition>()
        readConditions(prefetch, &facts, &conditions)
        readMedications(prefetch, &facts, &conditions)
        readAllergies(prefetch, &facts, &conditions)
        readObservations(prefetch, &facts)
        readProcedures(prefetch, &facts)
        facts.request.conditions = conditions
        guard errors.isEmpty else {
            throw APIProblem(
                .invalidHookRequest, detail: "A FHIR resource of the request is malformed.", errors: errors)
        }
        return facts
    }

    mutating func note(_ entry: CDSMapping.Entry, _ facts: inout CDSFacts) {
        if !entry.isVerified, let code = entry.code {
            let text = "\(Self.systemName(entry.system.flatMap { mapping.systems[$0] }, mapping)) \(code)"
            if !facts.unverifiedUsed.contains(text) { facts.unverifiedUsed.append(text) }
        }
    }

    /// The order's or appointment's code: the injection type (and approach); none mapped: an epidural is assumed.
    mutating func readInjection(_ context: Object, _ facts: inout CDSFacts) {
        // Both hooks' members are checked when present; the service's own is read.
        let other: CDSHooksRoutes.Service = service == .orderSign ? .appointmentBook : .orderSign
        if let value = Self.member(context, other.contextMember) {
            _ = resources(
                value, "/context/\(other.contextMember)", of: other == .orderSign ? "ServiceRequest" : "Appointment",
                nullable: false)
        }
        let pointer = "/context/\(service.contextMember)"
        guard let value = Self.member(context, service.contextMember) else { return }
        for (resource, _) in resources(
            value, pointer, of: service == .orderSign ? "ServiceRequest" : "Appointment", nullable: false)
        {
            var concepts = [Self.concept(Self.member(resource, "code"))]
            for key in ["serviceType", "reasonCode", "appointmentType"] {
                if case .array(let list)? = Self.member(resource, key) {
                    concepts += list.map { Self.concept($0) }
                } else if let single = Self.member(resource, key) {
                    concepts.append(Self.concept(single))
                }
            }
            for concept in concepts {
                for coding in concept.codings {
                    guard
                        let entry = mapping.entry(
                            in: mapping.procedures, system: coding.system, code: coding.code, display: nil),
                        let injection = entry.injection
                    else { continue }
                    facts.request.injection = injection
                    facts.request.approach = entry.approach
                    facts.injectionFrom =
                        "\(Self.systemName(coding.system, mapping)) \(coding.code ?? "") (\(entry.display))"
                    note(entry, &facts)
                    return
                }
            }
        }
    }

    mutating func readConditions(_ prefetch: Object, _ facts: inout CDSFacts, _ conditions: inout Set<Condition>) {
        guard let value = Self.member(prefetch, "conditions") else { return }
        var unmapped = 0
        for (resource, _) in resources(value, "/prefetch/conditions", of: "Condition") where Self.isCurrent(resource) {
            let concept = Self.concept(Self.member(resource, "code"))
            var found = false
            for coding in concept.codings {
                guard
                    let entry = mapping.entry(
                        in: mapping.conditions, system: coding.system, code: coding.code, display: nil),
                    let means = entry.means
                else { continue }
                conditions.insert(means)
                facts.read.append(
                    "Condition: \(coding.display ?? entry.display) (\(Self.systemName(coding.system, mapping)) \(coding.code ?? "")): \(means.rawValue)"
                )
                note(entry, &facts)
                found = true
                break
            }
            if !found { unmapped += 1 }
        }
        if unmapped > 0 { facts.unclassified.append(("active conditions", unmapped)) }
    }

    /// The entry of `list` a concept matches: by a coding's code or display (the
    /// coding returned), else by name in the concept's text (no coding).
    func classify(_ concept: (codings: [Coding], text: String?), in list: [CDSMapping.Entry]) -> (
        CDSMapping.Entry, Coding?
    )? {
        for coding in concept.codings {
            if let entry = mapping.entry(in: list, system: coding.system, code: coding.code, display: coding.display) {
                return (entry, coding)
            }
        }
        if let text = concept.text, let entry = mapping.entry(in: list, system: nil, code: nil, display: text) {
            return (entry, nil)
        }
        return nil
    }

    mutating func readMedications(_ prefetch: Object, _ facts: inout CDSFacts, _ conditions: inout Set<Condition>) {
        var unmapped = 0
        for key in ["medicationRequests", "medicationStatements"] {
            guard let value = Self.member(prefetch, key) else { continue }
            let type = key == "medicationRequests" ? "MedicationRequest" : "MedicationStatement"
            for (resource, _) in resources(value, "/prefetch/\(key)", of: type) where Self.isCurrent(resource) {
                let concept = Self.concept(Self.member(resource, "medicationCodeableConcept"))
                guard let (entry, matched) = classify(concept, in: mapping.medications), let means = entry.means else {
                    unmapped += 1
                    continue
                }
                conditions.insert(means)
                let shown = matched?.display ?? concept.text ?? entry.display
                facts.read.append("Medication: \(shown) (\(entry.display)): \(means.rawValue)")
                if matched?.code == entry.code { note(entry, &facts) }  // a name match relies on no code
            }
        }
        if unmapped > 0 {
            facts.unclassified.append(("active medications not recognised as a blood thinner", unmapped))
        }
    }

    mutating func readAllergies(_ prefetch: Object, _ facts: inout CDSFacts, _ conditions: inout Set<Condition>) {
        guard let value = Self.member(prefetch, "allergies") else { return }
        var unmapped = 0
        for (resource, _) in resources(value, "/prefetch/allergies", of: "AllergyIntolerance")
        where Self.isCurrent(resource) {
            let concept = Self.concept(Self.member(resource, "code"))
            guard let (entry, matched) = classify(concept, in: mapping.allergies), let means = entry.means else {
                unmapped += 1
                continue
            }
            conditions.insert(means)
            facts.read.append(
                "Allergy: \(concept.codings.first?.display ?? concept.text ?? entry.display): \(means.rawValue)")
            if matched?.code == entry.code { note(entry, &facts) }  // a name match relies on no code
        }
        if unmapped > 0 { facts.unclassified.append(("allergies not among those the review considers", unmapped)) }
    }

    /// The latest value of each reading (by effective date), in the review's units.
    mutating func readObservations(_ prefetch: Object, _ facts: inout CDSFacts) {
        var latest: [String: (date: String, value: Double, shown: String)] = [:]
        var unreadable = 0
        for key in ["glucose", "bloodPressure", "temperature"] {
            guard let value = Self.member(prefetch, key) else { continue }
            for (resource, _) in resources(value, "/prefetch/\(key)", of: "Observation") {
                if let status = Self.string(Self.member(resource, "status")),
                    !["final", "amended", "corrected", "preliminary"].contains(status)
                {
                    continue
                }
                let date =
                    Self.string(Self.member(resource, "effectiveDateTime")) ?? Self.string(
                        Self.member(resource, "issued")) ?? ""
                // The observation itself, and its components (a blood pressure panel's systolic).
                var parts: [(JSONValue?, JSONValue?)] = [
                    (Self.member(resource, "code"), Self.member(resource, "valueQuantity"))
                ]
                if case .array(let components)? = Self.member(resource, "component") {
                    for component in components {
                        if case .object(let fields) = component {
                            parts.append((Self.member(fields, "code"), Self.member(fields, "valueQuantity")))
                        }
                    }
                }
                var used = false
                let mapping = self.mapping
                for (code, quantity) in parts {
                    guard
                        let entry = Self.concept(code).codings.compactMap({
                            mapping.entry(in: mapping.observations, system: $0.system, code: $0.code, display: nil)
                        }).first,
                        let reading = entry.reading
                    else { continue }
                    guard case .object(let fields)? = quantity,
                        case .number(let number, _)? = Self.member(fields, "value")
                    else { continue }
                    let unit =
                        Self.string(Self.member(fields, "code")) ?? Self.string(Self.member(fields, "unit")) ?? ""
                    let shownUnit = Self.string(Self.member(fields, "unit")) ?? unit
                    guard let converted = Self.convert(number, unit: unit, reading: reading) else { continue }
                    used = true
                    if let previous = latest[reading], previous.date >= date { continue }
                    latest[reading] = (
                        date, converted,
                        "\(Self.trimmed(number)) \(shownUnit)\(date.isEmpty ? "" : " on \(date.prefix(10))")"
                    )
                    note(entry, &facts)
                }
                if !used { unreadable += 1 }
            }
        }
        if let glucose = latest["bloodGlucose"] {
            facts.request.bloodGlucoseMgDl = glucose.value
            facts.read.append("Blood glucose: \(glucose.shown)")
        }
        if let systolic = latest["systolicBloodPressure"] {
            facts.request.systolicBloodPressure = systolic.value
            facts.read.append("Systolic blood pressure: \(systolic.shown)")
        }
        if let temperature = latest["temperature"] {
            facts.request.temperatureC = temperature.value
            facts.read.append("Body temperature: \(temperature.shown)")
        }
        if unreadable > 0 {
            facts.unclassified.append(("observations whose code or unit could not be read", unreadable))
        }
    }

    /// A reading in the units the rules use, or `nil` for a unit not known here (or out of range).
    static func convert(_ value: Double, unit: String, reading: String) -> Double? {
        let result: Double?
        switch (reading, unit) {
        case ("bloodGlucose", "mg/dL"): result = value
        case ("bloodGlucose", "mmol/L"): result = ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: value)
        case ("systolicBloodPressure", "mm[Hg]"), ("systolicBloodPressure", "mmHg"): result = value
        case ("temperature", "Cel"), ("temperature", "°C"): result = value
        case ("temperature", "[degF]"), ("temperature", "°F"): result = ReadingUnits.celsius(fromFahrenheit: value)
        default: result = nil
        }
        guard let result else { return nil }
        let range: ClosedRange<Double> =
            switch reading {
            case "bloodGlucose": TriageRequestDecoder.glucoseRange
            case "temperature": TriageRequestDecoder.temperatureRange
            default: TriageRequestDecoder.systolicRange
            }
        return range.contains(result) ? result : nil
    }

    static func trimmed(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }

    /// Corticosteroid spinal injections done in the 365 days before now, plus this one when it has one.
    mutating func readProcedures(_ prefetch: Object, _ facts: inout CDSFacts) {
        let now = Date()
        var count = 0
        if let value = Self.member(prefetch, "procedures") {
            for (resource, _) in resources(value, "/prefetch/procedures", of: "Procedure") {
                guard Self.string(Self.member(resource, "status")) == "completed" else { continue }
                let concept = Self.concept(Self.member(resource, "code"))
                let mapping = self.mapping
                guard
                    let entry = concept.codings.compactMap({
                        mapping.entry(in: mapping.procedures, system: $0.system, code: $0.code, display: nil)
                    }).first, entry.steroidInjection == true
                else { continue }
                var performed = Self.string(Self.member(resource, "performedDateTime"))
                if performed == nil, case .object(let period)? = Self.member(resource, "performedPeriod") {
                    performed = Self.string(Self.member(period, "start"))
                }
                guard let performed, let date = Self.date(performed) else { continue }
                let days = now.timeIntervalSince(date) / 86_400
                if days >= 0 && days <= 365 {
                    count += 1
                    note(entry, &facts)
                }
            }
        }
        // The caller adds this one when its injection contains a corticosteroid.
        facts.request.steroidInjectionsPast12Months = count
        if count > 0 { facts.read.append("Corticosteroid spinal injections in the past 12 months: \(count)") }
    }

    /// A FHIR date or dateTime's day (time and zone ignored: a day's precision is enough here).
    static func date(_ text: String) -> Date? {
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.date(from: DateComponents(year: year, month: month, day: day))
    }
}

import FoundationEssentials
import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// CDS Hooks 2.0 (HL7): the pre-procedure review inside the clinician's EHR.
///
/// - `GET /cds-services`: discovery, one service per hook (`order-sign` for a
///   draft order of a spinal injection, `appointment-book` for a booking).
/// - `POST /cds-services/{id}`: reads the hook's context and prefetch (FHIR
///   R4) into the review's facts through `cds-mapping.json`, runs the review
///   and answers cards: one per reason, and info cards for what was read and
///   what could not be classified. Prefetch keys missing: 412 (the service has
///   no FHIR client and stores nothing).
/// - `POST /cds-services/{id}/feedback`: counted in metrics, nothing stored.
///
/// Nothing of the request is logged (the access log names the route template).
struct CDSHooksRoutes: Sendable {
    enum Service: String, CaseIterable, Sendable {
        case orderSign = "spinal-injection-order-review"
        case appointmentBook = "spinal-injection-appointment-review"

        var hook: String {
            switch self {
            case .orderSign: "order-sign"
            case .appointmentBook: "appointment-book"
            }
        }

        var title: String {
            switch self {
            case .orderSign: "Spinal injection order: pre-procedure review"
            case .appointmentBook: "Spinal injection booking: pre-procedure review"
            }
        }

        var description: String {
            switch self {
            case .orderSign:
                "When a spinal injection order is signed, checks the patient's EHR data against the pre-procedure review rules (blood thinners, blood glucose, infection, pregnancy and fluoroscopy, allergies, corticosteroid count, blood pressure) and says what postpones it or needs a discussion."
            case .appointmentBook:
                "When a spinal injection appointment is booked, runs the same pre-procedure review on the patient's EHR data, so what postpones it is known before the day."
            }
        }

        /// The context member holding the orders or appointments (a Bundle).
        var contextMember: String {
            switch self {
            case .orderSign: "draftOrders"
            case .appointmentBook: "appointments"
            }
        }
    }

    /// The prefetch templates: key and FHIR query. All but `patient` are required.
    static let prefetch: [(key: String, query: String)] = [
        ("patient", "Patient/{{context.patientId}}"),
        ("conditions", "Condition?patient={{context.patientId}}&clinical-status=active"),
        ("medicationRequests", "MedicationRequest?patient={{context.patientId}}&status=active"),
        ("medicationStatements", "MedicationStatement?patient={{context.patientId}}&status=active"),
        ("allergies", "AllergyIntolerance?patient={{context.patientId}}&clinical-status=active"),
        (
            "glucose",
            "Observation?patient={{context.patientId}}&code=http://loinc.org|2345-7,http://loinc.org|2339-0,http://loinc.org|41653-7,http://loinc.org|15074-8,http://loinc.org|14749-6&_sort=-date&_count=1"
        ),
        (
            "bloodPressure",
            "Observation?patient={{context.patientId}}&code=http://loinc.org|85354-9,http://loinc.org|8480-6&_sort=-date&_count=1"
        ),
        ("temperature", "Observation?patient={{context.patientId}}&code=http://loinc.org|8310-5&_sort=-date&_count=1"),
        ("procedures", "Procedure?patient={{context.patientId}}&status=completed"),
    ]

    let builder: ChecklistBuilder
    let metrics: ApplicationMetrics
    let limits: APILimits
    let discovery: CachedResponse

    init(knowledgeBase: KnowledgeBase, metrics: ApplicationMetrics, limits: APILimits) {
        builder = ChecklistBuilder(knowledgeBase: knowledgeBase)
        self.metrics = metrics
        self.limits = limits
        discovery = CachedResponse(body: Self.discoveryBody())
    }

    static func discoveryBody() -> [UInt8] {
        var json: [UInt8] = []
        json.append(jsonLiteral: #"{"services":["#)
        for (index, service) in Service.allCases.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(jsonLiteral: #"{"hook":"#)
            JSONString.append(service.hook, to: &json)
            json.append(jsonLiteral: #","title":"#)
            JSONString.append(service.title, to: &json)
            json.append(jsonLiteral: #","description":"#)
            JSONString.append(service.description, to: &json)
            json.append(jsonLiteral: #","id":"#)
            JSONString.append(service.rawValue, to: &json)
            json.append(jsonLiteral: #","usageRequirements":"#)
            JSONString.append(
                "Send every prefetch key (null when there is no data): the service has no FHIR client and answers 412 without them. It stores nothing and logs no patient data.",
                to: &json)
            json.append(jsonLiteral: #","prefetch":{"#)
            for (position, template) in prefetch.enumerated() {
                if position > 0 { json.append(UInt8(ascii: ",")) }
                JSONString.append(template.key, to: &json)
                json.append(UInt8(ascii: ":"))
                JSONString.append(template.query, to: &json)
            }
            json.append(jsonLiteral: "}}")
        }
        json.append(jsonLiteral: "]}")
        return json
    }

    func register(in router: inout Router) {
        router.add(.get, "/cds-services") { request, _ in
            try QueryValidator.requireNoParameters(request.query)
            return discovery.response(to: request)
        }
        router.add(.post, "/cds-services/{id}") { request, context in
            try call(request, id: context.parameters["id"] ?? "")
        }
        router.add(.post, "/cds-services/{id}/feedback") { request, context in
            try feedback(request, id: context.parameters["id"] ?? "")
        }
    }

    static func service(_ id: String) throws(APIProblem) -> Service {
        guard let service = Service(rawValue: id) else {
            throw APIProblem(.notFound, detail: "No CDS service has this id; GET /cds-services lists them.")
        }
        return service
    }

    static func parse(_ request: HTTPRequest, limits: APILimits) throws(APIProblem) -> [(
        key: String, value: JSONValue
    )] {
        try QueryValidator.requireNoParameters(request.query)
        guard TriageRoutes.isJSON(request.headers["Content-Type"]) else { throw .unsupportedMediaType }
        let json: JSONValue
        do {
            json = try JSONParser.parse(request.body, limits: limits)
        } catch {
            throw .malformedJSON(offset: error.offset, message: error.message)
        }
        guard case .object(let members) = json else {
            throw APIProblem(
                .invalidHookRequest, detail: "The body must be a JSON object.",
                errors: [.init(field: "body", pointer: "", detail: "Must be a JSON object.")])
        }
        return members
    }

    // MARK: - The call

    func call(_ request: HTTPRequest, id: String) throws(APIProblem) -> HTTPResponse {
        let service = try Self.service(id)
        let members = try Self.parse(request, limits: limits)
        var reader = CDSHookReader(mapping: builder.knowledgeBase.cdsMapping, service: service)
        var facts = try reader.read(members)
        // Counting this one, when the injection contains a corticosteroid (its usual medicines).
        if builder.knowledgeBase.injection(facts.request.injection)?.defaultMedications.contains(.corticosteroid)
            == true
        {
            facts.request.steroidInjectionsPast12Months = (facts.request.steroidInjectionsPast12Months ?? 0) + 1
        }
        let review = builder.review(facts.request, sedation: false, hoursGiven: false)
        metrics.hookAnswered(service, review.decision)
        let body = CDSCards.response(
            review: review, facts: facts, knowledgeBase: builder.knowledgeBase, baseURL: Self.baseURL(request))
        return HTTPResponse(
            status: .ok, contentType: "application/json", headers: [("Cache-Control", "no-store")], body: body)
    }

    /// Where the service's own pages are, for the cards' links: the request's
    /// host, over https when a proxy says so (`X-Forwarded-Proto`).
    static func baseURL(_ request: HTTPRequest) -> String {
        let host = request.headers["Host"] ?? "localhost"
        let proto = request.headers["X-Forwarded-Proto"]?.lowercased() == "https" ? "https" : "http"
        // Only host characters: a header cannot inject anything into the links.
        let safe = host.filter { $0.isLetter || $0.isNumber || ".-:[]".contains($0) }
        return "\(proto)://\(safe.isEmpty ? "localhost" : safe)"
    }

    // MARK: - Feedback

    func feedback(_ request: HTTPRequest, id: String) throws(APIProblem) -> HTTPResponse {
        _ = try Self.service(id)
        let members = try Self.parse(request, limits: limits)
        var errors: [APIProblem.FieldError] = []
        var outcomes: [String] = []
        if case .array(let entries)? = members.first(where: { $0.key == "feedback" })?.value {
            for (index, entry) in entries.enumerated() {
                let pointer = "/feedback/\(index)"
                guard case .object(let fields) = entry else {
                    errors.append(.init(field: "feedback", pointer: pointer, detail: "Must be an object."))
                    continue
                }
                guard case .string(let card)? = fields.first(where: { $0.key == "card" })?.value, !card.isEmpty else {
                    errors.append(
                        .init(field: "card", pointer: pointer + "/card", detail: "Required: the card's uuid."))
                    continue
                }
                guard case .string(let outcome)? = fields.first(where: { $0.key == "outcome" })?.value,
                    outcome == "accepted" || outcome == "overridden"
                else {
                    errors.append(
                        .init(
                            field: "outcome", pointer: pointer + "/outcome", detail: "Must be accepted or overridden.",
                            validValues: ["accepted", "overridden"]))
                    continue
                }
                guard case .string? = fields.first(where: { $0.key == "outcomeTimestamp" })?.value else {
                    errors.append(
                        .init(
                            field: "outcomeTimestamp", pointer: pointer + "/outcomeTimestamp",
                            detail: "Required: when the card was acted on."))
                    continue
                }
                outcomes.append(outcome)
            }
        } else {
            errors.append(.init(field: "feedback", pointer: "/feedback", detail: "Required: an array of feedback."))
        }
        guard errors.isEmpty else {
            throw APIProblem(
                .invalidHookRequest, detail: "The feedback is not as CDS Hooks defines it.", errors: errors)
        }
        for outcome in outcomes { metrics.feedbackReceived(outcome) }
        return HTTPResponse(
            status: .ok, contentType: "application/json", headers: [("Cache-Control", "no-store")],
            body: Array(#"{"received":\#(outcomes.count)}"#.utf8))
    }
}

import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// `GET /v1/checklists/{phase}` and `POST /v1/checklists/pre-procedure/review`.
struct ChecklistRoutes: Sendable {
    static let parameters = ["injection", "approach", "region", "medications", "conditions", "sedation", "format"]

    let builder: ChecklistBuilder
    let metrics: ApplicationMetrics

    /// The body limits of the review.
    let limits: APILimits
    /// The headers of every review answer (made once).
    let reviewHeaders: [(name: String, value: String)]

    init(knowledgeBase: KnowledgeBase, metrics: ApplicationMetrics, limits: APILimits = APILimits()) {
        self.limits = limits
        builder = ChecklistBuilder(knowledgeBase: knowledgeBase)
        self.metrics = metrics
        reviewHeaders = ContentLanguage.answerHeaders(knowledgeBase.language)
    }

    func register(in router: inout Router) {
        router.add(.get, "/v1/checklists/{phase}") { request, context in
            try checklist(request, phase: context.parameters["phase"] ?? "")
        }
        router.add(.post, "/v1/checklists/pre-procedure/review") { request, _ in
            try review(request)
        }
    }

    func checklist(_ request: HTTPRequest, phase name: String) throws(APIProblem) -> HTTPResponse {
        guard let phase = ChecklistPhase(rawValue: name) else {
            throw APIProblem(
                .notFound,
                detail:
                    "No checklist phase has this name; the phases are pre-procedure, day-of-procedure and post-procedure."
            )
        }
        let patient: ChecklistBuilder.Patient
        do {
            var validator = try QueryValidator(query: request.query, allowed: Self.parameters)
            let injection = validator.codes("injection", as: InjectionType.self)
            if validator.string("injection") == nil {
                validator.fail("injection", "Required: the injection type.")
            } else if let injection, injection.count != 1 {
                validator.fail("injection", "Give one injection type.")
            }
            let approaches = validator.codes("approach", as: Approach.self)
            let regions = validator.codes("region", as: SpinalRegion.self)
            let medications = validator.codes("medications", as: Medication.self)
            let conditions = validator.codes("conditions", as: Condition.self)
            let sedation = validator.boolean("sedation") ?? false
            if let format = validator.string("format"), !["fhir", "json", "html"].contains(format) {
                validator.fail("format", "Must be fhir, json or html.")
            }
            if let approaches, approaches.count != 1 || injection?.first != .epiduralSteroid {
                validator.fail("approach", "Give one approach, and only for an epidural steroid injection.")
            }
            if let regions {
                if regions.count != 1 {
                    validator.fail("region", "Give one region.")
                } else if regions[0] != .sacral
                    && (injection?.first == .sacroiliacJoint || approaches?.first == .caudal)
                {
                    validator.fail(
                        "region", "A sacroiliac-joint injection and a caudal epidural are in the sacral region.")
                }
            }
            try validator.validate()
            guard let chosen = injection?.first else {
                throw APIProblem.invalidParameters([.init(field: "injection", detail: "Required: the injection type.")])
            }
            patient = ChecklistBuilder.Patient(
                injection: chosen, approach: approaches?.first, region: regions?.first, medications: medications,
                conditions: Set(conditions ?? []), sedation: sedation)
        }
        if FHIRQuestionnaire.isRequested(accept: request.headers["Accept"], query: request.query) {
            // Before: the readiness questions (answered at the review); after: the
            // check-in (answered at POST /v1/triage). The day itself has none.
            let body: [UInt8]
            switch phase {
            case .preProcedure:
                body = FHIRQuestionnaire.questionnaire(for: patient.injection, knowledgeBase: builder.knowledgeBase)
            case .postProcedure:
                body = FHIRCheckIn.questionnaire(for: patient.injection, knowledgeBase: builder.knowledgeBase)
            case .dayOfProcedure:
                throw APIProblem(
                    .notAcceptable,
                    detail:
                        "A FHIR Questionnaire exists for the pre-procedure phase (the readiness review) and the post-procedure phase (the check-in) only."
                )
            }
            var response = CachedResponse(body: body, language: builder.knowledgeBase.language, vary: "Accept")
                .response(to: request)
            response.contentType = FHIRQuestionnaire.mediaType
            return response
        }
        let items = builder.checklist(phase, for: patient)
        if HTMLPage.isWanted(accept: request.headers["Accept"])
            || QueryParameters(query: request.query)?["format"] == "html"
        {
            let name =
                builder.knowledgeBase.injection(patient.injection)?.name.lowercased() ?? patient.injection.rawValue
            var response = CachedResponse(
                body: ChecklistHandout.html(
                    phase: phase, injectionName: name, items: items, texts: builder.knowledgeBase.patientTexts,
                    language: builder.knowledgeBase.language),
                language: builder.knowledgeBase.language, vary: "Accept"
            ).response(to: request)
            response.contentType = HTMLPage.mediaType
            return response
        }
        var json = Array(#"{"phase":"#.utf8)
        JSONString.append(phase.rawValue, to: &json)
        json.append(contentsOf: #","injection":"#.utf8)
        JSONString.append(patient.injection.rawValue, to: &json)
        json.append(contentsOf: #","personalisedBy":"#.utf8)
        Self.appendPersonalisation(patient, medications: builder.medicationsGiven(patient), to: &json)
        json.append(contentsOf: #","items":"#.utf8)
        Self.appendItems(items, to: &json)
        Self.appendTail(builder.knowledgeBase, to: &json)
        return CachedResponse(body: json, language: builder.knowledgeBase.language, vary: "Accept")
            .response(to: request)
    }

    func review(_ request: HTTPRequest) throws(APIProblem) -> HTTPResponse {
        try QueryValidator.requireNoParameters(request.query)
        let contentType = request.headers["Content-Type"]
        let isFHIR = contentType?.lowercased().hasPrefix(FHIRQuestionnaire.mediaType) == true
        guard isFHIR || TriageRoutes.isJSON(contentType) else { throw .unsupportedMediaType }
        let input =
            isFHIR
            ? try FHIRQuestionnaire.reviewRequest(
                from: request.body, limits: limits, profile: builder.knowledgeBase.profile)
            : try TriageRequestDecoder.decodeWithSedation(request.body, requireHours: false, limits: limits)
        let review = builder.review(input.request, sedation: input.sedation, hoursGiven: input.hoursGiven)
        metrics.reviewAnswered(review.decision)
        var json = Array(#"{"decision":"#.utf8)
        JSONString.append(review.decision.rawValue, to: &json)
        json.append(contentsOf: #","reasons":["#.utf8)
        for (index, reason) in review.reasons.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: #"{"ruleId":"#.utf8)
            JSONString.append(reason.ruleID, to: &json)
            json.append(contentsOf: #","decision":"#.utf8)
            JSONString.append(reason.decision.rawValue, to: &json)
            json.append(contentsOf: #","explanation":"#.utf8)
            JSONString.append(reason.explanation, to: &json)
            json.append(contentsOf: #","sources":"#.utf8)
            JSONString.appendArray(reason.sources, to: &json)
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "]"))
        if let triage = review.triage { Self.appendTriage(triage, to: &json) }
        json.append(contentsOf: #","items":"#.utf8)
        Self.appendItems(review.items, to: &json)
        Self.appendTail(builder.knowledgeBase, to: &json)
        return HTTPResponse(
            status: .ok, contentType: "application/json",
            headers: reviewHeaders,
            body: json)
    }

    // MARK: - JSON

    /// `,"triage":{…}`: the level, what to do, and each matched rule (no facts,
    /// which name the hours the review assumed).
    static func appendTriage(_ triage: TriageResult, to json: inout [UInt8]) {
        json.append(contentsOf: #","triage":{"level":"#.utf8)
        JSONString.append(triage.level.rawValue, to: &json)
        json.append(contentsOf: #","action":"#.utf8)
        JSONString.append(triage.action, to: &json)
        json.append(contentsOf: #","reasons":["#.utf8)
        for (index, reason) in triage.reasons.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: #"{"ruleId":"#.utf8)
            JSONString.append(reason.ruleID, to: &json)
            json.append(contentsOf: #","level":"#.utf8)
            JSONString.append(reason.level.rawValue, to: &json)
            json.append(contentsOf: #","symptoms":"#.utf8)
            JSONString.appendArray(reason.symptoms.map(\.rawValue), to: &json)
            json.append(contentsOf: #","explanation":"#.utf8)
            JSONString.append(reason.explanation, to: &json)
            json.append(UInt8(ascii: "}"))
        }
        json.append(contentsOf: "]}".utf8)
    }

    static func appendItems(_ items: [ChecklistBuilder.PersonalisedItem], to json: inout [UInt8]) {
        json.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: #"{"id":"#.utf8)
            JSONString.append(item.id, to: &json)
            json.append(contentsOf: #","phase":"#.utf8)
            JSONString.append(item.phase.rawValue, to: &json)
            json.append(contentsOf: #","category":"#.utf8)
            JSONString.append(item.category.rawValue, to: &json)
            json.append(contentsOf: #","text":"#.utf8)
            JSONString.append(item.text, to: &json)
            if let level = item.warningLevel {
                json.append(contentsOf: #","level":"#.utf8)
                JSONString.append(level.rawValue, to: &json)
                json.append(contentsOf: #","title":"#.utf8)
                JSONString.append(item.title ?? "", to: &json)
                json.append(contentsOf: #","signs":"#.utf8)
                JSONString.appendArray(item.signs, to: &json)
            }
            json.append(contentsOf: #","because":"#.utf8)
            JSONString.appendArray(item.because, to: &json)
            json.append(contentsOf: #","sources":"#.utf8)
            JSONString.appendArray(item.sources, to: &json)
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "]"))
    }

    static func appendPersonalisation(
        _ patient: ChecklistBuilder.Patient, medications: Set<Medication>, to json: inout [UInt8]
    ) {
        json.append(contentsOf: #"{"injection":"#.utf8)
        JSONString.append(patient.injection.rawValue, to: &json)
        if let approach = patient.approach {
            json.append(contentsOf: #","approach":"#.utf8)
            JSONString.append(approach.rawValue, to: &json)
        }
        if let region = patient.region {
            json.append(contentsOf: #","region":"#.utf8)
            JSONString.append(region.rawValue, to: &json)
        }
        json.append(contentsOf: #","medications":"#.utf8)
        JSONString.appendArray(medications.sorted().map(\.rawValue), to: &json)
        json.append(contentsOf: #","medicationsFromDefaults":\#(patient.medications == nil)"#.utf8)
        json.append(contentsOf: #","conditions":"#.utf8)
        JSONString.appendArray(patient.conditions.sorted().map(\.rawValue), to: &json)
        json.append(contentsOf: #","sedation":\#(patient.sedation)}"#.utf8)
    }

    static func appendTail(_ knowledgeBase: KnowledgeBase, to json: inout [UInt8]) {
        json.append(contentsOf: #","disclaimer":"#.utf8)
        JSONString.append(knowledgeBase.patientTexts.disclaimer, to: &json)
        json.append(contentsOf: #","knowledgeBaseVersion":"#.utf8)
        JSONString.append(knowledgeBase.version, to: &json)
        json.append(UInt8(ascii: "}"))
    }
}

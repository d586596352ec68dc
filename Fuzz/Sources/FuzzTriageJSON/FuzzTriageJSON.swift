// libFuzzer target for the JSON bodies of POST /v1/triage and
// POST /v1/checklists/pre-procedure/review.
//
// The input is a request body. Each run decodes it with
// `TriageRequestDecoder.decode` (triage: hoursSinceInjection required),
// `decodeWithSedation` (review: hours optional), the FHIR
// QuestionnaireResponse readers (the pre-procedure review's and the
// post-procedure check-in's), each twice, then sends it through the triage
// and review route handlers (JSON and FHIR) and the CDS Hooks services. A violated invariant traps, so libFuzzer saves the
// input as a crash:
//
// - decoding is deterministic, and `decode` agrees with `decodeWithSedation`;
// - an error is 400 (not JSON, with an offset inside the body) or 422 (with
//   at least one field error), and every field error's pointer is "" or a
//   valid RFC 6901 pointer starting with "/" whose parent exists in the body;
// - the problem+json of an error is itself valid JSON that carries the same
//   pointers;
// - a decoded request stays within the documented ranges (hoursSinceInjection
//   0...87600, at most 64 symptoms with no code twice, temperature 25...45,
//   glucose 10...2000, systolic 50...300, steroid injections 0...52);
// - the route answers 200 exactly when decoding succeeded, with a JSON body,
//   and otherwise the decoder's problem.

import HTTPFramework
import HTTPServer

@testable import InjectionSafety
@testable import InjectionSafetyAPI

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant violated: \(message())") }
}

/// The shipped knowledge base and the two route handlers, built once.
enum Routes {
    static let knowledgeBase: KnowledgeBase = {
        do { return try KnowledgeBase.bundled() } catch { fatalError("knowledge base: \(error)") }
    }()
    static let metrics = ApplicationMetrics()
    static let triage: TriageRoutes = {
        do { return try TriageRoutes(knowledgeBase: knowledgeBase, metrics: metrics) } catch {
            fatalError("triage routes: \(error)")
        }
    }()
    static let checklists = ChecklistRoutes(knowledgeBase: knowledgeBase, metrics: metrics)
    static let cdsHooks = CDSHooksRoutes(knowledgeBase: knowledgeBase, metrics: metrics, limits: APILimits())
}

typealias Decoded = Result<TriageRequestDecoder.ReviewBody, APIProblem>

func same(_ a: Decoded, _ b: Decoded) -> Bool {
    switch (a, b) {
    case (.success(let x), .success(let y)): x == y
    case (.failure(let x), .failure(let y)): x == y
    default: false
    }
}

func decodeTriage(_ body: [UInt8]) -> Decoded {
    do {
        return .success(.init(request: try TriageRequestDecoder.decode(body), sedation: false, hoursGiven: true))
    } catch {
        return .failure(error)
    }
}

func decodeReview(_ body: [UInt8]) -> Decoded {
    do { return .success(try TriageRequestDecoder.decodeWithSedation(body, requireHours: false)) } catch {
        return .failure(error)
    }
}

func decodeStrict(_ body: [UInt8]) -> Decoded {
    do { return .success(try TriageRequestDecoder.decodeWithSedation(body, requireHours: true)) } catch {
        return .failure(error)
    }
}

/// As the triage route reads a body: with the guided interview's fields.
func decodeInterview(_ body: [UInt8]) -> Decoded {
    do {
        return .success(try TriageRequestDecoder.decodeWithSedation(body, requireHours: true, interview: true))
    } catch {
        return .failure(error)
    }
}

func decodeFHIR(_ body: [UInt8]) -> Decoded {
    do { return .success(try FHIRQuestionnaire.reviewRequest(from: body)) } catch { return .failure(error) }
}

func decodeCheckIn(_ body: [UInt8]) -> Decoded {
    do { return .success(try FHIRCheckIn.triageRequest(from: body)) } catch { return .failure(error) }
}

// MARK: - Invariants

/// A decoded request is within the documented ranges.
func checkRanges(_ request: TriageRequest, _ what: String) {
    check(
        (0...87_600).contains(request.hoursSinceInjection),
        "\(what): hoursSinceInjection \(request.hoursSinceInjection)")
    check(request.symptoms.count <= APILimits().maxSymptoms, "\(what): \(request.symptoms.count) symptoms")
    check(Set(request.symptoms.map(\.code)).count == request.symptoms.count, "\(what): a symptom code twice")
    if let value = request.temperatureC { check((25...45).contains(value), "\(what): temperatureC \(value)") }
    if let value = request.bloodGlucoseMgDl { check((10...2000).contains(value), "\(what): bloodGlucoseMgDl \(value)") }
    if let value = request.systolicBloodPressure { check((50...300).contains(value), "\(what): systolic \(value)") }
    if let value = request.steroidInjectionsPast12Months {
        check((0...52).contains(value), "\(what): steroids \(value)")
    }
    if let medications = request.medications {
        check(Set(medications).count == medications.count, "\(what): a medication twice")
    }
    if request.approach != nil {
        check(request.injection == .epiduralSteroid, "\(what): approach for \(request.injection)")
    }
}

/// An error is 400 or 422 with usable pointers, and renders as valid problem+json.
/// Returns the rendered problem+json, for comparing with the route's answer.
func checkProblem(_ problem: APIProblem, body: [UInt8], document: JSONValue?, _ what: String) -> [UInt8] {
    let code = problem.status.code
    check([400, 415, 422].contains(code), "\(what): status \(code)")
    if code == 400 {
        check(document == nil, "\(what): 400 for a body that is JSON")
        check(problem.errors.isEmpty, "\(what): 400 with field errors")
        let offset = problem.detail.split(separator: " ").last.flatMap { Int($0.dropLast()) }
        check(
            offset.map { (0...body.count).contains($0) } == true,
            "\(what): 400 without an offset in the body: \(problem.detail)")
    }
    if code == 422 {
        check(document != nil, "\(what): 422 for a body that is not JSON")
        check(!problem.errors.isEmpty, "\(what): 422 without field errors")
    }
    for error in problem.errors {
        guard let pointer = error.pointer else {
            fatalError("invariant violated: \(what): field error without a pointer: \(error)")
        }
        check(pointer.isEmpty || pointer.hasPrefix("/"), "\(what): pointer \(pointer.debugDescription)")
        guard let tokens = referenceTokens(pointer) else {
            fatalError("invariant violated: \(what): pointer \(pointer.debugDescription) is not RFC 6901")
        }
        if let document {
            check(
                resolve(document, tokens.dropLast()) != nil,
                "\(what): pointer \(pointer.debugDescription) has no parent in the body")
        }
        check(!error.field.isEmpty, "\(what): field error without a field name")
        check(!error.detail.isEmpty, "\(what): field error without a detail")
    }
    // The response body is JSON, and carries the same pointers.
    let response = problem.problem.response
    check(response.status == problem.status, "\(what): response status")
    check(response.contentType == "application/problem+json", "\(what): content type \(response.contentType)")
    guard case .object(let members)? = try? JSONParser.parse(response.body) else {
        fatalError(
            "invariant violated: \(what): problem body is not a JSON object: \(String(decoding: response.body, as: UTF8.self))"
        )
    }
    let rendered: [String?] = {
        guard case .array(let list)? = members.first(where: { $0.key == "errors" })?.value else { return [] }
        return list.map { element -> String? in
            guard case .object(let fields) = element,
                case .string(let pointer)? = fields.first(where: { $0.key == "pointer" })?.value
            else { return nil }
            return pointer
        }
    }()
    check(
        rendered == problem.errors.map(\.pointer),
        "\(what): rendered pointers \(rendered) differ from \(problem.errors.map(\.pointer))")
    return response.body
}

/// The reference tokens of an RFC 6901 pointer, unescaped; nil when malformed.
func referenceTokens(_ pointer: String) -> [String]? {
    if pointer.isEmpty { return [] }
    guard pointer.hasPrefix("/") else { return nil }
    var tokens: [String] = []
    for raw in pointer.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
        var token: [UInt8] = []
        var iterator = raw.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "~") else {
                token.append(byte)
                continue
            }
            switch iterator.next() {
            case UInt8(ascii: "0"): token.append(UInt8(ascii: "~"))
            case UInt8(ascii: "1"): token.append(UInt8(ascii: "/"))
            default: return nil
            }
        }
        tokens.append(String(decoding: token, as: UTF8.self))
    }
    return tokens
}

/// The value a pointer's tokens lead to (the first member of a repeated name).
func resolve<Tokens: Collection<String>>(_ value: JSONValue, _ tokens: Tokens) -> JSONValue? {
    guard let token = tokens.first else { return value }
    switch value {
    case .object(let members):
        // Byte-wise: String == would also match canonically equivalent names.
        guard let member = members.first(where: { Array($0.key.utf8) == Array(token.utf8) }) else { return nil }
        return resolve(member.value, tokens.dropFirst())
    case .array(let elements):
        guard let index = Int(token), String(index) == token, elements.indices.contains(index) else { return nil }
        return resolve(elements[index], tokens.dropFirst())
    default:
        return nil
    }
}

/// The route answers 200 exactly when the decoder accepted the body, else its problem.
func checkRoute(_ response: HTTPResponse, _ decoded: Decoded, problemBody: [UInt8]?, _ what: String) {
    switch decoded {
    case .success:
        check(response.status == .ok, "\(what): status \(response.status.code) for a decoded body")
        check((try? JSONParser.parse(response.body)) != nil, "\(what): 200 body is not JSON")
    case .failure(let problem):
        check(
            response.status == problem.status,
            "\(what): status \(response.status.code), decoder said \(problem.status.code)")
        check(response.body == problemBody, "\(what): problem body differs from the decoder's")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTriageJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let body = size == 0 ? [] : Array(UnsafeBufferPointer(start: data!, count: size))
    let document = try? JSONParser.parse(body)

    let triage = decodeTriage(body)
    let review = decodeReview(body)
    let fhir = decodeFHIR(body)
    check(same(triage, decodeTriage(body)), "decode is not deterministic")
    check(same(review, decodeReview(body)), "decodeWithSedation is not deterministic")
    check(same(fhir, decodeFHIR(body)), "the FHIR reader is not deterministic")
    let checkIn = decodeCheckIn(body)
    check(same(checkIn, decodeCheckIn(body)), "the check-in reader is not deterministic")

    // decode is decodeWithSedation with hours required, without sedation.
    let strict = decodeStrict(body)
    switch (triage, strict) {
    case (.success(let a), .success(let b)):
        check(a.request == b.request && b.hoursGiven, "decode and decodeWithSedation disagree")
    case (.failure(let a), .failure(let b)): check(a == b, "decode and decodeWithSedation fail differently")
    default: check(false, "decode and decodeWithSedation disagree on success")
    }
    // Requiring hours only adds an error: what passes with them required passes without.
    if case .success(let request) = strict {
        guard case .success(let relaxed) = review else {
            fatalError("invariant violated: review refuses a triage body")
        }
        check(relaxed == request, "review decodes a triage body differently")
    }

    // The interview's fields only add to a triage body: what decodes without
    // them decodes the same with them allowed, and asks no denied symptom.
    let interview = decodeInterview(body)
    check(same(interview, decodeInterview(body)), "the interview decoder is not deterministic")
    if case .success(let plain) = triage {
        guard case .success(let withInterview) = interview else {
            fatalError("invariant violated: the interview decoder refuses a triage body")
        }
        check(withInterview.request == plain.request, "the interview decoder reads a triage body differently")
        check(withInterview.answers == TriageInterview.Answers(), "answers invented")
    }
    if case .success(let decoded) = interview {
        let reported = Set(decoded.request.symptoms.map(\.code))
        check(reported.isDisjoint(with: decoded.answers.absentSymptoms), "a symptom both reported and denied")
        check(
            decoded.answers.unknown.allSatisfy { TriageInterview.Fact(id: $0) != nil }, "an unknown that is no question"
        )
    }

    var problemBodies: [[UInt8]?] = []
    for (decoded, what) in [(interview, "triage"), (review, "review"), (fhir, "fhir"), (checkIn, "check-in")] {
        switch decoded {
        case .success(let decoded):
            checkRanges(decoded.request, what)
            problemBodies.append(nil)
        case .failure(let problem):
            problemBodies.append(checkProblem(problem, body: body, document: document, what))
        }
    }
    // The questionnaire asks no hours, and offers each symptom once.
    if case .success(let decoded) = fhir {
        check(!decoded.hoursGiven && decoded.request.hoursSinceInjection == 0, "fhir: hours invented")
        check(
            decoded.request.symptoms.count <= Symptom.allCases.count, "fhir: \(decoded.request.symptoms.count) symptoms"
        )
    }

    // The check-in: a yes is reported, a no is absent, never both; nothing else is assumed.
    if case .success(let decoded) = checkIn {
        let reported = Set(decoded.request.symptoms.map(\.code))
        check(decoded.hoursGiven, "check-in: hours not required")
        check(reported.isDisjoint(with: decoded.answers.absentSymptoms), "check-in: a symptom both yes and no")
        check(decoded.answers.unknown.isEmpty, "check-in: unknown questions invented")
    }

    // Through the route handlers, as the server calls them.
    func post(_ target: String, _ contentType: String) -> HTTPRequest {
        HTTPRequest(method: .post, target: target, headers: HTTPHeaders([("Content-Type", contentType)]), body: body)
    }
    // A handler throws its problem; the router renders it (as here).
    func rendered(_ handler: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try handler()
        } catch let error as any ProblemConvertible {
            return error.problem.response
        } catch {
            fatalError("invariant violated: a handler threw \(type(of: error)), not a problem")
        }
    }
    checkRoute(
        rendered { try Routes.triage.triage(post("/v1/triage", "application/json")) }, interview,
        problemBody: problemBodies[0], "triage route")
    let reviewTarget = "/v1/checklists/pre-procedure/review"
    checkRoute(
        rendered { try Routes.checklists.review(post(reviewTarget, "application/json")) }, review,
        problemBody: problemBodies[1], "review route")
    checkRoute(
        rendered { try Routes.checklists.review(post(reviewTarget, "application/fhir+json")) }, fhir,
        problemBody: problemBodies[2], "fhir review route")
    checkRoute(
        rendered { try Routes.triage.triage(post("/v1/triage", "application/fhir+json")) }, checkIn,
        problemBody: problemBodies[3], "check-in triage route")
    // CDS Hooks: a hook call is cards or a problem (400, 412), never anything else.
    for service in CDSHooksRoutes.Service.allCases {
        let response = rendered {
            try Routes.cdsHooks.call(
                post("/cds-services/\(service.rawValue)", "application/json"), id: service.rawValue)
        }
        check([200, 400, 412].contains(response.status.code), "cds \(service): status \(response.status.code)")
        guard case .object(let members)? = try? JSONParser.parse(response.body) else {
            fatalError("invariant violated: cds \(service): the answer is not a JSON object")
        }
        if response.status == .ok {
            guard case .array(let cards)? = members.first(where: { $0.key == "cards" })?.value, !cards.isEmpty else {
                fatalError("invariant violated: cds \(service): 200 without cards")
            }
            for card in cards {
                guard case .object(let fields) = card,
                    case .string(let summary)? = fields.first(where: { $0.key == "summary" })?.value
                else { fatalError("invariant violated: cds \(service): a card without a summary") }
                check(summary.count < 140, "cds \(service): summary of \(summary.count) characters")
            }
        }
    }
    return 0
}

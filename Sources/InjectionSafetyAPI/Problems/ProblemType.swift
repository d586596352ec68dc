import HTTPFramework
import HTTPServer
import JSONWriter

/// The API's own problem types: each `type` URI of a problem it answers
/// resolves (`GET /problems/{name}`) to a short page, as HTML or JSON, saying
/// what it means and how to fix the request. A plain HTTP error whose status
/// says it all keeps `about:blank` (RFC 9457 §4.2.1).
public enum ProblemType: String, CaseIterable, Sendable {
    case invalidParameters = "invalid-parameters"
    case invalidBody = "invalid-body"
    case malformedJSON = "malformed-json"
    case unsupportedMediaType = "unsupported-media-type"
    case notFound = "not-found"
    case notAcceptable = "not-acceptable"
    case invalidHookRequest = "invalid-hook-request"
    case prefetchMissing = "prefetch-missing"

    /// The `type` member: relative, resolved against the request's URL.
    public var uri: String { "/problems/" + rawValue }

    public var status: HTTPStatus {
        switch self {
        case .invalidParameters, .invalidBody: .unprocessableContent
        case .malformedJSON: .badRequest
        case .unsupportedMediaType: .unsupportedMediaType
        case .notFound: .notFound
        case .notAcceptable: .notAcceptable
        case .invalidHookRequest: .badRequest
        case .prefetchMissing: HTTPStatus(code: 412, reasonPhrase: "Precondition Failed")
        }
    }

    public var title: String {
        switch self {
        case .invalidParameters: "Invalid parameters"
        case .invalidBody: "Invalid request body"
        case .malformedJSON: "Malformed JSON"
        case .unsupportedMediaType: "Unsupported Media Type"
        case .notFound: "Not Found"
        case .notAcceptable: "Not Acceptable"
        case .invalidHookRequest: "Invalid CDS Hooks request"
        case .prefetchMissing: "Prefetch missing"
        }
    }

    /// What the problem means.
    public var meaning: String {
        switch self {
        case .invalidParameters:
            "One or more query parameters are unknown, malformed, out of range, or not allowed together. Nothing was done."
        case .invalidBody:
            "The body is JSON, but members are unknown, missing, of the wrong type, null, out of range, or contradict each other (a symptom both reported and in absentSymptoms; a reading sent in two units). Nothing was guessed or stored."
        case .malformedJSON:
            "The body could not be read as JSON (RFC 8259), or it nests deeper than the service allows."
        case .unsupportedMediaType:
            "The body was not declared as JSON: Content-Type is missing or names another media type."
        case .notFound:
            "No resource has this id: an injection, a side effect or a checklist phase the service does not know."
        case .notAcceptable:
            "The representation asked for in Accept (or format) does not exist for this resource."
        case .invalidHookRequest:
            "The CDS Hooks request is not what the service's hook expects: a member is missing, of the wrong type, or names another hook; or a FHIR resource in it is malformed."
        case .prefetchMissing:
            "The CDS Hooks request lacks prefetch data the review needs, and the service cannot fetch it: it has no FHIR client and stores nothing (CDS Hooks: 412 Precondition Failed)."
        }
    }

    /// How to fix the request.
    public var fix: String {
        switch self {
        case .invalidParameters:
            "Read errors: each entry names the parameter (field), what is wrong (detail) and, for codes, the accepted values (validValues). Correct every one and send the request again; openapi.yaml lists each parameter."
        case .invalidBody:
            "Read errors: each entry names the member by a JSON pointer (pointer, e.g. /symptoms/2/code), says what is wrong (detail) and, for codes, lists the accepted values (validValues). Correct every one and send the request again."
        case .malformedJSON:
            "Send one JSON object. The detail gives the byte offset where reading stopped."
        case .unsupportedMediaType:
            "Send the body with Content-Type: application/json (a charset parameter is allowed); the review also takes application/fhir+json."
        case .notFound:
            "Use an id from the lists: GET /v1/injections, GET /v1/side-effects; the checklist phases are pre-procedure, day-of-procedure and post-procedure."
        case .notAcceptable:
            "Ask for application/json, or for a FHIR Questionnaire only where one exists (the pre-procedure readiness questions and the post-procedure check-in)."
        case .invalidHookRequest:
            "Read errors: each entry names the member by a JSON pointer. Send hook, hookInstance and context as the hook defines them (GET /cds-services lists each service's hook)."
        case .prefetchMissing:
            "Send every prefetch key of the service (GET /cds-services lists them); a key with no data is sent as null. errors names each missing key."
        }
    }

    /// The page as JSON: `type`, `title`, `status`, `meaning`, `fix`.
    var json: [UInt8] {
        var json: [UInt8] = []
        json.append(jsonLiteral: #"{"type":"#)
        JSONString.append(uri, to: &json)
        json.append(jsonLiteral: #","title":"#)
        JSONString.append(title, to: &json)
        json.append(jsonLiteral: #","status":"#)
        JSONString.appendNumber(Double(status.code), to: &json)
        json.append(jsonLiteral: #","meaning":"#)
        JSONString.append(meaning, to: &json)
        json.append(jsonLiteral: #","fix":"#)
        JSONString.append(fix, to: &json)
        json.append(UInt8(ascii: "}"))
        return json
    }

    /// The page as HTML.
    var html: [UInt8] {
        let title = HTMLPage.escape("\(status.code) \(self.title)")
        let page = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>\(title)</title>
            <style>body { font-family: sans-serif; max-width: 40em; margin: 2em auto; line-height: 1.4; }</style>
            </head>
            <body>
            <h1>\(title)</h1>
            <p><code>\(HTMLPage.escape(uri))</code></p>
            <h2>What it means</h2>
            <p>\(HTMLPage.escape(meaning))</p>
            <h2>How to fix the request</h2>
            <p>\(HTMLPage.escape(fix))</p>
            </body>
            </html>

            """
        return Array(page.utf8)
    }

    /// `GET /problems` (every type, JSON) and `GET /problems/{name}` (HTML or JSON).
    static func register(in router: inout Router) {
        var list: [UInt8] = Array(#"{"items":["#.utf8)
        for (index, type) in allCases.enumerated() {
            if index > 0 { list.append(UInt8(ascii: ",")) }
            list += type.json
        }
        list += Array("]}".utf8)
        let listDocument = CachedResponse(body: list)
        let pages = Dictionary(
            uniqueKeysWithValues: allCases.map {
                (
                    $0.rawValue,
                    (
                        json: CachedResponse(body: $0.json, vary: "Accept"),
                        html: CachedResponse(body: $0.html, vary: "Accept")
                    )
                )
            })
        router.add(.get, "/problems") { request, _ in
            try QueryValidator.requireNoParameters(request.query)
            return listDocument.response(to: request)
        }
        router.add(.get, "/problems/{name}") { request, context in
            try QueryValidator.requireNoParameters(request.query)
            guard let page = pages[context.parameters["name"] ?? ""] else {
                throw APIProblem(
                    .notFound, detail: "No problem type has this name; GET /problems lists them.")
            }
            if HTMLPage.isWanted(accept: request.headers["Accept"]) {
                var response = page.html.response(to: request)
                response.contentType = HTMLPage.mediaType
                return response
            }
            return page.json.response(to: request)
        }
    }
}

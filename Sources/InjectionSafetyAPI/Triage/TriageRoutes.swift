import Foundation
import HTTPServer
import InjectionSafety

/// `POST /v1/triage` and `GET /v1/triage/rules`.
struct TriageRoutes: Sendable {
    let engine: TriageEngine
    let rulesDocument: CachedResponse

    /// The answer's wire shape (field names are the contract in domain.md).
    struct ResultDocument: Encodable {
        struct Reason: Encodable {
            var ruleId: String
            var level: TriageLevel
            var symptoms: [Symptom]
            var facts: [String]
            var explanation: String
            var sideEffect: SideEffectID?
            var sources: [String]
        }

        var level: TriageLevel
        var action: String
        var reasons: [Reason]
        var possibleSideEffects: [SideEffectID]
        var watchFor: [String]
        var selfCare: [String]
        var followUp: String
        var knowledgeBaseVersion: String
        var disclaimer: String

        init(_ result: TriageResult) {
            level = result.level
            action = result.action
            reasons = result.reasons.map {
                Reason(
                    ruleId: $0.ruleID, level: $0.level, symptoms: $0.symptoms, facts: $0.facts,
                    explanation: $0.explanation, sideEffect: $0.sideEffect, sources: $0.sources)
            }
            possibleSideEffects = result.possibleSideEffects
            watchFor = result.watchFor
            selfCare = result.selfCare
            followUp = result.followUp
            knowledgeBaseVersion = result.knowledgeBaseVersion
            disclaimer = result.disclaimer
        }
    }

    struct RulesDocument: Encodable {
        var items: [TriageRule]
        var knowledgeBaseVersion: String
        var disclaimer: String
    }

    init(knowledgeBase: KnowledgeBase) throws {
        engine = TriageEngine(knowledgeBase: knowledgeBase)
        rulesDocument = CachedResponse(
            body: Array(
                try CatalogueDocuments.makeEncoder().encode(
                    RulesDocument(
                        items: knowledgeBase.triageRules, knowledgeBaseVersion: knowledgeBase.version,
                        disclaimer: TriageEngine.disclaimer))))
    }

    func register(in router: inout Router) {
        router.add(.post, "/v1/triage") { request, _ in
            triage(request)
        }
        router.add(.get, "/v1/triage/rules") { request, _ in
            CatalogueRoutes.noQuery(request) ?? rulesDocument.response(to: request)
        }
    }

    func triage(_ request: HTTPRequest) -> HTTPResponse {
        if let problem = CatalogueRoutes.noQuery(request) { return problem }
        guard Self.isJSON(request.headers["Content-Type"]) else { return APIProblem.unsupportedMediaType.response }
        let input: TriageRequest
        do {
            input = try TriageRequestDecoder.decode(request.body)
        } catch {
            return error.response
        }
        let result = engine.triage(input)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let body = try? encoder.encode(ResultDocument(result)) else {
            return .problem(.internalServerError, detail: "The answer could not be encoded.")
        }
        return HTTPResponse(
            status: .ok, contentType: "application/json",
            headers: [("Cache-Control", "no-store"), ("Content-Language", CachedResponse.language)], body: Array(body))
    }

    /// `application/json`, compared case-insensitively, parameters (charset) allowed.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

import Foundation
import HTTPServer
import InjectionSafety

/// `GET /v1/injections`, `/v1/injections/{id}`, `/v1/side-effects`,
/// `/v1/side-effects/{id}`, `/v1/symptoms`, `/v1/conditions`, `/v1/sources`.
struct CatalogueRoutes: Sendable {
    let knowledgeBase: KnowledgeBase
    let documents: CatalogueDocuments
    /// Lowercased text searched by `q`, per side effect: name, description, and
    /// the labels and synonyms of its symptoms.
    let searchText: [SideEffectID: String]

    init(knowledgeBase: KnowledgeBase) throws {
        self.knowledgeBase = knowledgeBase
        documents = try CatalogueDocuments(knowledgeBase: knowledgeBase)
        var searchText: [SideEffectID: String] = [:]
        for effect in knowledgeBase.sideEffects {
            var parts = [effect.name, effect.description]
            for code in effect.patientNotices + effect.seriousWhen.symptoms {
                if let symptom = knowledgeBase.symptom(code) { parts += [symptom.label] + symptom.synonyms }
            }
            searchText[effect.id] = parts.joined(separator: " \u{1F} ").lowercased()
        }
        self.searchText = searchText
    }

    func register(in router: inout Router) {
        router.add(.get, "/v1/injections") { request, _ in
            Self.noQuery(request) ?? documents.injections.response(to: request)
        }
        router.add(.get, "/v1/injections/{id}") { request, context in
            if let problem = Self.noQuery(request) { return problem }
            guard let id = context.parameters["id"].flatMap(InjectionType.init(rawValue:)),
                let document = documents.injectionsByID[id]
            else { return APIProblem.notFound("injection type").response }
            return document.response(to: request)
        }
        router.add(.get, "/v1/side-effects") { request, _ in
            sideEffects(request)
        }
        router.add(.get, "/v1/side-effects/{id}") { request, context in
            if let problem = Self.noQuery(request) { return problem }
            guard let id = context.parameters["id"].flatMap(SideEffectID.init(rawValue:)),
                let document = documents.sideEffectsByID[id]
            else { return APIProblem.notFound("side effect") .response }
            return document.response(to: request)
        }
        router.add(.get, "/v1/symptoms") { request, _ in
            Self.noQuery(request) ?? documents.symptoms.response(to: request)
        }
        router.add(.get, "/v1/conditions") { request, _ in
            Self.noQuery(request) ?? documents.conditions.response(to: request)
        }
        router.add(.get, "/v1/sources") { request, _ in
            Self.noQuery(request) ?? documents.sources.response(to: request)
        }
    }

    /// A 422 when a route that takes no parameters is given some.
    static func noQuery(_ request: HTTPRequest) -> HTTPResponse? {
        do {
            try QueryValidator(query: request.query, allowed: []).validate()
            return nil
        } catch {
            return error.response
        }
    }

    /// One page of the filtered catalogue, with `nextCursor` and a `Link` to the next page.
    func sideEffects(_ request: HTTPRequest) -> HTTPResponse {
        let query: SideEffectQuery
        do {
            query = try SideEffectQuery(query: request.query)
        } catch {
            return error.response
        }
        let matching = knowledgeBase.sideEffects.filter { query.matches($0, searchText: searchText[$0.id] ?? "") }
        let start = min(query.offset, matching.count)
        let end = min(start + query.limit, matching.count)
        let nextCursor = end < matching.count
            ? SideEffectQuery.encodeCursor(offset: end, fingerprint: query.fingerprint) : nil

        var body = Array(#"{"items":["#.utf8)
        for (index, effect) in matching[start..<end].enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: documents.sideEffectItems[effect.id] ?? [])
        }
        body.append(contentsOf: #"],"knowledgeBaseVersion":"#.utf8)
        JSONString.append(documents.version, to: &body)
        body.append(contentsOf: #","nextCursor":"#.utf8)
        if let nextCursor {
            JSONString.append(nextCursor, to: &body)
        } else {
            body.append(contentsOf: "null".utf8)
        }
        body.append(contentsOf: #","total":\#(matching.count)}"#.utf8)

        var headers: [(name: String, value: String)] = []
        if let nextCursor { headers.append(("Link", "<\(Self.nextLink(request, cursor: nextCursor))>; rel=\"next\"")) }
        return CachedResponse(body: body).response(to: request, extraHeaders: headers)
    }

    /// The request's path and query with `cursor` replaced.
    static func nextLink(_ request: HTTPRequest, cursor: String) -> String {
        let items = (QueryParameters(query: request.query)?.items ?? []).filter { $0.name != "cursor" }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~,"))
        var parts = items.map { item in
            "\(item.name.addingPercentEncoding(withAllowedCharacters: allowed) ?? item.name)="
                + (item.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }
        parts.append("cursor=\(cursor)")
        return "\(request.path)?\(parts.joined(separator: "&"))"
    }
}

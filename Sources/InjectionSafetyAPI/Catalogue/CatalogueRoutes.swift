import FoundationEssentials
import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// `GET /v1/injections`, `/v1/injections/{id}`, `/v1/side-effects`,
/// `/v1/side-effects/{id}`, `/v1/symptoms`, `/v1/conditions`, `/v1/sources`.
struct CatalogueRoutes: Sendable {
    let knowledgeBase: KnowledgeBase
    let documents: CatalogueDocuments
    /// The side effects in catalogue order, as the filters and search see them.
    let indexed: [IndexedSideEffect]
    /// The first page without parameters, the most asked-for: built once,
    /// with its `Link` field for the canonical path.
    let firstPage: Page
    /// Its `Link` field (none when one page holds them all).
    let firstPageLink: [(name: String, value: String)]

    init(knowledgeBase: KnowledgeBase) throws {
        self.knowledgeBase = knowledgeBase
        let documents = try CatalogueDocuments(knowledgeBase: knowledgeBase)
        self.documents = documents
        let indexed = knowledgeBase.sideEffects.enumerated().map { position, effect in
            IndexedSideEffect(
                effect, knowledgeBase: knowledgeBase, json: documents.sideEffectItems[effect.id] ?? [],
                position: position)
        }
        self.indexed = indexed
        let firstPage = try Self.page(
            SideEffectQuery(query: nil), matching: indexed, version: documents.version,
            cacheIdentity: documents.cacheIdentity, language: knowledgeBase.language)
        self.firstPage = firstPage
        firstPageLink =
            firstPage.nextCursor.map {
                [Self.linkField(path: Self.sideEffectsPath[...], query: nil, cursor: $0)]
            } ?? []
    }

    static let sideEffectsPath = "/v1/side-effects"

    func register(in router: inout Router) {
        router.add(.get, "/v1/injections") { request, _ in
            try QueryValidator.requireNoParameters(request.query)
            return documents.injections.response(to: request)
        }
        router.add(.get, "/v1/injections/{id}") { request, context in
            try QueryValidator.requireNoParameters(request.query)
            guard let id = context.parameters["id"].flatMap(InjectionType.init(rawValue:)),
                let document = documents.injectionsByID[id]
            else { throw APIProblem.notFound("injection type") }
            return document.response(to: request)
        }
        router.add(.get, Self.sideEffectsPath) { request, _ in
            try sideEffects(request)
        }
        router.add(.get, "/v1/side-effects/{id}") { request, context in
            try QueryValidator.requireNoParameters(request.query)
            guard let id = context.parameters["id"].flatMap(SideEffectID.init(rawValue:)),
                let document = documents.sideEffectsByID[id]
            else { throw APIProblem.notFound("side effect") }
            return document.response(to: request)
        }
        router.add(.get, "/v1/symptoms") { request, _ in
            try QueryValidator.requireNoParameters(request.query)
            return documents.symptoms.response(to: request)
        }
        router.add(.get, "/v1/conditions") { request, _ in
            try QueryValidator.requireNoParameters(request.query)
            return documents.conditions.response(to: request)
        }
        router.add(.get, "/v1/sources") { request, _ in
            try QueryValidator.requireNoParameters(request.query)
            return documents.sources.response(to: request)
        }
    }

    /// One page of the filtered catalogue, with `nextCursor` and a `Link` to the next page.
    func sideEffects(_ request: HTTPRequest) throws(APIProblem) -> HTTPResponse {
        // Without a query (nothing to validate), the first page made at start.
        if request.query == nil && request.path == Self.sideEffectsPath {
            return firstPage.document.response(to: request, extraHeaders: firstPageLink)
        }
        let query = try SideEffectQuery(query: request.query)
        let page =
            request.query == nil
            ? firstPage
            : Self.page(
                query, matching: query.isUnfiltered ? indexed : query.ranked(indexed.filter(query.matches)),
                version: documents.version, cacheIdentity: documents.cacheIdentity, language: knowledgeBase.language)
        var headers: [(name: String, value: String)] = []
        if let nextCursor = page.nextCursor {
            headers.append(Self.linkField(path: request.path, query: request.query, cursor: nextCursor))
        }
        return page.document.response(to: request, extraHeaders: headers)
    }

    /// One page of side effects and the cursor of the next.
    struct Page: Sendable {
        let document: CachedResponse
        let nextCursor: String?
    }

    static func page(
        _ query: SideEffectQuery, matching: [IndexedSideEffect], version: String, cacheIdentity: String,
        language: String
    ) -> Page {
        let start = min(query.offset, matching.count)
        let end = min(start + query.limit, matching.count)
        let nextCursor =
            end < matching.count
            ? SideEffectQuery.encodeCursor(offset: end, fingerprint: query.fingerprint) : nil

        var body = Array(#"{"items":["#.utf8)
        for (index, effect) in matching[start..<end].enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: effect.json)
        }
        body.append(contentsOf: #"],"knowledgeBaseVersion":"#.utf8)
        JSONString.append(version, to: &body)
        body.append(contentsOf: #","nextCursor":"#.utf8)
        if let nextCursor {
            JSONString.append(nextCursor, to: &body)
        } else {
            body.append(contentsOf: "null".utf8)
        }
        body.append(contentsOf: #","total":\#(matching.count)}"#.utf8)
        // The page is fixed by the data version and the clinic profile (the
        // texts of its items), its ids, the total and the cursor.
        let identity =
            ([cacheIdentity, String(matching.count), nextCursor ?? ""]
            + matching[start..<end].map(\.id.rawValue)).joined(separator: "|")
        return Page(
            document: CachedResponse(body: body, identity: identity.utf8, language: language), nextCursor: nextCursor)
    }

    /// The `Link` field to the next page: the request's path and query with `cursor` replaced.
    static func linkField(path: Substring, query: Substring?, cursor: String) -> (name: String, value: String) {
        let items = (QueryParameters(query: query)?.items ?? []).filter { $0.name != "cursor" }
        var parts = items.map { item in
            PercentDecoding.encodeQueryComponent(item.name) + "=" + PercentDecoding.encodeQueryComponent(item.value)
        }
        parts.append("cursor=\(cursor)")
        return ("Link", "<\(path)?\(parts.joined(separator: "&"))>; rel=\"next\"")
    }
}

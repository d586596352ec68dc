import FoundationEssentials
import HTTPServer
import InjectionSafety

/// `POST /v1/triage` and `GET /v1/triage/rules`.
struct TriageRoutes: Sendable {
    let engine: TriageEngine
    let rulesDocument: CachedResponse
    let metrics: ApplicationMetrics

    /// The answer's JSON (field names are the contract in domain.md), written
    /// straight to bytes: this is the hot path, and `JSONEncoder` cost more
    /// than the triage itself.
    static func encode(_ result: TriageResult) -> [UInt8] {
        var json: [UInt8] = []
        json.reserveCapacity(4096)
        func key(_ name: StaticString, first: Bool = false) {
            if !first { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { json.append(contentsOf: $0) }
            json.append(UInt8(ascii: "\""))
            json.append(UInt8(ascii: ":"))
        }
        func string(_ value: String) { JSONString.append(value, to: &json) }
        func strings<S: Sequence<String>>(_ values: S) { JSONString.appendArray(values, to: &json) }
        json.append(UInt8(ascii: "{"))
        key("level", first: true)
        string(result.level.rawValue)
        key("action")
        string(result.action)
        key("reasons")
        json.append(UInt8(ascii: "["))
        for (index, reason) in result.reasons.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "{"))
            key("ruleId", first: true)
            string(reason.ruleID)
            key("level")
            string(reason.level.rawValue)
            key("symptoms")
            strings(reason.symptoms.lazy.map(\.rawValue))
            key("facts")
            strings(reason.facts)
            key("explanation")
            string(reason.explanation)
            if let sideEffect = reason.sideEffect {
                key("sideEffect")
                string(sideEffect.rawValue)
            }
            key("sources")
            strings(reason.sources)
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "]"))
        key("possibleSideEffects")
        strings(result.possibleSideEffects.lazy.map(\.rawValue))
        key("watchFor")
        strings(result.watchFor)
        key("selfCare")
        strings(result.selfCare)
        key("followUp")
        string(result.followUp)
        key("knowledgeBaseVersion")
        string(result.knowledgeBaseVersion)
        key("disclaimer")
        string(result.disclaimer)
        json.append(UInt8(ascii: "}"))
        return json
    }

    /// The rule book: what each node type means, the shared definitions, the
    /// policy for symptoms the patient already had, and every rule, each
    /// condition also as a sentence (`reads`).
    struct RulesDocument: Encodable {
        struct NodeType: Encodable {
            var node: String
            var meaning: String
        }

        /// A rule or a definition with its condition in words beside it.
        struct Readable<Entry: Encodable>: Encodable {
            var entry: Entry
            var reads: String

            private enum Key: String, CodingKey { case reads }

            func encode(to encoder: any Encoder) throws {
                try entry.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(reads, forKey: .reads)
            }
        }

        var nodeTypes: [NodeType]
        var definitions: [Readable<TriageDefinition>]
        var preExistingSymptoms: PreExistingSymptomPolicy
        var items: [Readable<TriageRule>]
        var knowledgeBaseVersion: String
        var disclaimer: String

        init(_ knowledgeBase: KnowledgeBase) {
            nodeTypes = TriageCondition.nodeTypes.map { NodeType(node: $0.node, meaning: $0.meaning) }
            definitions = knowledgeBase.triageDefinitions.map { Readable(entry: $0, reads: $0.when.reading) }
            preExistingSymptoms = knowledgeBase.preExistingSymptoms
            items = knowledgeBase.triageRules.map { Readable(entry: $0, reads: $0.when.reading) }
            knowledgeBaseVersion = knowledgeBase.version
            disclaimer = TriageEngine.disclaimer
        }
    }

    init(knowledgeBase: KnowledgeBase, metrics: ApplicationMetrics) throws {
        self.metrics = metrics
        engine = TriageEngine(knowledgeBase: knowledgeBase)
        rulesDocument = CachedResponse(
            body: Array(
                try CatalogueDocuments.makeEncoder().encode(RulesDocument(knowledgeBase))))
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
        metrics.triageAnswered(result.level)
        return HTTPResponse(
            status: .ok, contentType: "application/json",
            headers: [("Cache-Control", "no-store"), ("Content-Language", ContentLanguage.negotiate(request))],
            body: Self.encode(result))
    }

    /// `application/json`, compared case-insensitively, parameters (charset) allowed.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let expected = Array("application/json".utf8)
        var mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let first = mediaType.first, first == 0x20 || first == 0x09 { mediaType = mediaType.dropFirst() }
        while let last = mediaType.last, last == 0x20 || last == 0x09 { mediaType = mediaType.dropLast() }
        return mediaType.count == expected.count
            && zip(mediaType, expected).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }
}

import FoundationEssentials
import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// The catalogue's JSON documents, encoded once at start-up: the knowledge
/// base does not change while the process runs.
struct CatalogueDocuments: Sendable {
    let version: String
    /// The data version and the clinic profile: the validator of a page built per request.
    let cacheIdentity: String
    let injections: CachedResponse
    let injectionsByID: [InjectionType: CachedResponse]
    let sideEffectsByID: [SideEffectID: CachedResponse]
    /// Each side effect's JSON object, for assembling filtered pages.
    let sideEffectItems: [SideEffectID: [UInt8]]
    let symptoms: CachedResponse
    let conditions: CachedResponse
    let sources: CachedResponse

    /// An injection type with the ids of its side effects.
    struct InjectionDocument: Encodable {
        var entry: InjectionEntry
        var sideEffects: [SideEffectID]

        enum CodingKeys: String, CodingKey { case sideEffects }

        func encode(to encoder: any Encoder) throws {
            try entry.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(sideEffects, forKey: .sideEffects)
        }
    }

    /// A vocabulary entry with its code as `id`, the API's one name for an
    /// item's own identifier (README, "Naming"); `code` stays, deprecated.
    struct IdentifiedEntry<Entry: Encodable>: Encodable {
        var id: String
        var entry: Entry

        enum CodingKeys: String, CodingKey { case id }

        func encode(to encoder: any Encoder) throws {
            try entry.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
        }
    }

    /// `{"items": [...], "knowledgeBaseVersion": "..."}`
    struct ListDocument<Item: Encodable>: Encodable {
        var items: [Item]
        var knowledgeBaseVersion: String
    }

    /// One item with the version beside its own fields.
    struct ItemDocument<Item: Encodable>: Encodable {
        var item: Item
        var knowledgeBaseVersion: String

        enum CodingKeys: String, CodingKey { case knowledgeBaseVersion }

        func encode(to encoder: any Encoder) throws {
            try item.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(knowledgeBaseVersion, forKey: .knowledgeBaseVersion)
        }
    }

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    init(knowledgeBase: KnowledgeBase) throws {
        let encoder = Self.makeEncoder()
        let version = knowledgeBase.version
        self.version = version
        cacheIdentity = knowledgeBase.cacheIdentity
        // Each document but the sources (publications keep their own titles) has patient text.
        func cached<Value: Encodable>(_ value: Value, language: String? = knowledgeBase.language) throws
            -> CachedResponse
        {
            CachedResponse(body: Array(try encoder.encode(value)), language: language)
        }
        // Patients read the catalogue: clinician notes stay out (reviewNote;
        // a side effect leaves it out of its own encoding, with the advice
        // withheld from some conditions, which the catalogue does not know).
        let injectionDocuments = knowledgeBase.injections.map {
            InjectionDocument(entry: $0.forPatients, sideEffects: knowledgeBase.sideEffects(for: $0.id).map(\.id))
        }
        injections = try cached(ListDocument(items: injectionDocuments, knowledgeBaseVersion: version))
        var injectionsByID: [InjectionType: CachedResponse] = [:]
        for document in injectionDocuments {
            injectionsByID[document.entry.id] = try cached(ItemDocument(item: document, knowledgeBaseVersion: version))
        }
        self.injectionsByID = injectionsByID
        var sideEffectsByID: [SideEffectID: CachedResponse] = [:]
        var sideEffectItems: [SideEffectID: [UInt8]] = [:]
        for effect in knowledgeBase.sideEffects {
            sideEffectsByID[effect.id] = try cached(ItemDocument(item: effect, knowledgeBaseVersion: version))
            sideEffectItems[effect.id] = Array(try encoder.encode(effect))
        }
        self.sideEffectsByID = sideEffectsByID
        self.sideEffectItems = sideEffectItems
        symptoms = try cached(
            ListDocument(
                items: knowledgeBase.symptoms.map { IdentifiedEntry(id: $0.code.rawValue, entry: $0) },
                knowledgeBaseVersion: version))
        conditions = try cached(
            ListDocument(
                items: knowledgeBase.conditions.map { IdentifiedEntry(id: $0.code.rawValue, entry: $0) },
                knowledgeBaseVersion: version))
        sources = try cached(ListDocument(items: knowledgeBase.sources, knowledgeBaseVersion: version), language: nil)
    }
}

import FoundationEssentials

/// The service's medical knowledge: reviewed data files with sources, decoded
/// into typed values and checked for integrity.
///
/// The data lives in `Resources/knowledge/*.json` so a clinician can read and
/// review it as a diff; the EmbedResources build-tool plugin builds the files
/// into the binary at build time (`EmbeddedKnowledge`, made in the build
/// folder, never in git). Loading fails with a message naming the file and the
/// field when a file is missing, malformed, or uses an unknown code;
/// ``integrityProblems()`` finds what decoding cannot (dangling references,
/// missing entries, unused sources).
public struct KnowledgeBase: Sendable {
    /// The data files, by name, in the order they are read.
    public static let fileNames = [
        "sources.json", "medications.json", "injections.json", "symptoms.json", "conditions.json",
        "side-effects.json", "triage-rules.json", "warning-signs.json", "checklist-items.json", "review-rules.json",
        "changelog.json", "triage-rule-table.json", "review-rule-table.json", "interview.json", "patient-texts.json",
        "cds-mapping.json",
    ]

    /// The human version of the content; raise it with each reviewed change,
    /// together with a new newest entry of `changelog.json` (the integrity check
    /// requires that they agree).
    public static let contentVersion = "2026.12.4"

    public let sources: [Source]
    public let medications: [MedicationEntry]
    public let injections: [InjectionEntry]
    public let symptoms: [SymptomEntry]
    public let conditions: [ConditionEntry]
    public let sideEffects: [SideEffect]
    /// The triage rules, in file order, their `definition` nodes filled in.
    public let triageRules: [TriageRule]
    /// The named conditions the triage rules share, in file order (each may use earlier ones).
    public let triageDefinitions: [TriageDefinition]
    /// How symptoms the patient already had count.
    public let preExistingSymptoms: PreExistingSymptomPolicy
    /// The warning signs, most urgent level first, in file order within a level.
    public let warningSigns: [WarningSignItem]
    /// The emergency and urgent triage rules that have no warning sign, and why.
    public let rulesNotAtHome: [RuleNotAtHome]
    /// Checklist items of every phase, in file order.
    public let checklistItems: [ChecklistItem]
    /// The pre-procedure review rules.
    public let reviewRules: [ReviewRule]
    /// How the review triages reported symptoms.
    public let reviewSymptomTriage: ReviewSymptomTriage
    /// What changed in each reviewed version, and the clinician's sign-off.
    public let changelog: Changelog
    /// The guided interview's question texts other than each symptom's own.
    public let interview: InterviewTexts
    /// For every triage rule, requests where it fires and close ones where it does not.
    public let triageRuleTable: RuleTable<TriageLevel>
    /// The same for every review rule and the review's symptom triage.
    public let reviewRuleTable: RuleTable<ReviewDecision>
    /// How an EHR's FHIR codes read into the review's facts (the CDS Hooks service).
    public let cdsMapping: CDSMapping
    /// The texts that are not a rule's, a sign's or an item's own, for ``profile``.
    public let patientTexts: PatientTexts
    /// The clinic profile the texts were rendered for.
    public let profile: ClinicProfile
    /// The language of the patient texts (`en`, or a ``Translation`` applied to the files).
    public let language: String
    /// Renders thresholds and phrases for ``profile`` (e.g. a reading's unit).
    public let renderer: TextRenderer
    /// `<contentVersion>+<hash of the data files>`: changes whenever any byte of
    /// the data does (the bundled data: of the English files or a translation).
    public let version: String
    /// ``version``, the profile's fingerprint and the language: what a cache
    /// validator of a body made from the data must depend on.
    public let cacheIdentity: String

    /// The contract's symptom groups (`nerves`, `allergy`...), in the order of their first symptom.
    public let symptomGroups: [String]
    /// Each symptom's group, as an index into ``symptomGroups``, by the symptom's ordinal
    /// (the interview groups open symptoms per request without hashing names).
    public let symptomGroupIndex: [Int]

    private let sideEffectsByID: OrdinalTable<SideEffectID, SideEffect>
    private let injectionsByID: OrdinalTable<InjectionType, InjectionEntry>
    private let symptomsByCode: OrdinalTable<Symptom, SymptomEntry>

    /// Why the data could not be loaded.
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let message: String
        public var description: String { "\(file): \(message)" }
    }

    /// Loads the data files shipped with the library, its texts rendered for
    /// `profile`, in `language` (English, or a ``Translation/bundledLanguages`` one).
    public static func bundled(profile: ClinicProfile = .neutral, language: String = "en") throws -> KnowledgeBase {
        let english = try bundledFiles()
        var files = english
        if language != "en" { files = try Translation.bundled(language).apply(to: english) }
        // One version for every language: the English data and every translation.
        var versioned = english
        for name in EmbeddedKnowledge.files.keys where name.hasPrefix("translations/") {
            versioned[name] = Data((EmbeddedKnowledge.files[name] ?? "").utf8)
        }
        return try KnowledgeBase(files: files, profile: profile, language: language, versionOf: versioned)
    }

    /// The knowledge base in each language of ``Translation/bundledLanguages``.
    public static func bundledTranslations(profile: ClinicProfile = .neutral) throws -> [KnowledgeBase] {
        try Translation.bundledLanguages.map { try bundled(profile: profile, language: $0) }
    }

    /// The raw bytes of the data files built into the library, by name.
    public static func bundledFiles() throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in fileNames {
            guard let text = EmbeddedKnowledge.files[name] else {
                throw LoadError(file: name, message: "not built into the library (is it in Resources/knowledge?)")
            }
            files[name] = Data(text.utf8)
        }
        return files
    }

    /// Decodes the data files (all of ``fileNames``), their patient texts
    /// rendered for `profile` (see `patient-texts.json`).
    /// - Parameter versionOf: the files ``version`` hashes (default: `raw`); the
    ///   bundled data gives the English files and every translation, so that the
    ///   version names the reviewed data whatever the language.
    public init(
        files raw: [String: Data], profile: ClinicProfile = .neutral, language: String = "en",
        versionOf: [String: Data]? = nil
    ) throws {
        func decode<Wrapper: Decodable>(_ name: String, as type: Wrapper.Type, from files: [String: Data]) throws
            -> Wrapper
        {
            guard let data = files[name] else { throw LoadError(file: name, message: "missing") }
            do {
                return try JSONDecoder().decode(type, from: data)
            } catch let error as DecodingError {
                throw LoadError(file: name, message: Self.describe(error))
            }
        }
        let texts = try decode("patient-texts.json", as: PatientTexts.self, from: raw)
        let renderer: TextRenderer
        do {
            renderer = try TextRenderer(phrases: texts.phrases, profile: profile, language: language)
            patientTexts = try texts.rendered(by: renderer)
        } catch {
            throw LoadError(file: "patient-texts.json", message: error.message)
        }
        self.renderer = renderer
        self.profile = profile
        self.language = language
        var files: [String: Data] = [:]
        for (name, data) in raw {
            guard name != "patient-texts.json" else { continue }
            do {
                files[name] = Data(try renderer.renderJSON(String(decoding: data, as: UTF8.self)).utf8)
            } catch {
                throw LoadError(file: name, message: error.message)
            }
        }
        func decode<Wrapper: Decodable>(_ name: String, as type: Wrapper.Type) throws -> Wrapper {
            try decode(name, as: type, from: files)
        }
        sources = try decode("sources.json", as: SourcesFile.self).sources
        medications = try decode("medications.json", as: MedicationsFile.self).medications
        injections = try decode("injections.json", as: InjectionsFile.self).injections
        symptoms = try decode("symptoms.json", as: SymptomsFile.self).symptoms
        conditions = try decode("conditions.json", as: ConditionsFile.self).conditions
        sideEffects = try decode("side-effects.json", as: SideEffectsFile.self).sideEffects
        let triageFile = try decode("triage-rules.json", as: TriageRulesFile.self)
        // Each definition may use the ones before it, so there are no cycles.
        var definitions: [String: TriageCondition] = [:]
        var unknown = Set<String>()
        var resolvedDefinitions: [TriageDefinition] = []
        for var definition in triageFile.definitions {
            definition.when = definition.when.resolving(definitions, unknown: &unknown)
            if definitions[definition.name] != nil {
                throw LoadError(
                    file: "triage-rules.json", message: "definitions: '\(definition.name)' is defined twice")
            }
            definitions[definition.name] = definition.when
            resolvedDefinitions.append(definition)
        }
        func resolved(_ condition: TriageCondition, _ location: String) throws -> TriageCondition {
            var unknown = Set<String>()
            let result = condition.resolving(definitions, unknown: &unknown)
            if let name = unknown.sorted().first {
                throw LoadError(file: location, message: "unknown or later definition '\(name)'")
            }
            return result
        }
        if let name = unknown.sorted().first {
            throw LoadError(file: "triage-rules.json", message: "definitions: unknown or later definition '\(name)'")
        }
        triageDefinitions = resolvedDefinitions
        preExistingSymptoms = triageFile.preExistingSymptoms
        let signsFile = try decode("warning-signs.json", as: WarningSignsFile.self)
        warningSigns = try signsFile.items.map { item in
            var item = item
            for index in item.parts.indices {
                let location = "warning-signs.json: \(item.parts[index].id)"
                item.parts[index].when = try item.parts[index].when.map { try resolved($0, location) }
                item.parts[index].unless = try item.parts[index].unless.map { try resolved($0, location) }
            }
            return item
        }.enumerated().sorted { ($0.element.level, $0.offset) < ($1.element.level, $1.offset) }.map(\.element)
        rulesNotAtHome = signsFile.notAtHome
        // A rule's warning sign is the first part that names it.
        var signOfRule: [String: String] = [:]
        for item in warningSigns {
            for part in item.parts {
                for rule in part.rules where signOfRule[rule] == nil { signOfRule[rule] = part.text }
            }
        }
        triageRules = try triageFile.rules.map { rule in
            var rule = rule
            rule.when = try resolved(rule.when, "triage-rules.json: \(rule.id)")
            rule.warningSign = signOfRule[rule.id]
            return rule
        }
        checklistItems = try decode("checklist-items.json", as: ChecklistItemsFile.self).items
        let reviewFile = try decode("review-rules.json", as: ReviewRulesFile.self)
        reviewRules = try reviewFile.rules.map { rule in
            var rule = rule
            rule.when = try resolved(rule.when, "review-rules.json: \(rule.id)")
            return rule
        }
        reviewSymptomTriage = reviewFile.symptomTriage
        changelog = try decode("changelog.json", as: Changelog.self)
        interview = try decode("interview.json", as: InterviewTexts.self)
        cdsMapping = try decode("cds-mapping.json", as: CDSMapping.self)
        func ruleTable<Outcome>(_ name: String) throws -> RuleTable<Outcome> {
            let file = try decode(name, as: RuleTable<Outcome>.File.self)
            let requests = JSONText.members("request", ofElementsOf: "rows", in: Array(files[name] ?? Data()))
            guard let table = RuleTable(file, requests: requests) else {
                throw LoadError(file: name, message: "rows: a request could not be read as written")
            }
            return table
        }
        triageRuleTable = try ruleTable("triage-rule-table.json")
        reviewRuleTable = try ruleTable("review-rule-table.json")
        sideEffectsByID = OrdinalTable(sideEffects.map { ($0.id, $0) })
        injectionsByID = OrdinalTable(injections.map { ($0.id, $0) })
        symptomsByCode = OrdinalTable(symptoms.map { ($0.code, $0) })
        var groups: [String] = []
        var groupIndex: [Int] = []
        for code in Symptom.allCases {
            // Coverage is the integrity check's; a symptom without an entry is a group of its own.
            let group = symptomsByCode[code]?.group ?? code.rawValue
            if let index = groups.firstIndex(of: group) {
                groupIndex.append(index)
            } else {
                groupIndex.append(groups.count)
                groups.append(group)
            }
        }
        symptomGroups = groups
        symptomGroupIndex = groupIndex
        var hash = ContentHash()
        let hashed = versionOf ?? raw
        for name in Self.fileNames + hashed.keys.filter({ !Self.fileNames.contains($0) }).sorted() {
            hash.combine(Array(name.utf8))
            hash.combine(Array(hashed[name] ?? Data()))
        }
        version = "\(Self.contentVersion)+\(hash.hexDigest)"
        cacheIdentity = version + "+" + profile.fingerprint + "+" + language
    }

    // MARK: - Lookups

    public func sideEffect(_ id: SideEffectID) -> SideEffect? { sideEffectsByID[id] }
    public func injection(_ id: InjectionType) -> InjectionEntry? { injectionsByID[id] }
    public func symptom(_ code: Symptom) -> SymptomEntry? { symptomsByCode[code] }

    /// What the patient is asked for an interview fact: the symptom's own
    /// question, the severity question naming the symptom, or the reading's.
    public func question(for fact: TriageInterview.Fact) -> String {
        switch fact {
        case .symptom(let code):
            return symptom(code)?.question ?? code.rawValue
        case .severity(let code):
            return interview.severityQuestion.replacing("{symptom}", with: symptom(code)?.label ?? code.rawValue)
        case .reading(let reading):
            return interview.reading(reading)?.text ?? reading.rawValue
        case .otherSymptoms:
            return interview.otherSymptomsQuestion
        case .anyOf:
            return interview.anyOfQuestion
        }
    }

    /// Asks whether a reported symptom is getting worse, naming it.
    public func worseningQuestion(for code: Symptom) -> String {
        interview.worseningQuestion.replacing("{symptom}", with: symptom(code)?.label ?? code.rawValue)
    }

    /// The side effects that apply to an injection type, in catalogue order.
    public func sideEffects(for injection: InjectionType) -> [SideEffect] {
        sideEffects.filter { $0.injections.contains(injection) }
    }

    // MARK: - Decoding

    private struct SourcesFile: Decodable { var sources: [Source] }
    private struct MedicationsFile: Decodable { var medications: [MedicationEntry] }
    private struct InjectionsFile: Decodable { var injections: [InjectionEntry] }
    private struct SymptomsFile: Decodable { var symptoms: [SymptomEntry] }
    private struct ConditionsFile: Decodable { var conditions: [ConditionEntry] }
    private struct SideEffectsFile: Decodable { var sideEffects: [SideEffect] }
    private struct TriageRulesFile: Decodable {
        var definitions: [TriageDefinition]
        var preExistingSymptoms: PreExistingSymptomPolicy
        var rules: [TriageRule]
    }
    private struct ChecklistItemsFile: Decodable { var items: [ChecklistItem] }
    private struct WarningSignsFile: Decodable {
        var notAtHome: [RuleNotAtHome]
        var items: [WarningSignItem]
    }
    private struct ReviewRulesFile: Decodable {
        var symptomTriage: ReviewSymptomTriage
        var rules: [ReviewRule]
    }

    /// Names the field a decoding error is about, e.g. `sideEffects[3].patientNotices[1]`.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce("") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
        }
        switch error {
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// FNV-1a, 64 bits: a stable fingerprint of the data's bytes (not a security hash).
struct ContentHash {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ bytes: [UInt8]) {
        for byte in bytes {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01b3
        }
    }

    var hexDigest: String {
        let hex = String(state, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

import FoundationEssentials
import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// A validated `GET /v1/side-effects` query: filters, text search, and a page.
struct SideEffectQuery: Sendable, Equatable {
    /// Each list filter's name, plural as every list is named (README, "Naming"),
    /// and the singular it had before, still accepted and deprecated.
    static let listFilters = [
        (name: "injections", deprecated: "injection"), (name: "medications", deprecated: "medication"),
        (name: "frequencies", deprecated: "frequency"), (name: "levels", deprecated: "level"),
    ]
    static let parameters = listFilters.flatMap { [$0.name, $0.deprecated] } + ["seed", "q", "limit", "cursor"]
    static let defaultLimit = 20
    static let maxLimit = 100
    static let maxSearchLength = 200

    var injections: Set<InjectionType>?
    var medications: Set<Medication>?
    var frequencies: Set<FrequencyClass>?
    var levels: Set<TriageLevel>?
    var seed: Bool?
    /// Lowercased search words; every one must match.
    var words: [String] = []
    var limit = defaultLimit
    var offset = 0

    /// Reads the query; throws 422 naming every bad parameter.
    init(query: Substring?) throws(APIProblem) {
        var validator = try QueryValidator(query: query, allowed: Self.parameters)
        func filter<Code: RawRepresentable & CaseIterable>(_ index: Int, as type: Code.Type) -> Set<Code>?
        where Code.RawValue == String {
            let (name, deprecated) = Self.listFilters[index]
            if validator.string(name) != nil && validator.string(deprecated) != nil {
                validator.fail(name, "Give \(name) or its old spelling \(deprecated), not both.")
                validator.fail(deprecated, "Give \(name) or its old spelling \(deprecated), not both.")
                return nil
            }
            let given = validator.string(name) != nil ? name : deprecated
            guard let codes = validator.codes(given, as: type) else { return nil }
            return Set(codes)
        }
        injections = filter(0, as: InjectionType.self)
        medications = filter(1, as: Medication.self)
        frequencies = filter(2, as: FrequencyClass.self)
        levels = filter(3, as: TriageLevel.self)
        seed = validator.boolean("seed")
        if let text = validator.text("q", maxLength: Self.maxSearchLength) {
            words = Self.words(in: text)
            // A letter or digit is a scalar of Unicode category L or N, as openapi.yaml says.
            if words.isEmpty || !text.unicodeScalars.contains(where: Self.isLetterOrDigit) {
                validator.fail("q", "Must contain at least one letter or digit.")
            }
        }
        limit = validator.integer("limit", in: 1...Self.maxLimit) ?? Self.defaultLimit
        if let cursor = validator.string("cursor") {
            if let offset = Self.decodeCursor(cursor, fingerprint: fingerprint) {
                self.offset = offset
            } else {
                validator.fail("cursor", "Not a cursor from this query; start again without it.")
            }
        }
        try validator.validate()
    }

    /// Whether no filter or search is set (every side effect matches).
    var isUnfiltered: Bool {
        injections == nil && medications == nil && frequencies == nil && levels == nil && seed == nil && words.isEmpty
    }

    /// Whether a side effect passes the filters and the search.
    func matches(_ effect: IndexedSideEffect) -> Bool {
        if let injections, effect.injections.isDisjoint(with: injections) { return false }
        if let medications, !medications.contains(where: { effect.causes.contains(Cause(medication: $0)) }) {
            return false
        }
        if let frequencies, !frequencies.contains(effect.frequency) { return false }
        if let levels, !levels.contains(effect.level) { return false }
        if let seed, effect.seed != seed { return false }
        return Self.contains(effect.searchText, all: words)
    }

    /// Whether `text` has every word (a plural matches its singular).
    static func contains(_ text: String, all words: [String]) -> Bool {
        words.allSatisfy { word in
            text.contains(word) || (word.count > 3 && word.hasSuffix("s") && text.contains(word.dropLast()))
        }
    }

    /// How well a matching side effect answers the search: 2 when its name has
    /// every word, 1 when its symptoms' labels and everyday words do, 0 when only
    /// the description (or the parts together) does.
    func relevance(_ effect: IndexedSideEffect) -> Int {
        if Self.contains(effect.nameText, all: words) { return 2 }
        if Self.contains(effect.symptomText, all: words) { return 1 }
        return 0
    }

    /// A search's results ranked: by relevance, then most urgent first, then in
    /// catalogue order. Without search words the catalogue order stays.
    func ranked(_ matching: [IndexedSideEffect]) -> [IndexedSideEffect] {
        guard !words.isEmpty else { return matching }
        return matching.map { (effect: $0, relevance: relevance($0)) }
            .sorted { lhs, rhs in
                if lhs.relevance != rhs.relevance { return lhs.relevance > rhs.relevance }
                if lhs.effect.level != rhs.effect.level { return lhs.effect.level < rhs.effect.level }
                return lhs.effect.position < rhs.effect.position
            }
            .map(\.effect)
    }

    static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            true
        default:
            false
        }
    }

    /// Folded (``fold(_:)``) runs of letters and digits.
    static func words(in text: String) -> [String] {
        fold(text).split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    /// Lowercased, and the accents of Latin letters dropped (`náuseas` is
    /// `nauseas`, `adormecimiento en la pequeña` is `... pequena`): patients
    /// often type without them. The search text is folded the same way.
    static func fold(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            let value = scalar.value
            if (0x300...0x36F).contains(value) { continue }  // a combining accent (decomposed text)
            if (0xE0...0xFF).contains(value), let base = latinBase[Int(value - 0xE0)].unicodeScalars.first {
                scalars.append(base == "-" ? scalar : base)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// The letter without its accent for U+00E0 to U+00FF (`-`: keep it, as ß, æ, ø, ÷ and þ).
    private static let latinBase = Array("aaaaaa-ceeeeiiii-nooooo--uuuuy-y").map(String.init)

    // MARK: - Cursor

    /// Identifies the filters (not the page), so a cursor only continues its own query.
    var fingerprint: String {
        func list<Code: RawRepresentable>(_ codes: Set<Code>?) -> String where Code.RawValue == String {
            codes.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "*"
        }
        let canonical = [
            list(injections), list(medications), list(frequencies), list(levels),
            seed.map { "\($0)" } ?? "*", words.joined(separator: " "),
        ].joined(separator: "|")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonical.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// An opaque cursor: base64url of `v1:<offset>:<fingerprint>`.
    static func encodeCursor(offset: Int, fingerprint: String) -> String {
        Data("v1:\(offset):\(fingerprint)".utf8).base64EncodedString()
            .replacing("+", with: "-").replacing("/", with: "_")
            .replacing("=", with: "")
    }

    static func decodeCursor(_ cursor: String, fingerprint: String) -> Int? {
        guard cursor.count <= 64 else { return nil }
        var base64 = cursor.replacing("-", with: "+").replacing("_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", parts[2] == fingerprint,
            !parts[1].isEmpty, parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), parts[1].count <= 6,
            let offset = Int(parts[1])
        else { return nil }
        return offset
    }
}

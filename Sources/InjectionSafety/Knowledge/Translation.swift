import FoundationEssentials

/// The patient texts of the data files in another language
/// (`translations/LANG.json`), put in place of the English in the files' raw
/// JSON before they are decoded: the knowledge base built from them is the
/// same rules, tables and codes with the patient's words in that language.
///
/// An entry names where its text is (`symptoms.json: leg-numbness label`) and
/// keeps the English it translates. Each translated English text is a JSON
/// string of its file, replaced wherever it is in that file:
/// scripts/check-translations.py checks that it is there exactly as often as
/// it is translated, so nothing else in the file (a code, a clinician's note)
/// is touched.
public struct Translation: Sendable {
    public let language: String
    /// By file name: the English text's JSON string contents (escaped, without
    /// quotes) to the translation's.
    let texts: [String: [[UInt8]: [UInt8]]]

    /// The languages with a translation built into the library.
    public static var bundledLanguages: [String] {
        EmbeddedKnowledge.files.keys.compactMap { name in
            guard name.hasPrefix("translations/"), name.hasSuffix(".json"), name != "translations/glossary.json"
            else { return nil }
            return String(name.dropFirst("translations/".count).dropLast(".json".count))
        }.sorted()
    }

    /// The translation into `language` built into the library.
    public static func bundled(_ language: String) throws -> Translation {
        let name = "translations/\(language).json"
        guard let text = EmbeddedKnowledge.files[name] else {
            throw KnowledgeBase.LoadError(file: name, message: "no translation into '\(language)'")
        }
        return try Translation(language: language, data: Data(text.utf8), file: name)
    }

    private struct File: Decodable {
        struct Entry: Decodable {
            var en: String
            var translated: String

            private struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Key.self)
                en = try container.decode(String.self, forKey: Key(stringValue: "en"))
                let language = decoder.userInfo[File.languageKey] as? String ?? ""
                translated = try container.decode(String.self, forKey: Key(stringValue: language))
            }
        }

        static let languageKey = CodingUserInfoKey(rawValue: "language")!
        var texts: [String: Entry]
    }

    init(language: String, data: Data, file: String) throws {
        let decoder = JSONDecoder()
        decoder.userInfo[File.languageKey] = language
        let document: File
        do {
            document = try decoder.decode(File.self, from: data)
        } catch let error as DecodingError {
            throw KnowledgeBase.LoadError(file: file, message: KnowledgeBase.describe(error))
        }
        var texts: [String: [[UInt8]: [UInt8]]] = [:]
        for (id, entry) in document.texts {
            guard let colon = id.firstIndex(of: ":") else {
                throw KnowledgeBase.LoadError(file: file, message: "text id '\(id)' names no file")
            }
            texts[String(id[..<colon]), default: [:]][Self.escaped(entry.en)] = Self.escaped(entry.translated)
        }
        self.language = language
        self.texts = texts
    }

    /// `files` with every translated text in place of its English.
    public func apply(to files: [String: Data]) -> [String: Data] {
        var result = files
        for (name, replacements) in texts {
            guard let data = files[name] else { continue }
            result[name] = Data(Self.replacingStrings(in: Array(data), replacements))
        }
        return result
    }

    /// One pass over a JSON document: each string whose escaped contents are a
    /// key of `replacements` gets the value instead (keys of objects included:
    /// none is a patient's sentence).
    static func replacingStrings(in json: [UInt8], _ replacements: [[UInt8]: [UInt8]]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(json.count + json.count / 4)
        var scanner = JSONText.Scanner(bytes: json)
        while scanner.index < json.count {
            guard json[scanner.index] == UInt8(ascii: "\"") else {
                output.append(json[scanner.index])
                scanner.index += 1
                continue
            }
            let start = scanner.index
            scanner.skipString()
            let end = min(scanner.index, json.count)
            // Between the quotes (the closing one is missing only at a truncated end).
            let closed = end > start + 1 && json[end - 1] == UInt8(ascii: "\"")
            let contents = Array(json[(start + 1)..<(closed ? end - 1 : end)])
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: replacements[contents] ?? contents)
            if closed { output.append(UInt8(ascii: "\"")) }
        }
        return output
    }

    /// A string's JSON contents as the data files write them.
    static func escaped(_ text: String) -> [UInt8] { Array(JSONText.escaped(text).utf8) }
}

import FoundationEssentials
import InjectionSafety

/// Reads a clinic profile file: a JSON object, or YAML written as one
/// `field: value` per line (the only YAML a profile needs).
///
/// The YAML read is a strict subset: comments, blank lines, an optional `---`,
/// and top-level `field: value` lines whose value is plain, 'single-quoted' or
/// "double-quoted" (`\"` and `\\` escaped), or empty or `null` for a field left
/// out. A plain value is typed as YAML would type it, so `911` and `000` are
/// numbers and `yes` is a boolean, and the profile refuses them where text
/// belongs instead of losing leading zeros. Anything else (lists, nesting,
/// anchors, block text, tabs) is refused with its line number: nothing is
/// guessed. (A full YAML library was not used: the ones available bring all of
/// Foundation with ICU into the binary, which would put the container image over
/// its size budget.)
public enum ClinicProfileFile {
    /// A profile file larger than this is refused (a profile is a few lines).
    public static let maximumBytes = 64 * 1024

    /// Why a profile file was refused: its path, and the field or line at fault.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// Reads and checks the profile at `path`.
    public static func load(path: String) throws(Failure) -> ClinicProfile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(message: "\(path): cannot be read (no such file)")
        }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else {
            throw Failure(message: "\(path): cannot be read (not a readable file)")
        }
        guard data.count <= maximumBytes else {
            throw Failure(message: "\(path): larger than \(maximumBytes) bytes")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw Failure(message: "\(path): not UTF-8 text")
        }
        do {
            return try parse(text)
        } catch {
            throw Failure(message: "\(path): \(error.message)")
        }
    }

    /// Checks a profile given as JSON or YAML text.
    public static func parse(_ text: String) throws(Failure) -> ClinicProfile {
        let trimmed = text.drop { $0.isWhitespace }
        let fields = try trimmed.first == "{" || trimmed.first == "[" ? jsonFields(text) : yamlFields(text)
        let profile: ClinicProfile
        do {
            profile = try ClinicProfile(fields: fields)
        } catch {
            throw Failure(message: error.description)
        }
        if let language = profile.defaultLanguage, ContentLanguage.match(language) == nil {
            throw Failure(
                message:
                    "defaultLanguage: '\(language)' is not a language the texts exist in (\(ContentLanguage.available.joined(separator: ", ")))"
            )
        }
        return profile
    }

    // MARK: - JSON

    static func jsonFields(_ text: String) throws(Failure) -> [String: ClinicProfile.FieldValue] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(text.utf8))
        } catch {
            throw Failure(message: "not JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object(let members) = value else {
            throw Failure(message: "must be a mapping of fields (name: ..., daytimePhone: ...), not a list")
        }
        var fields: [String: ClinicProfile.FieldValue] = [:]
        for (key, member) in members {
            guard fields[key] == nil else { throw Failure(message: "\(key): given twice") }
            switch member {
            case .string(let string): fields[key] = .string(string)
            case .null: fields[key] = .null
            case .number: fields[key] = .other("a number")
            case .bool: fields[key] = .other("true or false")
            case .array: fields[key] = .other("a list")
            case .object: fields[key] = .other("a mapping")
            }
        }
        return fields
    }

    // MARK: - YAML (one field per line)

    static func yamlFields(_ text: String) throws(Failure) -> [String: ClinicProfile.FieldValue] {
        var fields: [String: ClinicProfile.FieldValue] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            var line = rawLine
            if line.last == "\r" { line = line.dropLast() }
            if index == 0, line.first == "\u{FEFF}" { line = line.dropFirst() }
            let content = line.drop { $0 == " " }
            if content.isEmpty || content.first == "#" { continue }
            if index == 0 || fields.isEmpty, content.trimmingSpaces == "---" { continue }
            func refuse(_ why: String) -> Failure {
                Failure(message: "line \(number): \(why)")
            }
            guard content.count == line.count else {
                throw refuse("indented: only top-level `field: value` lines are read (no nesting)")
            }
            if line.contains("\t") { throw refuse("a tab: use spaces") }
            if line.first == "-" {
                throw refuse("must be a mapping of fields (name: ..., daytimePhone: ...), not a list")
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw refuse("not a `field: value` line")
            }
            let key = String(line[..<colon])
            guard let first = key.unicodeScalars.first, first.properties.isAlphabetic,
                key.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) })
            else {
                throw refuse("'\(key)' is not a field name (letters and digits, then a colon)")
            }
            let afterColon = line[line.index(after: colon)...]
            guard afterColon.isEmpty || afterColon.first == " " else {
                throw refuse("put a space after the colon")
            }
            guard fields[key] == nil else { throw Failure(message: "\(key): given twice") }
            do {
                fields[key] = try value(afterColon.trimmingSpaces)
            } catch {
                throw refuse("\(key): \(error.message)")
            }
        }
        return fields
    }

    /// One value as YAML would read it: quoted text, null, or a plain scalar
    /// typed (number, boolean) or text.
    static func value(_ text: Substring) throws(Failure) -> ClinicProfile.FieldValue {
        guard let first = text.first else { return .null }
        switch first {
        case "\"", "'":
            var result = ""
            var index = text.index(after: text.startIndex)
            var closed: String.Index?
            while index < text.endIndex {
                let character = text[index]
                if character == first {
                    let next = text.index(after: index)
                    if first == "'", next < text.endIndex, text[next] == "'" {
                        result.append("'")
                        index = text.index(after: next)
                        continue
                    }
                    closed = index
                    break
                }
                if first == "\"", character == "\\" {
                    let next = text.index(after: index)
                    guard next < text.endIndex, text[next] == "\"" || text[next] == "\\" else {
                        throw Failure(message: "only \\\" and \\\\ are read as escapes in double quotes")
                    }
                    result.append(text[next])
                    index = text.index(after: next)
                    continue
                }
                result.append(character)
                index = text.index(after: index)
            }
            guard let closed else { throw Failure(message: "the quote is not closed on this line") }
            let rest = text[text.index(after: closed)...].trimmingSpaces
            guard rest.isEmpty || rest.first == "#" else {
                throw Failure(message: "text after the closing quote")
            }
            return .string(result)
        case "[": return .other("a list")
        case "{": return .other("a mapping")
        case "&", "*", "!", "|", ">", "%", "@", "`":
            throw Failure(message: "'\(first)' starts YAML this reader does not take: write the value in quotes")
        default:
            // A comment starts at " #" in a plain value.
            var plain = text
            if let hash = text.firstRange(of: " #") { plain = text[..<hash.lowerBound] }
            let scalar = plain.trimmingSpaces
            switch scalar.lowercased() {
            case "", "~", "null": return .null
            case "true", "false", "yes", "no", "on", "off", "y", "n": return .other("true or false")
            default: break
            }
            if isNumber(scalar) { return .other("a number") }
            return .string(String(scalar))
        }
    }

    /// Whether YAML (1.1 or 1.2) reads a plain scalar as a number: 911, 000,
    /// -1, 1.5, 1e3, 0x1F, 0o17, .5, 1_000.
    static func isNumber(_ text: Substring) -> Bool {
        var body = text
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        let lower = body.lowercased()
        if [".inf", ".nan"].contains(lower) { return true }
        if lower.hasPrefix("0x") { return lower.count > 2 && lower.dropFirst(2).allSatisfy(\.isHexDigit) }
        if lower.hasPrefix("0o") {
            return lower.count > 2 && lower.dropFirst(2).allSatisfy { ("0"..."7").contains($0) }
        }
        var digits = 0
        var dots = 0
        var exponent = false
        var previous: Character = " "
        for character in lower {
            switch character {
            case "0"..."9": digits += 1
            case "_" where digits > 0: break
            case "." where !exponent: dots += 1
            case "e" where digits > 0 && !exponent: exponent = true
            case "+" where previous == "e": break
            case "-" where previous == "e": break
            default: return false
            }
            previous = character
        }
        return digits > 0 && dots <= 1 && previous != "e"
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}

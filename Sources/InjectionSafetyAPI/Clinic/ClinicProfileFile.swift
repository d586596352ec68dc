import FoundationEssentials
import InjectionSafety
import Yams

/// Reads a clinic profile file: YAML or JSON (a YAML reader reads both), one
/// mapping of the fields `clinic-profile.schema.json` describes.
public enum ClinicProfileFile {
    /// A profile file larger than this is refused (a profile is a few lines).
    public static let maximumBytes = 64 * 1024

    /// Why a profile file was refused: its path, and the field when one is at fault.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// Reads and checks the profile at `path`.
    public static func load(path: String) throws(Failure) -> ClinicProfile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(message: "\(path): cannot be read (\(error.localizedDescription))")
        }
        guard data.count <= maximumBytes else {
            throw Failure(message: "\(path): larger than \(maximumBytes) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(message: "\(path): not UTF-8 text")
        }
        do {
            return try parse(text)
        } catch {
            throw Failure(message: "\(path): \(error.message)")
        }
    }

    /// Checks a profile given as YAML or JSON text.
    public static func parse(_ text: String) throws(Failure) -> ClinicProfile {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw Failure(message: "not YAML or JSON: \(error)")
        }
        guard let node else { return .neutral }  // an empty file: no field given
        guard case .mapping(let mapping) = node else {
            throw Failure(message: "must be a mapping of fields (name: ..., daytimePhone: ...), not \(kind(of: node))")
        }
        var fields: [String: ClinicProfile.FieldValue] = [:]
        for (key, value) in mapping {
            guard case .scalar(let keyScalar) = key else {
                throw Failure(message: "a field name must be text, not \(kind(of: key))")
            }
            let name = keyScalar.string
            guard fields[name] == nil else { throw Failure(message: "\(name): given twice") }
            fields[name] = fieldValue(value)
        }
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

    static func fieldValue(_ node: Node) -> ClinicProfile.FieldValue {
        guard case .scalar(let scalar) = node else { return .other(kind(of: node)) }
        if node.tag == Tag(.str) { return .string(scalar.string) }
        if node.tag == Tag(.null) { return .null }
        return .other(kind(of: node))
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            if node.tag == Tag(.int) || node.tag == Tag(.float) { return "a number" }
            if node.tag == Tag(.bool) { return "true or false" }
            if node.tag == Tag(.null) { return "null" }
            return "text"
        }
    }
}

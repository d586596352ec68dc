import FoundationEssentials
import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// Reads and checks a request's query parameters: one place for every route,
/// so a wrong code or an unknown parameter is answered the same way everywhere.
///
/// Problems are collected, not thrown one at a time, so one 422 names every
/// offending parameter.
public struct QueryValidator {
    private let parameters: QueryParameters
    private let allowed: [String]
    public private(set) var errors: [APIProblem.FieldError] = []

    /// Fails with 422 when the query is malformed, a parameter is unknown, or one is repeated.
    public init(query: Substring?, allowed: [String]) throws(APIProblem) {
        guard let parameters = QueryParameters(query: query) else {
            throw .invalidParameters([
                APIProblem.FieldError(field: "query", detail: "The query string has a malformed percent-encoding.")
            ])
        }
        self.parameters = parameters
        self.allowed = allowed
        for name in parameters.names {
            if !allowed.contains(name) {
                errors.append(
                    APIProblem.FieldError(field: name, detail: "Unknown query parameter.", validValues: allowed))
            } else if parameters.values(for: name).count > 1 {
                errors.append(APIProblem.FieldError(field: name, detail: "Give this parameter once."))
            }
        }
    }

    /// A 422 when a route that takes no parameters is given some.
    public static func requireNoParameters(_ query: Substring?) throws(APIProblem) {
        try QueryValidator(query: query, allowed: []).validate()
    }

    /// The raw value of a parameter, if present.
    public func string(_ name: String) -> String? { parameters[name] }

    /// A comma-separated list of codes, each checked against the vocabulary.
    public mutating func codes<Code: RawRepresentable & CaseIterable>(_ name: String, as type: Code.Type) -> [Code]?
    where Code.RawValue == String {
        guard let value = parameters[name] else { return nil }
        var codes: [Code] = []
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            let text = String(part.trimmingWhitespace())
            guard let code = Code(rawValue: text) else {
                errors.append(
                    APIProblem.FieldError(
                        field: name, detail: text.isEmpty ? "Empty code in the list." : "Unknown code.",
                        validValues: Code.allCases.map(\.rawValue)))
                return nil
            }
            codes.append(code)
        }
        return codes
    }

    /// A whole number in a range; digits only (no sign, no spaces).
    public mutating func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = parameters[name] else { return nil }
        guard !value.isEmpty, value.utf8.count <= 9, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let number = Int(value), range.contains(number)
        else {
            errors.append(
                APIProblem.FieldError(
                    field: name, detail: "Must be a whole number from \(range.lowerBound) to \(range.upperBound)."))
            return nil
        }
        return number
    }

    /// `true` or `false`.
    public mutating func boolean(_ name: String) -> Bool? {
        guard let value = parameters[name] else { return nil }
        switch value {
        case "true": return true
        case "false": return false
        default:
            errors.append(
                APIProblem.FieldError(field: name, detail: "Must be true or false.", validValues: ["true", "false"]))
            return nil
        }
    }

    /// Free text, bounded in length: `maxLength` Unicode scalars as sent (JSON Schema's
    /// `maxLength` counts code points), then trimmed of surrounding whitespace.
    public mutating func text(_ name: String, maxLength: Int) -> String? {
        guard let value = parameters[name] else { return nil }
        let trimmed = String(value.trimmingWhitespace())
        guard !trimmed.isEmpty, value.unicodeScalars.count <= maxLength else {
            errors.append(APIProblem.FieldError(field: name, detail: "Must be 1 to \(maxLength) characters."))
            return nil
        }
        return trimmed
    }

    /// Records a problem found by the caller.
    public mutating func fail(_ name: String, _ detail: String) {
        errors.append(APIProblem.FieldError(field: name, detail: detail))
    }

    /// Throws 422 naming every problem found so far.
    public func validate() throws(APIProblem) {
        if !errors.isEmpty { throw .invalidParameters(errors) }
    }
}

import HTTPFramework
import HTTPServer
import JSONWriter

/// An error the API answers with, rendered as RFC 9457 `application/problem+json`.
///
/// `errors` names each offending field or parameter, and for codes lists the
/// valid values, so a client can correct the request without guessing.
public struct APIProblem: ProblemConvertible, Sendable, Equatable {
    /// One offending field or query parameter.
    public struct FieldError: Sendable, Equatable, Codable {
        /// The query parameter or JSON field, e.g. `injection` or `symptoms[2].code`.
        public var field: String
        /// A JSON pointer (RFC 6901) to the offending body member, e.g. `/symptoms/2/code`.
        public var pointer: String?
        /// What is wrong, in plain words.
        public var detail: String
        /// The accepted values, when the field takes codes.
        public var validValues: [String]?

        public init(field: String, pointer: String? = nil, detail: String, validValues: [String]? = nil) {
            self.field = field
            self.pointer = pointer
            self.detail = detail
            self.validValues = validValues
        }
    }

    /// Its type, whose page (`/problems/{name}`) says what it means and how to fix the request.
    public var kind: ProblemType
    public var status: HTTPStatus { kind.status }
    /// The problem type URI (relative, under `/problems/`).
    public var type: String { kind.uri }
    public var title: String { kind.title }
    public var detail: String
    public var errors: [FieldError]

    public init(_ kind: ProblemType, detail: String, errors: [FieldError] = []) {
        self.kind = kind
        self.detail = detail
        self.errors = errors
    }

    /// 422: query parameters or fields that are unknown, malformed or out of range.
    public static func invalidParameters(_ errors: [FieldError]) -> APIProblem {
        let names = errors.map(\.field).joined(separator: ", ")
        return APIProblem(.invalidParameters, detail: "The request has invalid parameters: \(names).", errors: errors)
    }

    /// 422: body members that are unknown, missing, of the wrong type or out of range.
    public static func invalidBody(_ errors: [FieldError]) -> APIProblem {
        let names = errors.map { $0.pointer ?? $0.field }.joined(separator: ", ")
        return APIProblem(.invalidBody, detail: "The request body has invalid fields: \(names).", errors: errors)
    }

    /// 400: the body is not JSON.
    public static func malformedJSON(offset: Int, message: String) -> APIProblem {
        APIProblem(.malformedJSON, detail: "The request body is not valid JSON: \(message) at byte \(offset).")
    }

    /// 415: the body is not declared as JSON.
    public static let unsupportedMediaType = APIProblem(
        .unsupportedMediaType, detail: "Send the body as application/json (a charset parameter is allowed).")

    /// 404: no resource with this id.
    public static func notFound(_ what: String) -> APIProblem {
        APIProblem(.notFound, detail: "No \(what) has this id.")
    }

    /// The problem details: the fields above, and `errors` when there are any.
    public var problem: Problem {
        var members: [UInt8] = []
        if !errors.isEmpty {
            members.append(jsonLiteral: #","errors":["#)
            for (index, error) in errors.enumerated() {
                if index > 0 { members.append(UInt8(ascii: ",")) }
                members.append(jsonLiteral: #"{"field":"#)
                JSONString.append(error.field, to: &members)
                if let pointer = error.pointer {
                    members.append(jsonLiteral: #","pointer":"#)
                    JSONString.append(pointer, to: &members)
                }
                members.append(jsonLiteral: #","detail":"#)
                JSONString.append(error.detail, to: &members)
                if let values = error.validValues {
                    members.append(jsonLiteral: #","validValues":"#)
                    JSONString.appendArray(values, to: &members)
                }
                members.append(UInt8(ascii: "}"))
            }
            members.append(UInt8(ascii: "]"))
        }
        return Problem(status: status, type: type, title: title, detail: detail, extensionMembers: members)
    }
}

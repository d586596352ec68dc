import HTTPFramework
import HTTPServer
import InjectionSafety

/// The answered questions of a FHIR `QuestionnaireResponse`, taken out of
/// their groups, each checked against the questions of its questionnaire:
/// unknown link ids, a question answered twice, a group with an answer, and an
/// answer list of the wrong length are 422 with a pointer, never dropped.
struct FHIRResponseItems {
    typealias Answer = [(key: String, value: JSONValue)]

    struct Item {
        var pointer: String
        var linkId: String
        /// `nil` for a group, or a question left unanswered.
        var answers: [Answer]?
    }

    /// The questions a questionnaire has, for checking a response to it.
    struct Questions {
        var ids: Set<String>
        /// Groups (no answer of their own).
        var groups: Set<String>
        /// Questions that take one or more answers; the rest take exactly one.
        var repeating: Set<String>
        /// The valid link ids to list for an unknown one with this prefix (e.g. `condition-`).
        var families: [(prefix: String, detail: String, ids: [String])] = []
    }

    var items: [Item] = []
    var errors: [APIProblem.FieldError] = []

    mutating func fail(_ pointer: String, _ detail: String, _ valid: [String]? = nil) {
        errors.append(APIProblem.FieldError(field: "item", pointer: pointer, detail: detail, validValues: valid))
    }

    static func value(_ answer: Answer, _ key: String) -> JSONValue? {
        answer.first { $0.key == key }?.value
    }

    /// Parses `body` (a `QuestionnaireResponse`) and collects its items.
    static func read(_ body: [UInt8], limits: APILimits, questions: Questions) throws(APIProblem) -> Self {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body, limits: limits)
        } catch {
            throw .malformedJSON(offset: error.offset, message: error.message)
        }
        guard case .object(let members) = json,
            members.contains(where: { $0.key == "resourceType" && $0.value == .string("QuestionnaireResponse") })
        else {
            throw .invalidBody([
                APIProblem.FieldError(
                    field: "resourceType", pointer: "/resourceType", detail: "Must be QuestionnaireResponse.")
            ])
        }
        var result = Self()
        var seen = Set<String>()
        if let items = members.first(where: { $0.key == "item" })?.value {
            result.collect(items, "/item", questions, &seen)
        }
        return result
    }

    private mutating func collect(
        _ items: JSONValue, _ pointer: String, _ questions: Questions, _ seen: inout Set<String>
    ) {
        guard case .array(let list) = items else {
            fail(pointer, "Must be an array of items.")
            return
        }
        for (index, item) in list.enumerated() {
            let itemPointer = "\(pointer)/\(index)"
            guard case .object(let fields) = item,
                case .string(let linkId)? = fields.first(where: { $0.key == "linkId" })?.value
            else {
                fail(itemPointer, "An item needs a linkId.")
                continue
            }
            if let nested = fields.first(where: { $0.key == "item" })?.value {
                collect(nested, "\(itemPointer)/item", questions, &seen)
            }
            guard questions.ids.contains(linkId) || questions.groups.contains(linkId) else {
                if let family = questions.families.first(where: { linkId.hasPrefix($0.prefix) }) {
                    fail("\(itemPointer)/linkId", family.detail, family.ids)
                } else {
                    fail("\(itemPointer)/linkId", "Not a question of this questionnaire.")
                }
                continue
            }
            // No item appears twice: a second copy (a fever answered `true`, then
            // `false`) would make one of the answers win silently.
            guard seen.insert(linkId).inserted else {
                fail("\(itemPointer)/linkId", "This question appears more than once; answer it once.")
                continue
            }
            // An answer that is not read must not be dropped silently.
            var itemAnswers: [Answer]?
            if let value = fields.first(where: { $0.key == "answer" })?.value {
                guard !questions.groups.contains(linkId) else {
                    fail("\(itemPointer)/answer", "A group has no answer; answer the questions in it.")
                    continue
                }
                let repeats = questions.repeating.contains(linkId)
                var objects: [Answer] = []
                if case .array(let list) = value, repeats ? !list.isEmpty : list.count == 1 {
                    for element in list {
                        guard case .object(let object) = element else { break }
                        objects.append(object)
                    }
                }
                guard case .array(let list) = value, !objects.isEmpty, objects.count == list.count else {
                    fail(
                        "\(itemPointer)/answer",
                        repeats
                            ? "Must be an array of one or more answer objects."
                            : "Must be an array with exactly one answer object.")
                    continue
                }
                itemAnswers = objects
            }
            self.items.append(Item(pointer: itemPointer, linkId: linkId, answers: itemAnswers))
        }
    }
}

/// A clinician-readable test table of rules (`triage-rule-table.json`,
/// `review-rule-table.json`): for every rule, requests where it fires and
/// close ones where it does not. The rule book shows each rule's rows beside
/// it, and the test suites run every row through the real decoder and engine.
public struct RuleTable<Outcome: RuleTableOutcome>: Sendable, Hashable {
    /// What the table is and how to read it.
    public var about: String
    /// In file order (grouped by rule).
    public var rows: [RuleTableRow<Outcome>]

    /// The rows about one rule, in file order.
    public func rows(for rule: String) -> [RuleTableRow<Outcome>] { rows.filter { $0.rule == rule } }
}

/// One request of a rule table.
public struct RuleTableRow<Outcome: RuleTableOutcome>: Sendable, Hashable {
    /// The id of the rule the row is about.
    public var rule: String
    /// Whether that rule matches the request (is among the answer's reasons).
    public var fires: Bool
    /// The outcome of the whole answer: the level of a triage, the decision of a review.
    public var outcome: Outcome
    /// The request body exactly as written in the table, compact: members in
    /// their order, numbers as written (`38.0` stays `38.0`).
    public var request: String
    /// What the row shows, in one sentence.
    public var why: String
}

/// What a rule table's rows expect of the whole answer, and the field that holds it.
public protocol RuleTableOutcome: Sendable, Hashable, Codable, RawRepresentable where RawValue == String {
    /// The row's field: `level` or `decision`.
    static var tableField: String { get }
}

extension TriageLevel: RuleTableOutcome {
    public static var tableField: String { "level" }
}

extension ReviewDecision: RuleTableOutcome {
    public static var tableField: String { "decision" }
}

extension RuleTable {
    /// The table with each row's request text (``JSONText``, from the file's
    /// bytes); nil when the texts do not match the rows one to one.
    init?(_ file: File, requests: [String?]) {
        guard requests.count == file.rows.count else { return nil }
        var rows: [RuleTableRow<Outcome>] = []
        for (row, request) in zip(file.rows, requests) {
            guard let request else { return nil }
            rows.append(
                RuleTableRow(rule: row.rule, fires: row.fires, outcome: row.outcome, request: request, why: row.why))
        }
        self.init(about: file.about, rows: rows)
    }

    /// A table file: `{"about": "...", "rows": [{"rule", "fires", <tableField>, "request", "why"}]}`.
    struct File: Decodable {
        var about: String
        var rows: [Row]
    }

    /// A row has exactly these fields, and its request is a JSON object
    /// (whose text is read from the bytes, not decoded here).
    struct Row: Decodable {
        var rule: String
        var fires: Bool
        var outcome: Outcome
        var why: String

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            let fields = ["rule", "fires", Outcome.tableField, "request", "why"]
            for key in container.allKeys where !fields.contains(key.stringValue) {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: container.codingPath + [key],
                        debugDescription: "not a field of a row (the fields are \(fields.joined(separator: ", ")))"))
            }
            rule = try container.decode(String.self, forKey: Key("rule"))
            fires = try container.decode(Bool.self, forKey: Key("fires"))
            outcome = try container.decode(Outcome.self, forKey: Key(Outcome.tableField))
            _ = try container.nestedContainer(keyedBy: Key.self, forKey: Key("request"))
            why = try container.decode(String.self, forKey: Key("why"))
        }
    }
}

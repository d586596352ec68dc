/// `cds-mapping.json`: how an EHR's FHIR codes read into the pre-procedure
/// review's facts (conditions, readings, the injection), each code with the
/// page it was checked against, or none (unverified).
public struct CDSMapping: Sendable, Codable, Hashable {
    /// One code and what it stands for here.
    public struct Entry: Sendable, Codable, Hashable {
        /// A key of ``CDSMapping/systems``; none for an entry matched by name only.
        public var system: String?
        public var code: String?
        public var display: String
        /// The condition code it stands for (conditions, medications, allergies).
        public var means: Condition?
        /// The reading it stands for (observations): `bloodGlucose`, `systolicBloodPressure`, `temperature`.
        public var reading: String?
        /// The injection type it stands for (procedures, orders, appointments).
        public var injection: InjectionType?
        public var approach: Approach?
        /// Whether a past one counts toward the corticosteroid injections of 12 months.
        public var steroidInjection: Bool?
        /// `prefix`: an ICD-10-CM category that matches its subcodes; else exact.
        public var match: String?
        /// Ingredient or allergen names that also match in a text or display (lowercase).
        public var names: [String]?
        /// Where the code and its meaning were seen together; `nil`: unverified.
        public var checkedAgainst: String?
        public var note: String?

        public var isVerified: Bool { checkedAgainst != nil }

        func matches(system url: String, code value: String, systems: [String: String]) -> Bool {
            guard let system, let code, systems[system] == url else { return false }
            // A category matches its subcodes, written with or without the dot (E11.9, E119).
            if match == "prefix" { return value.hasPrefix(code) }
            return value == code
        }

        func matches(text: String) -> Bool {
            // A whole word or phrase: "heparin" in "heparin sodium", not in "heparinoid".
            let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
            return names?.contains { name in
                let parts = name.split { !$0.isLetter && !$0.isNumber }.map(String.init)
                guard !parts.isEmpty, parts.count <= words.count else { return false }
                return (0...(words.count - parts.count)).contains { Array(words[$0..<($0 + parts.count)]) == parts }
            } ?? false
        }
    }

    public var about: String
    /// Short names of the code systems, to their FHIR system URLs.
    public var systems: [String: String]
    public var conditions: [Entry]
    public var medications: [Entry]
    public var allergies: [Entry]
    public var observations: [Entry]
    public var procedures: [Entry]

    /// Every entry, by list.
    public var allEntries: [(list: String, entry: Entry)] {
        conditions.map { ("conditions", $0) } + medications.map { ("medications", $0) }
            + allergies.map { ("allergies", $0) } + observations.map { ("observations", $0) }
            + procedures.map { ("procedures", $0) }
    }

    /// The first entry of `list` a coding matches (by code, then by name in its display).
    public func entry(in list: [Entry], system: String?, code: String?, display: String?) -> Entry? {
        if let system, let code,
            let found = list.first(where: { $0.matches(system: system, code: code, systems: systems) })
        {
            return found
        }
        if let display, let found = list.first(where: { $0.matches(text: display) }) { return found }
        return nil
    }
}

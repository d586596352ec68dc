/// `patient-texts.json`: what to do at each level, the follow-ups, the
/// disclaimer, and the phrases that name the clinic's contacts, rendered for
/// one clinic profile.
public struct PatientTexts: Sendable, Hashable {
    public struct Actions: Sendable, Codable, Hashable {
        public var emergency: String
        public var urgent: String
        public var contactProvider: String
        public var selfCare: String
        /// Self-care when the patient reported no symptom at all.
        public var noSymptoms: String
    }

    public struct FollowUps: Sendable, Codable, Hashable {
        public var emergency: String
        public var urgent: String
        public var contactProvider: String
        public var selfCare: String
        /// Self-care when a corticosteroid was given (its slow start is told).
        public var selfCareAfterSteroid: String
    }

    /// The lead of a take-home list's warning item, by level.
    public struct WarningLeads: Sendable, Codable, Hashable {
        public var emergency: String
        public var urgent: String
        public var contactProvider: String
    }

    /// The headings of the take-home handout; `{injection}` is the injection's name.
    public struct Handout: Sendable, Codable, Hashable {
        public struct Titles: Sendable, Codable, Hashable {
            public var preProcedure: String
            public var dayOfProcedure: String
            public var postProcedure: String
        }

        public struct Categories: Sendable, Codable, Hashable {
            public var medications: String
            public var preparation: String
            public var transport: String
            public var monitoring: String
            public var whenToCall: String
            public var followUp: String
        }

        public var titles: Titles
        /// The heading over the warning signs.
        public var warningSigns: String
        public var categories: Categories

        /// The page's title for `phase`, naming the injection.
        public func title(_ phase: ChecklistPhase, injection: String) -> String {
            let title =
                switch phase {
                case .preProcedure: titles.preProcedure
                case .dayOfProcedure: titles.dayOfProcedure
                case .postProcedure: titles.postProcedure
                }
            return title.replacing("{injection}", with: injection)
        }

        /// The heading of a category's items.
        public func heading(_ category: ChecklistCategory) -> String {
            switch category {
            case .medications: categories.medications
            case .preparation: categories.preparation
            case .transport: categories.transport
            case .monitoring: categories.monitoring
            case .whenToCall: categories.whenToCall
            case .followUp: categories.followUp
            }
        }
    }

    /// One way to say a phrase: used when the profile gives every field in `uses`.
    public struct Variant: Sendable, Codable, Hashable {
        public var uses: [ClinicProfile.Field]
        public var text: String
    }

    public var about: String
    /// The variants of each phrase, the neutral words last.
    public var phrases: [String: [Variant]]
    public var disclaimer: String
    public var actions: Actions
    public var followUps: FollowUps
    public var warningLeads: WarningLeads
    public var unexplainedSymptom: String
    public var handout: Handout

    /// The lead of a warning item at `level` (self-care has none of its own).
    public func warningLead(_ level: TriageLevel) -> String {
        switch level {
        case .emergency: warningLeads.emergency
        case .urgent: warningLeads.urgent
        case .contactProvider, .selfCare: warningLeads.contactProvider
        }
    }

    /// The action for a level (self-care with no symptom reported has its own).
    public func action(for level: TriageLevel, noSymptoms: Bool = false) -> String {
        switch level {
        case .emergency: actions.emergency
        case .urgent: actions.urgent
        case .contactProvider: actions.contactProvider
        case .selfCare: noSymptoms ? actions.noSymptoms : actions.selfCare
        }
    }

    /// What to do next. At self-care, the steroid's slow start is told only
    /// when a corticosteroid was given.
    public func followUp(for level: TriageLevel, corticosteroidGiven: Bool) -> String {
        switch level {
        case .emergency: followUps.emergency
        case .urgent: followUps.urgent
        case .contactProvider: followUps.contactProvider
        case .selfCare: corticosteroidGiven ? followUps.selfCareAfterSteroid : followUps.selfCare
        }
    }

    /// Every text, rendered by `renderer`.
    func rendered(by renderer: TextRenderer) throws(TextRenderer.Failure) -> PatientTexts {
        var copy = self
        copy.disclaimer = try renderer.render(disclaimer)
        copy.unexplainedSymptom = try renderer.render(unexplainedSymptom)
        copy.actions = Actions(
            emergency: try renderer.render(actions.emergency), urgent: try renderer.render(actions.urgent),
            contactProvider: try renderer.render(actions.contactProvider),
            selfCare: try renderer.render(actions.selfCare), noSymptoms: try renderer.render(actions.noSymptoms))
        copy.followUps = FollowUps(
            emergency: try renderer.render(followUps.emergency), urgent: try renderer.render(followUps.urgent),
            contactProvider: try renderer.render(followUps.contactProvider),
            selfCare: try renderer.render(followUps.selfCare),
            selfCareAfterSteroid: try renderer.render(followUps.selfCareAfterSteroid))
        copy.warningLeads = WarningLeads(
            emergency: try renderer.render(warningLeads.emergency), urgent: try renderer.render(warningLeads.urgent),
            contactProvider: try renderer.render(warningLeads.contactProvider))
        let titles = handout.titles
        let categories = handout.categories
        copy.handout = Handout(
            titles: Handout.Titles(
                preProcedure: try renderer.render(titles.preProcedure),
                dayOfProcedure: try renderer.render(titles.dayOfProcedure),
                postProcedure: try renderer.render(titles.postProcedure)),
            warningSigns: try renderer.render(handout.warningSigns),
            categories: Handout.Categories(
                medications: try renderer.render(categories.medications),
                preparation: try renderer.render(categories.preparation),
                transport: try renderer.render(categories.transport),
                monitoring: try renderer.render(categories.monitoring),
                whenToCall: try renderer.render(categories.whenToCall),
                followUp: try renderer.render(categories.followUp)))
        return copy
    }
}

extension PatientTexts: Codable {}

/// Fills the placeholders of the patient texts for one clinic profile:
/// `{clinic}` and the other phrases of `patient-texts.json`, and thresholds
/// written `{temperature:38.0}` (°C) or `{glucose:70}` (mg/dL), shown in the
/// profile's unit first and the other in brackets. In Spanish, a phrase that
/// starts with the article `el` joins a preceding `a` or `de` as the language
/// requires: "Llame a {emergencyNumber}" with "el 911" reads "Llame al 911".
public struct TextRenderer: Sendable {
    public let profile: ClinicProfile
    /// Each phrase as this profile says it.
    public let phrases: [String: String]
    /// The texts' language (`en`, `es`).
    public let language: String

    /// Placeholders filled per request, not at load: the severity question's
    /// symptom, a heading's injection and a reading's unit.
    public static let requestTimePlaceholders: Set<String> = ["symptom", "injection", "unit"]

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    public init(
        phrases variants: [String: [PatientTexts.Variant]], profile: ClinicProfile, language: String = "en"
    ) throws(Failure) {
        self.profile = profile
        self.language = language
        var phrases: [String: String] = [:]
        for (name, list) in variants {
            guard let neutral = list.last, neutral.uses.isEmpty else {
                throw Failure(message: "phrases.\(name): the last variant must use no profile field")
            }
            let chosen = list.first { $0.uses.allSatisfy { profile.value(of: $0) != nil } } ?? neutral
            var text = chosen.text
            for field in chosen.uses {
                text = text.replacing("{\(field.rawValue)}", with: profile.value(of: field) ?? "")
            }
            if let open = text.firstIndex(of: "{") {
                throw Failure(message: "phrases.\(name): '\(text[open...])' names a field the variant does not use")
            }
            phrases[name] = text
        }
        self.phrases = phrases
    }

    /// `text` with every placeholder filled (request-time ones kept).
    public func render(_ text: String) throws(Failure) -> String {
        try render(text, escape: { $0 })
    }

    /// The bytes of a JSON data file with the placeholders in its strings
    /// filled, the inserted words escaped for a JSON string.
    func renderJSON(_ text: String) throws(Failure) -> String {
        try render(text, escape: JSONText.escaped)
    }

    private func render(_ text: String, escape: (String) -> String) throws(Failure) -> String {
        guard text.contains("{") else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            // Only `{` followed by a letter starts a placeholder (`{"` opens a JSON object).
            guard afterOpen < rest.endIndex, rest[afterOpen].isLetter,
                let close = rest[afterOpen...].firstIndex(of: "}")
            else {
                result.append("{")
                rest = rest[afterOpen...]
                continue
            }
            let token = String(rest[afterOpen..<close])
            rest = rest[rest.index(after: close)...]
            if Self.requestTimePlaceholders.contains(token) {
                result += "{" + token + "}"
            } else {
                var inserted = escape(try value(of: token))
                if language == "es" { Self.contractSpanish(&result, &inserted) }
                result += inserted
            }
        }
        result += rest
        return result
    }

    /// `a el` is `al` and `de el` is `del`: the words before a phrase that
    /// starts with the article (`él`, the pronoun, has its accent and stays).
    static func contractSpanish(_ before: inout String, _ phrase: inout String) {
        guard phrase.hasPrefix("el ") else { return }
        for (word, joined) in [("a", "al"), ("de", "del")] {
            guard before == word + " " || before.hasSuffix(" " + word + " ") || before.hasSuffix("\n" + word + " ")
            else { continue }
            before.removeLast(word.count + 1)
            phrase = joined + phrase.dropFirst(2)
            return
        }
    }

    private func value(of token: String) throws(Failure) -> String {
        if let phrase = phrases[token] { return phrase }
        let parts = token.split(separator: ":", maxSplits: 1)
        if parts.count == 2, let number = Double(parts[1]), number.isFinite {
            switch parts[0] {
            case "temperature": return temperature(celsius: number)
            case "glucose": return glucose(milligramsPerDecilitre: number)
            default: break
            }
        }
        throw Failure(message: "unknown placeholder {\(token)}")
    }

    /// A temperature threshold in °C, shown in the profile's unit first.
    public func temperature(celsius: Double) -> String {
        let c = Self.tenths(celsius) + " °C"
        let f = Self.tenths(Self.fahrenheitShown(forCelsius: celsius)) + " °F"
        return profile.temperatureUnit == .celsius ? "\(c) (\(f))" : "\(f) (\(c))"
    }

    /// A glucose threshold in mg/dL, shown in the profile's unit first.
    public func glucose(milligramsPerDecilitre value: Double) -> String {
        let mg = Self.whole(value) + " mg/dL"
        let mmol = Self.tenths(Self.millimolesShown(forMilligrams: value)) + " mmol/L"
        return profile.glucoseUnit == .milligramsPerDecilitre ? "\(mg) (\(mmol))" : "\(mmol) (\(mg))"
    }

    /// The lowest tenth of a °F that converts (as ``ReadingUnits`` does) to at
    /// least `celsius`: a thermometer showing it is at the threshold, one a
    /// tenth lower is below it.
    public static func fahrenheitShown(forCelsius celsius: Double) -> Double {
        lowestTenth(near: celsius * 9 / 5 + 32, reaching: celsius, back: ReadingUnits.celsius(fromFahrenheit:))
    }

    /// The lowest tenth of a mmol/L that converts (as ``ReadingUnits`` does)
    /// to at least `milligrams`.
    public static func millimolesShown(forMilligrams milligrams: Double) -> Double {
        lowestTenth(
            near: milligrams / ReadingUnits.milligramsPerDecilitrePerMillimole, reaching: milligrams,
            back: ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre:))
    }

    /// The lowest tenth, from just below the exact conversion `estimate` up,
    /// whose conversion `back` is at least `threshold`.
    static func lowestTenth(near estimate: Double, reaching threshold: Double, back: (Double) -> Double) -> Double {
        var tenths = (estimate * 10).rounded(.down) - 2
        while back(tenths / 10) < threshold { tenths += 1 }
        return tenths / 10
    }

    static func tenths(_ value: Double) -> String {
        let scaled = Int((value * 10).rounded())
        let sign = scaled < 0 ? "-" : ""
        return "\(sign)\(abs(scaled) / 10).\(abs(scaled) % 10)"
    }

    static func whole(_ value: Double) -> String { String(Int(value.rounded())) }
}

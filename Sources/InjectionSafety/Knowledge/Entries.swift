/// One of the injected medications, described for patients.
public struct MedicationEntry: Sendable, Codable, Hashable {
    public var code: Medication
    public var label: String
    public var description: String
    /// Drug names a patient may see on their paperwork.
    public var examples: [String]
    public var sources: [String]
}

/// One kind of injection, described for patients.
public struct InjectionEntry: Sendable, Codable, Hashable {
    public var id: InjectionType
    public var name: String
    public var description: String
    /// Approaches a request may name (only epidural steroid injections have them).
    public var approaches: [Approach]
    /// What is injected when a request names no medications (`shared/domain.md`).
    public var defaultMedications: [Medication]
    /// What may be added.
    public var optionalMedications: [Medication]
    /// How the needle is guided.
    public var guidance: String
    /// Bleeding-risk class of the procedure (after ASRA).
    public var bleedingRisk: BleedingRisk
    public var bleedingRiskNote: String?
    public var sources: [String]
    /// For clinicians and reviewers, never sent to patients: what the
    /// patient text rests on where the sources are silent or a class is
    /// derived (``forPatients`` leaves it out).
    public var reviewNote: String?

    /// The entry as patients are sent it: without ``reviewNote``.
    public var forPatients: InjectionEntry {
        var entry = self
        entry.reviewNote = nil
        return entry
    }
}

/// A symptom code with the words a patient would use.
public struct SymptomEntry: Sendable, Codable, Hashable {
    public var code: Symptom
    public var label: String
    public var description: String
    /// What the guided interview asks about it (yes or no).
    public var question: String
    /// The heading it falls under in the contract (e.g. `nerves`).
    public var group: String
    /// Everyday words for it, lowercase, for text search.
    public var synonyms: [String]
}

/// A patient condition with why it matters.
public struct ConditionEntry: Sendable, Codable, Hashable {
    public var code: Condition
    public var label: String
    public var description: String
    public var sources: [String]
}

/// A side effect or complication of back pain injections.
public struct SideEffect: Sendable, Codable, Hashable {
    public struct Frequency: Sendable, Codable, Hashable {
        /// The frequency class.
        public var `class`: FrequencyClass
        /// The published figures, as text (or that none were found).
        public var figures: String
    }

    public struct Seriousness: Sendable, Codable, Hashable {
        /// Symptoms that make it serious (red flags).
        public var symptoms: [Symptom]
        /// When it becomes serious, in plain language.
        public var text: String
    }

    public var id: SideEffectID
    public var name: String
    public var description: String
    public var causes: [Cause]
    /// The effect happens only when a corticosteroid was injected.
    public var requiresCorticosteroid: Bool
    public var injections: [InjectionType]
    public var frequency: Frequency
    public var onset: String
    public var duration: String
    /// What the patient notices.
    public var patientNotices: [Symptom]
    public var seriousWhen: Seriousness
    /// The level this effect usually calls for.
    public var usualLevel: TriageLevel
    /// When the level changes, in plain language.
    public var levelNote: String
    /// Advice, for everyone or by the patient's conditions (``SelfCareAdvice``).
    public var selfCare: [SelfCareAdvice]
    /// Named in the original patient article the service started from.
    public var seed: Bool
    public var sources: [String]
    /// For clinicians and reviewers, never sent to patients: what the patient
    /// text rests on where the sources are silent (an onset or a duration no
    /// source gives). The catalogue leaves it out.
    public var reviewNote: String?

    /// The advice for a patient with these conditions, in data order.
    public func selfCare(for conditions: Set<Condition>) -> [String] {
        selfCare.filter { $0.applies(to: conditions) }.map(\.text)
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, description, causes, requiresCorticosteroid, injections, frequency, onset, duration,
            patientNotices, seriousWhen, usualLevel, levelNote, selfCare, seed, sources, reviewNote
    }

    /// As the catalogue sends it to anyone, whose conditions it does not know:
    /// `selfCare` is the texts that read true for every reader (for everyone,
    /// or addressed to a named condition, "If you take a blood thinner, ...";
    /// not those given only to patients without some condition), and
    /// ``reviewNote`` is left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(causes, forKey: .causes)
        try container.encode(requiresCorticosteroid, forKey: .requiresCorticosteroid)
        try container.encode(injections, forKey: .injections)
        try container.encode(frequency, forKey: .frequency)
        try container.encode(onset, forKey: .onset)
        try container.encode(duration, forKey: .duration)
        try container.encode(patientNotices, forKey: .patientNotices)
        try container.encode(seriousWhen, forKey: .seriousWhen)
        try container.encode(usualLevel, forKey: .usualLevel)
        try container.encode(levelNote, forKey: .levelNote)
        try container.encode(selfCare.filter(\.readsTrueForAnyone).map(\.text), forKey: .selfCare)
        try container.encode(seed, forKey: .seed)
        try container.encode(sources, forKey: .sources)
    }
}

/// One line of self-care advice. In the data it is a string (for everyone) or
/// an object: `{"text": …, "conditions": [...]}` is only for patients with one
/// of the conditions, `{"text": …, "unlessConditions": [...]}` only for
/// patients with none of them (an anti-inflammatory painkiller is not offered
/// to someone on a blood thinner or with heart failure).
public struct SelfCareAdvice: Sendable, Codable, Hashable {
    public var text: String
    /// For patients with at least one of these (empty: no such test).
    public var conditions: [Condition]
    /// Not for patients with any of these (empty: no such test).
    public var unlessConditions: [Condition]

    public init(_ text: String, conditions: [Condition] = [], unlessConditions: [Condition] = []) {
        self.text = text
        self.conditions = conditions
        self.unlessConditions = unlessConditions
    }

    /// Whether the line is for a patient with these conditions.
    public func applies(to patientConditions: Set<Condition>) -> Bool {
        (conditions.isEmpty || conditions.contains(where: patientConditions.contains))
            && !unlessConditions.contains(where: patientConditions.contains)
    }

    /// Whether the line may be shown when the reader's conditions are unknown:
    /// a line for some conditions names whom it is for; one withheld from some
    /// conditions may not be shown.
    public var readsTrueForAnyone: Bool { unlessConditions.isEmpty }

    private enum CodingKeys: String, CodingKey { case text, conditions, unlessConditions }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self.init(text)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try container.decode(String.self, forKey: .text),
            conditions: try container.decodeIfPresent([Condition].self, forKey: .conditions) ?? [],
            unlessConditions: try container.decodeIfPresent([Condition].self, forKey: .unlessConditions) ?? [])
    }

    /// A string when it is for everyone, as in the data.
    public func encode(to encoder: any Encoder) throws {
        if conditions.isEmpty && unlessConditions.isEmpty {
            var container = encoder.singleValueContainer()
            try container.encode(text)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(text, forKey: .text)
        if !conditions.isEmpty { try container.encode(conditions, forKey: .conditions) }
        if !unlessConditions.isEmpty { try container.encode(unlessConditions, forKey: .unlessConditions) }
    }
}

/// `interview.json`: the guided interview's texts that are not a symptom's own question.
public struct InterviewTexts: Sendable, Codable, Hashable {
    /// A reading's question, with its unit and the range the request accepts.
    public struct ReadingQuestion: Sendable, Codable, Hashable {
        /// The request field a reading fills, its unit and the range accepted.
        public struct Answer: Sendable, Codable, Hashable {
            public var field: String
            public var unit: String
            public var minimum: Double
            public var maximum: Double
        }

        public var field: TriageInterview.Reading
        public var text: String
        public var unit: String
        public var minimum: Double
        public var maximum: Double
        /// The same reading in the other common unit (°F, mmol/L).
        public var inOtherUnit: Answer?

        /// How the answer is given for a clinic that prefers `profile`'s units.
        public func answer(for profile: ClinicProfile) -> Answer {
            let inRulesUnit = Answer(field: field.rawValue, unit: unit, minimum: minimum, maximum: maximum)
            switch field {
            case .temperatureC where profile.temperatureUnit == .fahrenheit: return inOtherUnit ?? inRulesUnit
            case .bloodGlucoseMgDl where profile.glucoseUnit == .millimolesPerLitre: return inOtherUnit ?? inRulesUnit
            default: return inRulesUnit
            }
        }
    }

    /// An answer a patient picks, by its code.
    public struct Choice<Code: Sendable & Codable & Hashable>: Sendable, Codable, Hashable {
        public var code: Code
        public var label: String
    }

    /// The check-in questionnaire's own question texts (the rest are the
    /// interview's), and the labels of its answers.
    public struct CheckIn: Sendable, Codable, Hashable {
        public var title: String
        public var injection: String
        public var hoursSinceInjection: String
        /// The unit of the hours' answer, as a form shows it.
        public var hoursUnit: String
        public var sedation: String
        public var region: String
        public var approach: String
        public var medications: String
        public var conditions: String
        public var symptoms: String
        public var regions: [Choice<SpinalRegion>]
        public var approaches: [Choice<Approach>]
        public var severities: [Choice<TriageRequest.Severity>]
    }

    /// The pre-procedure readiness questionnaire's question texts (FHIR);
    /// `{injection}` is the injection's name and `{unit}` a reading's unit.
    public struct Readiness: Sendable, Codable, Hashable {
        public var title: String
        public var injection: String
        public var conditions: String
        public var bloodGlucose: String
        public var fever: String
        public var temperature: String
        public var systolicBloodPressure: String
        public var newSymptoms: String
        public var symptoms: String
        public var steroidInjections: String
        public var sedation: String
    }

    public var about: String
    /// Asks how bad a reported symptom is; `{symptom}` is its label.
    public var severityQuestion: String
    /// Asks whether a reported symptom is getting worse; `{symptom}` is its label.
    public var worseningQuestion: String
    /// Asks whether the patient has any symptom not yet reported (one question for all of them).
    public var otherSymptomsQuestion: String
    /// Asks which of a group's symptoms the patient has, each shown by its label.
    public var anyOfQuestion: String
    public var checkIn: CheckIn
    public var readiness: Readiness
    public var readings: [ReadingQuestion]

    public func reading(_ field: TriageInterview.Reading) -> ReadingQuestion? {
        readings.first { $0.field == field }
    }
}

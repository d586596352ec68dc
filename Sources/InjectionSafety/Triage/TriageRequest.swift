/// What a patient reports after an injection: the input of triage, already
/// validated (the API layer turns JSON into this and rejects what it cannot).
public struct TriageRequest: Sendable, Hashable {
    /// How bad a symptom is, as the patient says.
    public enum Severity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
        case mild, moderate, severe

        public static func < (lhs: Self, rhs: Self) -> Bool {
            func rank(_ severity: Self) -> Int {
                switch severity {
                case .mild: 0
                case .moderate: 1
                case .severe: 2
                }
            }
            return rank(lhs) < rank(rhs)
        }
    }

    /// One reported symptom.
    public struct SymptomReport: Sendable, Hashable {
        public var code: Symptom
        public var severity: Severity?
        public var worsening: Bool
        /// False when the patient had it before the injection and it is no
        /// worse (`"new": false`); absent means new.
        public var isNew: Bool

        public init(_ code: Symptom, severity: Severity? = nil, worsening: Bool = false, isNew: Bool = true) {
            self.code = code
            self.severity = severity
            self.worsening = worsening
            self.isNew = isNew
        }

        /// Had before the injection and no worse: `new: false` without `worsening`
        /// (worse than before is new).
        public var isPreExisting: Bool { !isNew && !worsening }
    }

    public var injection: InjectionType
    public var approach: Approach?
    public var region: SpinalRegion?
    /// Whether the patient was sedated; `nil` when the request does not say (read as not sedated).
    public var sedation: Bool?
    /// The medications named by the request; `nil` means the injection's defaults.
    public var medications: [Medication]?
    public var hoursSinceInjection: Double
    public var symptoms: [SymptomReport] {
        didSet { reports = Self.index(symptoms) }
    }
    public var temperatureC: Double?
    public var bloodGlucoseMgDl: Double?
    public var systolicBloodPressure: Double?
    public var steroidInjectionsPast12Months: Int?
    public var conditions: Set<Condition>
    /// The medications given: the named ones, or the injection type's defaults.
    public private(set) var medicationsGiven: Set<Medication> = []

    public init(
        injection: InjectionType, approach: Approach? = nil, region: SpinalRegion? = nil, sedation: Bool? = nil,
        medications: [Medication]? = nil, hoursSinceInjection: Double, symptoms: [SymptomReport] = [],
        temperatureC: Double? = nil, bloodGlucoseMgDl: Double? = nil, systolicBloodPressure: Double? = nil,
        steroidInjectionsPast12Months: Int? = nil, conditions: Set<Condition> = []
    ) {
        self.injection = injection
        self.approach = approach
        self.region = region
        self.sedation = sedation
        self.medications = medications
        self.hoursSinceInjection = hoursSinceInjection
        self.symptoms = symptoms
        self.reports = Self.index(symptoms)
        self.temperatureC = temperatureC
        self.bloodGlucoseMgDl = bloodGlucoseMgDl
        self.systolicBloodPressure = systolicBloodPressure
        self.steroidInjectionsPast12Months = steroidInjectionsPast12Months
        self.conditions = conditions
    }

    /// The region the injection was given in: the one named, or `sacral` for a
    /// sacroiliac-joint injection or a caudal approach when none is named;
    /// `nil` when unknown. (The API refuses a named region that contradicts
    /// the injection type or approach.)
    public var injectedRegion: SpinalRegion? {
        if let region { return region }
        return injection == .sacroiliacJoint || approach == .caudal ? .sacral : nil
    }

    /// Fills ``medicationsGiven`` from the knowledge base's defaults when none were named.
    mutating func resolveMedications(defaults: [Medication]) {
        medicationsGiven = Set(medications ?? defaults)
    }

    /// The report of a symptom; a code given twice counts with its highest
    /// severity, `worsening` if either says so, and as new if either says so.
    public func report(for code: Symptom) -> SymptomReport? { reports[code.ordinal] }

    /// Reports by ``Symptom/ordinal``: rules look symptoms up hundreds of times per triage.
    private var reports: [SymptomReport?] = []

    private static let symptomCount = Symptom.allCases.count

    private static func index(_ symptoms: [SymptomReport]) -> [SymptomReport?] {
        var reports = [SymptomReport?](repeating: nil, count: symptomCount)
        for report in symptoms {
            if let current = reports[report.code.ordinal] {
                let severity = [current.severity, report.severity].compactMap { $0 }.max()
                reports[report.code.ordinal] = SymptomReport(
                    report.code, severity: severity, worsening: current.worsening || report.worsening,
                    isNew: current.isNew || report.isNew)
            } else {
                reports[report.code.ordinal] = report
            }
        }
        return reports
    }
}

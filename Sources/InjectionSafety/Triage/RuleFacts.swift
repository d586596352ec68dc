/// The plain facts a matched rule's reason states (``TriageResult/Reason/facts``),
/// e.g. "bloodGlucoseMgDl 250 is at least 200" or "condition diabetes", laid
/// out once from the rule's condition: each test's fixed words are written at
/// start, and a request only puts in its own values. (Walking the condition's
/// tree and joining the words for each request cost about 4,000 instructions a
/// rule.) ``TriageEngine/appendFacts(_:_:to:)`` is the definition; a test
/// checks that both give the same facts for every rule on generated requests.
struct RuleFacts: Sendable {
    enum Reading: Sendable {
        case hours, temperature, glucose, systolic
    }

    /// Which codes of the request a test names.
    enum Codes: Sendable {
        case conditions, medications
    }

    enum Piece: Sendable {
        /// Always this text.
        case text(String)
        /// `prefix`, the value, `suffix`; nothing when the request lacks the value.
        case reading(Reading, prefix: String, suffix: String)
        /// `prefix`, the steroid injection count (0 if not given), `suffix`.
        case steroidCount(prefix: String, suffix: String)
        /// The text of each code (in the rule's order) that the request has.
        case codes(Codes, [(bit: UInt64, text: String)])
        case injection
        case approach
        /// The injected region, or that it was not given.
        case injectedRegion
        /// The region, or that it was not given and is assumed at risk.
        case regionMayBe
        /// The pieces of an `any` branch, when the branch holds.
        case branch(CompiledCondition, [Piece])
    }

    let pieces: [Piece]

    init(_ condition: TriageCondition) {
        var pieces: [Piece] = []
        Self.lay(condition, into: &pieces)
        self.pieces = pieces
    }

    private static func lay(_ condition: TriageCondition, into pieces: inout [Piece]) {
        func reading(_ reading: Reading, _ name: String, _ relation: String, _ threshold: Double) {
            pieces.append(.reading(reading, prefix: name + " ", suffix: relation + TriageEngine.format(threshold)))
        }
        switch condition {
        case .all(let children):
            for child in children { lay(child, into: &pieces) }
        case .definition(let named):
            for child in named.resolved { lay(child, into: &pieces) }
        case .any(let children):
            for child in children {
                var inner: [Piece] = []
                lay(child, into: &inner)
                pieces.append(.branch(CompiledCondition(child), inner))
            }
        case .anySymptom, .allSymptoms, .anySevere, .anyWorsening, .anySevereOrWorsening, .anySteady, .anyNotSevere:
            break
        case .hoursAtMost(let value): reading(.hours, "hoursSinceInjection", " is at most ", value)
        case .hoursAbove(let value): reading(.hours, "hoursSinceInjection", " is more than ", value)
        case .temperatureAtLeast(let value): reading(.temperature, "temperatureC", " is at least ", value)
        case .glucoseAtLeast(let value): reading(.glucose, "bloodGlucoseMgDl", " is at least ", value)
        case .systolicAtLeast(let value): reading(.systolic, "systolicBloodPressure", " is at least ", value)
        case .glucoseBelow(let value): reading(.glucose, "bloodGlucoseMgDl", " is below ", value)
        case .systolicBelow(let value): reading(.systolic, "systolicBloodPressure", " is below ", value)
        case .medicationNotGiven(let codes):
            pieces.append(.text("no " + codes.map(\.rawValue).joined(separator: " or ") + " given"))
        case .regionIs, .regionIsNot:
            pieces.append(.injectedRegion)
        case .sedated(let flag):
            pieces.append(.text(flag ? "sedated" : "not sedated"))
        case .steroidInjectionsAbove(let value):
            pieces.append(.steroidCount(prefix: "steroidInjectionsPast12Months ", suffix: " is more than \(value)"))
        case .anyCondition(let codes):
            pieces.append(.codes(.conditions, codes.map { (RequestFacts.bit($0), "condition " + $0.rawValue) }))
        case .injectionIn:
            pieces.append(.injection)
        case .regionMayBe:
            pieces.append(.regionMayBe)
        case .medicationGiven(let codes):
            pieces.append(.codes(.medications, codes.map { (RequestFacts.bit($0), "medication " + $0.rawValue) }))
        case .approachIn:
            pieces.append(.approach)
        }
    }

    private static let injectionTexts = InjectionType.allCases.map { "injection " + $0.rawValue }
    private static let approachTexts = Approach.allCases.map { "approach " + $0.rawValue }
    private static let regionTexts = SpinalRegion.allCases.map { "region " + $0.rawValue }

    /// The facts for `request` (whose facts are `known`).
    func facts(_ request: TriageRequest, _ known: RequestFacts) -> [String] {
        var facts: [String] = []
        Self.append(pieces, request, known, to: &facts)
        return facts
    }

    private static func append(
        _ pieces: [Piece], _ request: TriageRequest, _ known: RequestFacts, to facts: inout [String]
    ) {
        for piece in pieces {
            switch piece {
            case .text(let text):
                facts.append(text)
            case .reading(let reading, let prefix, let suffix):
                let value: Double?
                switch reading {
                case .hours: value = known.hours
                case .temperature: value = known.temperatureC
                case .glucose: value = known.bloodGlucoseMgDl
                case .systolic: value = known.systolicBloodPressure
                }
                if let value { facts.append(prefix + TriageEngine.format(value) + suffix) }
            case .steroidCount(let prefix, let suffix):
                facts.append(prefix + String(known.steroidInjections) + suffix)
            case .codes(let which, let codes):
                let mask = which == .conditions ? known.conditions : known.medications
                for code in codes where mask & code.bit != 0 { facts.append(code.text) }
            case .injection:
                facts.append(injectionTexts[request.injection.ordinal])
            case .approach:
                if let approach = request.approach { facts.append(approachTexts[approach.ordinal]) }
            case .injectedRegion:
                facts.append(request.injectedRegion.map { regionTexts[$0.ordinal] } ?? "region not given")
            case .regionMayBe:
                facts.append(request.region.map { regionTexts[$0.ordinal] } ?? "region not given (assumed at risk)")
            case .branch(let condition, let inner):
                if condition.holds(known) { append(inner, request, known, to: &facts) }
            }
        }
    }
}

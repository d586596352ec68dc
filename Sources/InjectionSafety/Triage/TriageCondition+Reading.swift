/// The rule language in words, for the rule book a clinician reads
/// (`GET /v1/triage/rules`): each node type with what it means, and any
/// condition tree as one sentence.
extension TriageCondition {
    /// Every node type of the rule language and what it tests, in the order a reader meets them.
    public static let nodeTypes: [(node: String, meaning: String)] = [
        ("all", "Every one of the conditions listed holds."),
        ("any", "At least one of the conditions listed holds."),
        ("anySymptom", "At least one of these symptoms is reported."),
        ("allSymptoms", "Every one of these symptoms is reported."),
        ("anySevere", "At least one of these symptoms is reported as severe."),
        ("anyWorsening", "At least one of these symptoms is reported as getting worse."),
        ("anySevereOrWorsening", "At least one of these symptoms is reported as severe or as getting worse."),
        ("anySteady", "At least one of these symptoms is reported and not getting worse (self-care rules only)."),
        ("anyNotSevere", "At least one of these symptoms is reported and not severe (self-care rules only)."),
        ("hoursAtMost", "Within this many hours of the injection, the number included."),
        ("hoursAbove", "More than this many hours after the injection."),
        ("temperatureAtLeast", "A temperature reading of at least this many °C."),
        ("glucoseAtLeast", "A blood glucose reading of at least this many mg/dL."),
        ("glucoseBelow", "A blood glucose reading below this many mg/dL (no reading: does not hold)."),
        ("systolicAtLeast", "A systolic blood pressure reading of at least this many mmHg."),
        ("systolicBelow", "A systolic blood pressure reading below this many mmHg (no reading: does not hold)."),
        ("steroidInjectionsAbove", "More than this many steroid injections in the past 12 months, counting this one."),
        ("anyCondition", "The patient has at least one of these conditions."),
        (
            "medicationGiven",
            "At least one of these medications was given (the request's list, or the injection's defaults)."
        ),
        (
            "medicationNotGiven",
            "None of these medications was given (the request's list, or the injection's defaults)."
        ),
        ("injectionIn", "The injection is one of these types."),
        ("approachIn", "The epidural approach is one of these."),
        ("regionMayBe", "The region named is one of these, or no region was named (the riskier reading)."),
        (
            "regionIs",
            "The region is known and is one of these (a sacroiliac-joint injection or a caudal approach counts as sacral)."
        ),
        ("regionIsNot", "The region is not known, or is none of these: the exact opposite of regionIs."),
        ("sedated", "true: the patient was sedated; false: not sedated, or the request does not say."),
        ("definition", "A named condition from the definitions of the rule book."),
    ]

    /// The condition as one English sentence.
    public var reading: String {
        func list<Code: RawRepresentable>(_ codes: [Code], _ joiner: String = "or") -> String
        where Code.RawValue == String {
            let names = codes.map(\.rawValue)
            guard names.count > 1 else { return names.first ?? "" }
            return names.dropLast().joined(separator: ", ") + " \(joiner) " + names[names.count - 1]
        }
        func number(_ value: Double) -> String { TriageEngine.format(value) }
        func hours(_ value: Double) -> String { value == 1 ? "1 hour" : "\(number(value)) hours" }
        // `any` reads "one of: A; B" so the "or" inside a list of codes stays unambiguous.
        func part(_ child: TriageCondition) -> String {
            switch child {
            case .all(let inner) where inner.count > 1: "(\(child.reading))"
            case .any(let inner) where inner.count > 1: "(\(child.reading))"
            default: child.reading
            }
        }
        switch self {
        case .all(let children) where children.isEmpty: return "always"
        case .any(let children) where children.isEmpty: return "never"
        case .all(let children): return children.map(part).joined(separator: " and ")
        case .any(let children) where children.count == 1: return part(children[0])
        case .any(let children): return "one of: " + children.map(part).joined(separator: "; ")
        case .anySymptom(let codes): return "\(list(codes)) reported"
        case .allSymptoms(let codes): return "\(list(codes, "and")) all reported"
        case .anySevere(let codes): return "\(list(codes)) severe"
        case .anyWorsening(let codes): return "\(list(codes)) getting worse"
        case .anySevereOrWorsening(let codes): return "\(list(codes)) severe or getting worse"
        case .anySteady(let codes): return "\(list(codes)) reported and not getting worse"
        case .anyNotSevere(let codes): return "\(list(codes)) reported and not severe"
        case .hoursAtMost(let value): return "within \(hours(value)) of the injection"
        case .hoursAbove(let value): return "more than \(hours(value)) after the injection"
        case .temperatureAtLeast(let value): return "temperature \(number(value)) °C or more"
        case .glucoseAtLeast(let value): return "blood glucose \(number(value)) mg/dL or more"
        case .glucoseBelow(let value): return "blood glucose below \(number(value)) mg/dL"
        case .systolicAtLeast(let value): return "systolic blood pressure \(number(value)) mmHg or more"
        case .systolicBelow(let value): return "systolic blood pressure below \(number(value)) mmHg"
        case .steroidInjectionsAbove(let count): return "more than \(count) steroid injections in 12 months"
        case .anyCondition(let codes): return "condition \(list(codes))"
        case .medicationGiven(let codes): return "\(list(codes)) given"
        case .medicationNotGiven(let codes): return "no \(list(codes)) given"
        case .injectionIn(let types): return "injection \(list(types))"
        case .approachIn(let approaches): return "approach \(list(approaches))"
        case .regionMayBe(let regions): return "region \(list(regions)) or not named"
        case .regionIs(let regions): return "region \(list(regions))"
        case .regionIsNot(let regions): return "region not \(list(regions)) (or not known)"
        case .sedated(let flag): return flag ? "sedated" : "not sedated (or not said)"
        case .definition(let named): return "[\(named.name)]"
        }
    }
}

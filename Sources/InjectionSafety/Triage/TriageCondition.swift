/// When a triage rule applies: a tree of tests over a ``TriageRequest``.
///
/// Every test is monotone: adding a symptom, a condition, `worsening`, a
/// higher severity or a higher reading can turn a test from false to true,
/// never back. That is what makes the engine's level monotone too. In the data
/// each node is a JSON object with exactly one key, e.g.
/// `{"all": [{"anySymptom": ["leg-weakness"]}, {"hoursAbove": 8}]}`.
public enum TriageCondition: Sendable, Hashable {
    case all([TriageCondition])
    case any([TriageCondition])
    /// Any of these symptoms is reported.
    case anySymptom([Symptom])
    /// Every one of these symptoms is reported.
    case allSymptoms([Symptom])
    /// Any of these is reported as `severe`.
    case anySevere([Symptom])
    /// Any of these is reported as `worsening`.
    case anyWorsening([Symptom])
    /// Any of these is reported as `severe` or `worsening`.
    case anySevereOrWorsening([Symptom])
    /// `hoursSinceInjection` ≤ the value (boundary included).
    case hoursAtMost(Double)
    /// `hoursSinceInjection` > the value.
    case hoursAbove(Double)
    case temperatureAtLeast(Double)
    case glucoseAtLeast(Double)
    case systolicAtLeast(Double)
    /// `steroidInjectionsPast12Months` > the value.
    case steroidInjectionsAbove(Int)
    case anyCondition([Condition])
    /// Any of these medications was given (the injection's defaults when the request names none).
    case medicationGiven([Medication])
    case injectionIn([InjectionType])
    case approachIn([Approach])
    /// The region is one of these, or was not given (assume the riskier region).
    case regionMayBe([SpinalRegion])

    /// The symptom codes the condition looks at (to say which ones triggered a rule).
    public var symptoms: Set<Symptom> {
        switch self {
        case .all(let children), .any(let children):
            return children.reduce(into: Set()) { $0.formUnion($1.symptoms) }
        case .anySymptom(let codes), .allSymptoms(let codes), .anySevere(let codes), .anyWorsening(let codes),
            .anySevereOrWorsening(let codes):
            return Set(codes)
        default:
            return []
        }
    }

    /// Whether the request satisfies the condition.
    public func holds(for request: TriageRequest) -> Bool {
        switch self {
        case .all(let children): return children.allSatisfy { $0.holds(for: request) }
        case .any(let children): return children.contains { $0.holds(for: request) }
        case .anySymptom(let codes): return codes.contains { request.report(for: $0) != nil }
        case .allSymptoms(let codes): return codes.allSatisfy { request.report(for: $0) != nil }
        case .anySevere(let codes): return codes.contains { request.report(for: $0)?.severity == .severe }
        case .anyWorsening(let codes): return codes.contains { request.report(for: $0)?.worsening == true }
        case .anySevereOrWorsening(let codes):
            return codes.contains { code in
                guard let report = request.report(for: code) else { return false }
                return report.severity == .severe || report.worsening
            }
        case .hoursAtMost(let hours): return request.hoursSinceInjection <= hours
        case .hoursAbove(let hours): return request.hoursSinceInjection > hours
        case .temperatureAtLeast(let value): return (request.temperatureC ?? -.infinity) >= value
        case .glucoseAtLeast(let value): return (request.bloodGlucoseMgDl ?? -.infinity) >= value
        case .systolicAtLeast(let value): return (request.systolicBloodPressure ?? -.infinity) >= value
        case .steroidInjectionsAbove(let count): return (request.steroidInjectionsPast12Months ?? 0) > count
        case .anyCondition(let codes): return codes.contains { request.conditions.contains($0) }
        case .medicationGiven(let codes): return codes.contains { request.medicationsGiven.contains($0) }
        case .injectionIn(let types): return types.contains(request.injection)
        case .approachIn(let approaches): return request.approach.map { approaches.contains($0) } ?? false
        case .regionMayBe(let regions): return request.region.map { regions.contains($0) } ?? true
        }
    }
}

extension TriageCondition: Codable {
    private enum Key: String, CodingKey, CaseIterable {
        case all, any, anySymptom, allSymptoms, anySevere, anyWorsening, anySevereOrWorsening, hoursAtMost,
            hoursAbove, temperatureAtLeast, glucoseAtLeast, systolicAtLeast, steroidInjectionsAbove, anyCondition,
            medicationGiven, injectionIn, approachIn, regionMayBe
    }

    // Not `indirect`: the recursive cases hold arrays, which are already
    // references. (As an indirect enum, the boxes made while decoding were
    // reported as leaked by LeakSanitizer, Swift 6.3.1.)
    public init(from decoder: any Decoder) throws {
        self = try Self.decoded(from: decoder)
    }

    private static func decoded(from decoder: any Decoder) throws -> TriageCondition {
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a condition has exactly one of: \(Key.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        switch key {
        case .all: return .all(try container.decode([TriageCondition].self, forKey: key))
        case .any: return .any(try container.decode([TriageCondition].self, forKey: key))
        case .anySymptom: return .anySymptom(try container.decode([Symptom].self, forKey: key))
        case .allSymptoms: return .allSymptoms(try container.decode([Symptom].self, forKey: key))
        case .anySevere: return .anySevere(try container.decode([Symptom].self, forKey: key))
        case .anyWorsening: return .anyWorsening(try container.decode([Symptom].self, forKey: key))
        case .anySevereOrWorsening: return .anySevereOrWorsening(try container.decode([Symptom].self, forKey: key))
        case .hoursAtMost: return .hoursAtMost(try container.decode(Double.self, forKey: key))
        case .hoursAbove: return .hoursAbove(try container.decode(Double.self, forKey: key))
        case .temperatureAtLeast: return .temperatureAtLeast(try container.decode(Double.self, forKey: key))
        case .glucoseAtLeast: return .glucoseAtLeast(try container.decode(Double.self, forKey: key))
        case .systolicAtLeast: return .systolicAtLeast(try container.decode(Double.self, forKey: key))
        case .steroidInjectionsAbove: return .steroidInjectionsAbove(try container.decode(Int.self, forKey: key))
        case .anyCondition: return .anyCondition(try container.decode([Condition].self, forKey: key))
        case .medicationGiven: return .medicationGiven(try container.decode([Medication].self, forKey: key))
        case .injectionIn: return .injectionIn(try container.decode([InjectionType].self, forKey: key))
        case .approachIn: return .approachIn(try container.decode([Approach].self, forKey: key))
        case .regionMayBe: return .regionMayBe(try container.decode([SpinalRegion].self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .all(let value): try container.encode(value, forKey: .all)
        case .any(let value): try container.encode(value, forKey: .any)
        case .anySymptom(let value): try container.encode(value, forKey: .anySymptom)
        case .allSymptoms(let value): try container.encode(value, forKey: .allSymptoms)
        case .anySevere(let value): try container.encode(value, forKey: .anySevere)
        case .anyWorsening(let value): try container.encode(value, forKey: .anyWorsening)
        case .anySevereOrWorsening(let value): try container.encode(value, forKey: .anySevereOrWorsening)
        case .hoursAtMost(let value): try container.encode(value, forKey: .hoursAtMost)
        case .hoursAbove(let value): try container.encode(value, forKey: .hoursAbove)
        case .temperatureAtLeast(let value): try container.encode(value, forKey: .temperatureAtLeast)
        case .glucoseAtLeast(let value): try container.encode(value, forKey: .glucoseAtLeast)
        case .systolicAtLeast(let value): try container.encode(value, forKey: .systolicAtLeast)
        case .steroidInjectionsAbove(let value): try container.encode(value, forKey: .steroidInjectionsAbove)
        case .anyCondition(let value): try container.encode(value, forKey: .anyCondition)
        case .medicationGiven(let value): try container.encode(value, forKey: .medicationGiven)
        case .injectionIn(let value): try container.encode(value, forKey: .injectionIn)
        case .approachIn(let value): try container.encode(value, forKey: .approachIn)
        case .regionMayBe(let value): try container.encode(value, forKey: .regionMayBe)
        }
    }
}

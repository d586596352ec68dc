/// When a triage rule applies: a tree of tests over a ``TriageRequest``.
///
/// Symptom, condition and reading tests are monotone: adding a symptom, a
/// condition, `worsening`, a higher severity, a higher reading (`…AtLeast`) or
/// a lower one (`…Below`) can turn a test from false to true, never back. Two
/// tests are the other way round, `anySteady` and `anyNotSevere`; the
/// integrity check allows them only in `self-care` rules, where a rule that
/// stops matching cannot lower the level (the symptom is then judged by the
/// other rules, or is unexplained). Context tests (time, region, medications,
/// sedation) are not monotone and need not be: the contract decides in both
/// directions. That is what makes the engine's level monotone in what the
/// patient reports. In the data each node is a JSON object with exactly one
/// key, e.g. `{"all": [{"anySymptom": ["leg-weakness"]}, {"hoursAbove": 8}]}`.
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
    /// Any of these is reported and not `worsening` (self-care rules only).
    case anySteady([Symptom])
    /// Any of these is reported and not `severe` (self-care rules only).
    case anyNotSevere([Symptom])
    /// `hoursSinceInjection` ≤ the value (boundary included).
    case hoursAtMost(Double)
    /// `hoursSinceInjection` > the value.
    case hoursAbove(Double)
    case temperatureAtLeast(Double)
    case glucoseAtLeast(Double)
    case systolicAtLeast(Double)
    /// A glucose reading was given and is below the value.
    case glucoseBelow(Double)
    /// A systolic reading was given and is below the value.
    case systolicBelow(Double)
    /// `steroidInjectionsPast12Months` > the value.
    case steroidInjectionsAbove(Int)
    case anyCondition([Condition])
    /// Any of these medications was given (the injection's defaults when the request names none).
    case medicationGiven([Medication])
    /// None of these medications was given (same reading of the request as `medicationGiven`).
    case medicationNotGiven([Medication])
    case injectionIn([InjectionType])
    case approachIn([Approach])
    /// The region is one of these, or was not given (assume the riskier region).
    case regionMayBe([SpinalRegion])
    /// The injected region is known and is one of these (``TriageRequest/injectedRegion``).
    case regionIs([SpinalRegion])
    /// The injected region is unknown or is none of these: exactly `regionIs`'s opposite.
    case regionIsNot([SpinalRegion])
    /// `{"sedated": true}`: the request says the patient was sedated;
    /// `{"sedated": false}`: it does not (false or absent).
    case sedated(Bool)
    /// A named condition from the rule file's `definitions`, e.g.
    /// `{"definition": "leg-weakness-not-expected"}`. Decoding gives the name
    /// alone; loading the knowledge base fills in the definition.
    case definition(NamedCondition)

    /// The symptom codes the condition looks at (to say which ones triggered a rule).
    public var symptoms: Set<Symptom> {
        switch self {
        case .all(let children), .any(let children):
            return children.reduce(into: Set()) { $0.formUnion($1.symptoms) }
        case .definition(let named):
            return named.resolved.reduce(into: Set()) { $0.formUnion($1.symptoms) }
        case .anySymptom(let codes), .allSymptoms(let codes), .anySevere(let codes), .anyWorsening(let codes),
            .anySevereOrWorsening(let codes), .anySteady(let codes), .anyNotSevere(let codes):
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
        case .anySteady(let codes): return codes.contains { request.report(for: $0).map { !$0.worsening } ?? false }
        case .anyNotSevere(let codes):
            return codes.contains { request.report(for: $0).map { $0.severity != .severe } ?? false }
        case .hoursAtMost(let hours): return request.hoursSinceInjection <= hours
        case .hoursAbove(let hours): return request.hoursSinceInjection > hours
        case .temperatureAtLeast(let value): return (request.temperatureC ?? -.infinity) >= value
        case .glucoseAtLeast(let value): return (request.bloodGlucoseMgDl ?? -.infinity) >= value
        case .systolicAtLeast(let value): return (request.systolicBloodPressure ?? -.infinity) >= value
        case .glucoseBelow(let value): return (request.bloodGlucoseMgDl ?? .infinity) < value
        case .systolicBelow(let value): return (request.systolicBloodPressure ?? .infinity) < value
        case .steroidInjectionsAbove(let count): return (request.steroidInjectionsPast12Months ?? 0) > count
        case .anyCondition(let codes): return codes.contains { request.conditions.contains($0) }
        case .medicationGiven(let codes): return codes.contains { request.medicationsGiven.contains($0) }
        case .medicationNotGiven(let codes): return !codes.contains { request.medicationsGiven.contains($0) }
        case .injectionIn(let types): return types.contains(request.injection)
        case .approachIn(let approaches): return request.approach.map { approaches.contains($0) } ?? false
        case .regionMayBe(let regions): return request.region.map { regions.contains($0) } ?? true
        case .regionIs(let regions): return request.injectedRegion.map { regions.contains($0) } ?? false
        case .regionIsNot(let regions): return request.injectedRegion.map { !regions.contains($0) } ?? true
        case .sedated(let flag): return (request.sedation == true) == flag
        case .definition(let named): return named.resolved.first?.holds(for: request) ?? false
        }
    }

    /// Every node of the tree, depth first, the node itself first (definitions included).
    public func forEachNode(_ body: (TriageCondition) -> Void) {
        body(self)
        switch self {
        case .all(let children), .any(let children):
            for child in children { child.forEachNode(body) }
        case .definition(let named):
            for child in named.resolved { child.forEachNode(body) }
        default: break
        }
    }

    /// The tree with each `definition` node filled from `definitions`; the
    /// names it could not find are added to `unknown`.
    public func resolving(_ definitions: [String: TriageCondition], unknown: inout Set<String>) -> TriageCondition {
        switch self {
        case .all(let children): return .all(children.map { $0.resolving(definitions, unknown: &unknown) })
        case .any(let children): return .any(children.map { $0.resolving(definitions, unknown: &unknown) })
        case .definition(let named):
            guard let condition = definitions[named.name] else {
                unknown.insert(named.name)
                return self
            }
            return .definition(NamedCondition(named.name, resolved: condition))
        default: return self
        }
    }
}

extension TriageCondition: Codable {
    private enum Key: String, CodingKey, CaseIterable {
        case all, any, anySymptom, allSymptoms, anySevere, anyWorsening, anySevereOrWorsening, anySteady, anyNotSevere,
            hoursAtMost, hoursAbove, temperatureAtLeast, glucoseAtLeast, systolicAtLeast, glucoseBelow, systolicBelow,
            steroidInjectionsAbove, anyCondition, medicationGiven, medicationNotGiven, injectionIn, approachIn,
            regionMayBe, regionIs, regionIsNot, sedated, definition
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
                    debugDescription:
                        "a condition has exactly one of: \(Key.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        switch key {
        case .all: return .all(try container.decode([TriageCondition].self, forKey: key))
        case .any: return .any(try container.decode([TriageCondition].self, forKey: key))
        case .anySymptom: return .anySymptom(try container.decode([Symptom].self, forKey: key))
        case .allSymptoms: return .allSymptoms(try container.decode([Symptom].self, forKey: key))
        case .anySevere: return .anySevere(try container.decode([Symptom].self, forKey: key))
        case .anyWorsening: return .anyWorsening(try container.decode([Symptom].self, forKey: key))
        case .anySevereOrWorsening: return .anySevereOrWorsening(try container.decode([Symptom].self, forKey: key))
        case .anySteady: return .anySteady(try container.decode([Symptom].self, forKey: key))
        case .anyNotSevere: return .anyNotSevere(try container.decode([Symptom].self, forKey: key))
        case .hoursAtMost: return .hoursAtMost(try container.decode(Double.self, forKey: key))
        case .hoursAbove: return .hoursAbove(try container.decode(Double.self, forKey: key))
        case .temperatureAtLeast: return .temperatureAtLeast(try container.decode(Double.self, forKey: key))
        case .glucoseAtLeast: return .glucoseAtLeast(try container.decode(Double.self, forKey: key))
        case .systolicAtLeast: return .systolicAtLeast(try container.decode(Double.self, forKey: key))
        case .glucoseBelow: return .glucoseBelow(try container.decode(Double.self, forKey: key))
        case .systolicBelow: return .systolicBelow(try container.decode(Double.self, forKey: key))
        case .steroidInjectionsAbove: return .steroidInjectionsAbove(try container.decode(Int.self, forKey: key))
        case .anyCondition: return .anyCondition(try container.decode([Condition].self, forKey: key))
        case .medicationGiven: return .medicationGiven(try container.decode([Medication].self, forKey: key))
        case .medicationNotGiven: return .medicationNotGiven(try container.decode([Medication].self, forKey: key))
        case .injectionIn: return .injectionIn(try container.decode([InjectionType].self, forKey: key))
        case .approachIn: return .approachIn(try container.decode([Approach].self, forKey: key))
        case .regionMayBe: return .regionMayBe(try container.decode([SpinalRegion].self, forKey: key))
        case .regionIs: return .regionIs(try container.decode([SpinalRegion].self, forKey: key))
        case .regionIsNot: return .regionIsNot(try container.decode([SpinalRegion].self, forKey: key))
        case .sedated: return .sedated(try container.decode(Bool.self, forKey: key))
        case .definition: return .definition(NamedCondition(try container.decode(String.self, forKey: key)))
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
        case .anySteady(let value): try container.encode(value, forKey: .anySteady)
        case .anyNotSevere(let value): try container.encode(value, forKey: .anyNotSevere)
        case .hoursAtMost(let value): try container.encode(value, forKey: .hoursAtMost)
        case .hoursAbove(let value): try container.encode(value, forKey: .hoursAbove)
        case .temperatureAtLeast(let value): try container.encode(value, forKey: .temperatureAtLeast)
        case .glucoseAtLeast(let value): try container.encode(value, forKey: .glucoseAtLeast)
        case .systolicAtLeast(let value): try container.encode(value, forKey: .systolicAtLeast)
        case .glucoseBelow(let value): try container.encode(value, forKey: .glucoseBelow)
        case .systolicBelow(let value): try container.encode(value, forKey: .systolicBelow)
        case .steroidInjectionsAbove(let value): try container.encode(value, forKey: .steroidInjectionsAbove)
        case .anyCondition(let value): try container.encode(value, forKey: .anyCondition)
        case .medicationGiven(let value): try container.encode(value, forKey: .medicationGiven)
        case .medicationNotGiven(let value): try container.encode(value, forKey: .medicationNotGiven)
        case .injectionIn(let value): try container.encode(value, forKey: .injectionIn)
        case .approachIn(let value): try container.encode(value, forKey: .approachIn)
        case .regionMayBe(let value): try container.encode(value, forKey: .regionMayBe)
        case .regionIs(let value): try container.encode(value, forKey: .regionIs)
        case .regionIsNot(let value): try container.encode(value, forKey: .regionIsNot)
        case .sedated(let value): try container.encode(value, forKey: .sedated)
        case .definition(let named): try container.encode(named.name, forKey: .definition)
        }
    }
}

/// The payload of a `definition` node: its name and, once the knowledge base
/// is loaded, the condition it stands for.
///
/// A reference, so the node's payload is one pointer like the arrays of the
/// other cases. (A name and an array side by side made a larger payload whose
/// array pointer carried the enum's tag bits, which LeakSanitizer cannot
/// follow: it reported the arrays as leaked.)
public final class NamedCondition: Sendable, Hashable {
    public let name: String
    /// Empty until resolved, then the one condition (an array, so the tree
    /// stays free of indirect boxes).
    public let resolved: [TriageCondition]

    public init(_ name: String, resolved: TriageCondition? = nil) {
        self.name = name
        self.resolved = resolved.map { [$0] } ?? []
    }

    public static func == (lhs: NamedCondition, rhs: NamedCondition) -> Bool {
        lhs.name == rhs.name && lhs.resolved == rhs.resolved
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(resolved)
    }
}

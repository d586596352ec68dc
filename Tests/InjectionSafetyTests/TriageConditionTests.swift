import Foundation
import Testing

@testable import InjectionSafety

/// Each node of the rule language on both sides of what it tests, its JSON
/// form, and its entry in the rule book's list of node types.
struct TriageConditionTests {
    typealias Report = TriageRequest.SymptomReport

    static func request(
        _ injection: InjectionType = .medialBranchBlock, approach: Approach? = nil, region: SpinalRegion? = nil,
        sedation: Bool? = nil, medications: [Medication]? = nil, hours: Double = 10, symptoms: [Report] = [],
        glucose: Double? = nil, systolic: Double? = nil
    ) -> TriageRequest {
        var request = TriageRequest(
            injection: injection, approach: approach, region: region, sedation: sedation, medications: medications,
            hoursSinceInjection: hours, symptoms: symptoms, bloodGlucoseMgDl: glucose, systolicBloodPressure: systolic)
        let defaults: [InjectionType: [Medication]] = [
            .medialBranchBlock: [.localAnesthetic, .contrast],
            .sacroiliacJoint: [.corticosteroid, .localAnesthetic, .contrast],
            .epiduralSteroid: [.corticosteroid, .localAnesthetic, .contrast],
        ]
        request.resolveMedications(defaults: defaults[injection] ?? [])
        return request
    }

    @Test func medicationNotGiven() {
        let node = TriageCondition.medicationNotGiven([.localAnesthetic])
        #expect(node.holds(for: Self.request(medications: [.corticosteroid, .contrast])))
        #expect(!node.holds(for: Self.request(medications: [.localAnesthetic])))
        #expect(!node.holds(for: Self.request()))  // the defaults hold a local anaesthetic
        #expect(node.holds(for: Self.request(medications: [])))
    }

    @Test func regionIsAndRegionIsNotAreExactOpposites() {
        let cases: [(TriageRequest, Bool)] = [
            (Self.request(region: .cervical), true), (Self.request(region: .lumbar), false), (Self.request(), false),
            (Self.request(.sacroiliacJoint), false), (Self.request(.epiduralSteroid, approach: .caudal), false),
        ]
        for (request, isCervical) in cases {
            #expect(TriageCondition.regionIs([.cervical]).holds(for: request) == isCervical, "\(request)")
            #expect(TriageCondition.regionIsNot([.cervical]).holds(for: request) == !isCervical, "\(request)")
        }
        #expect(TriageCondition.regionIs([.sacral]).holds(for: Self.request(.sacroiliacJoint)))
        #expect(TriageCondition.regionIs([.sacral]).holds(for: Self.request(.epiduralSteroid, approach: .caudal)))
        #expect(
            !TriageCondition.regionIs([.sacral]).holds(for: Self.request(.epiduralSteroid, approach: .interlaminar)))
        // The "may be" test stays: an unknown region may be the riskier one.
        #expect(TriageCondition.regionMayBe([.thoracic]).holds(for: Self.request()))
        #expect(!TriageCondition.regionIs([.thoracic]).holds(for: Self.request()))
    }

    @Test func readingsBelow() {
        #expect(TriageCondition.glucoseBelow(70).holds(for: Self.request(glucose: 69.9)))
        #expect(!TriageCondition.glucoseBelow(70).holds(for: Self.request(glucose: 70)))
        #expect(!TriageCondition.glucoseBelow(70).holds(for: Self.request()))  // no reading: not low
        #expect(TriageCondition.systolicBelow(90).holds(for: Self.request(systolic: 89)))
        #expect(!TriageCondition.systolicBelow(90).holds(for: Self.request(systolic: 90)))
        #expect(!TriageCondition.systolicBelow(90).holds(for: Self.request()))
    }

    @Test func sedated() {
        #expect(TriageCondition.sedated(true).holds(for: Self.request(sedation: true)))
        #expect(!TriageCondition.sedated(true).holds(for: Self.request(sedation: false)))
        #expect(!TriageCondition.sedated(true).holds(for: Self.request()))
        #expect(TriageCondition.sedated(false).holds(for: Self.request(sedation: false)))
        #expect(TriageCondition.sedated(false).holds(for: Self.request()))
        #expect(!TriageCondition.sedated(false).holds(for: Self.request(sedation: true)))
    }

    @Test func windowsThatEnd() {
        #expect(TriageCondition.hoursAtMost(8).holds(for: Self.request(hours: 8)))
        #expect(!TriageCondition.hoursAtMost(8).holds(for: Self.request(hours: 8.01)))
        #expect(!TriageCondition.hoursAbove(8).holds(for: Self.request(hours: 8)))
        #expect(TriageCondition.hoursAbove(8).holds(for: Self.request(hours: 8.01)))
    }

    @Test func steadyAndNotSevere() {
        let steady = TriageCondition.anySteady([.nausea])
        #expect(steady.holds(for: Self.request(symptoms: [Report(.nausea)])))
        #expect(!steady.holds(for: Self.request(symptoms: [Report(.nausea, worsening: true)])))
        #expect(!steady.holds(for: Self.request()))
        let notSevere = TriageCondition.anyNotSevere([.nausea])
        #expect(notSevere.holds(for: Self.request(symptoms: [Report(.nausea, severity: .moderate)])))
        #expect(notSevere.holds(for: Self.request(symptoms: [Report(.nausea)])))
        #expect(!notSevere.holds(for: Self.request(symptoms: [Report(.nausea, severity: .severe)])))
        #expect(!notSevere.holds(for: Self.request()))
    }

    @Test func preExistingIsNewFalseWithoutWorsening() {
        #expect(Report(.nausea, isNew: false).isPreExisting)
        #expect(!Report(.nausea, worsening: true, isNew: false).isPreExisting)
        #expect(!Report(.nausea).isPreExisting)
        // A code sent twice counts as new if either says so.
        let request = Self.request(symptoms: [Report(.nausea, isNew: false), Report(.nausea)])
        #expect(request.report(for: .nausea)?.isNew == true)
    }

    @Test func definitionsHoldWhenResolvedAndNeverUnresolved() {
        let unresolved = TriageCondition.definition(NamedCondition("low"))
        #expect(!unresolved.holds(for: Self.request(glucose: 40)))
        var unknown = Set<String>()
        let resolved = unresolved.resolving(["low": .glucoseBelow(70)], unknown: &unknown)
        #expect(unknown.isEmpty)
        #expect(resolved.holds(for: Self.request(glucose: 40)))
        #expect(!resolved.holds(for: Self.request(glucose: 80)))
        _ = TriageCondition.definition(NamedCondition("missing")).resolving([:], unknown: &unknown)
        #expect(unknown == ["missing"])
    }

    static let everyNode: [TriageCondition] = [
        .all([]), .any([]), .anySymptom([.nausea]), .allSymptoms([.nausea]), .anySevere([.nausea]),
        .anyWorsening([.nausea]),
        .anySevereOrWorsening([.nausea]), .anySteady([.nausea]), .anyNotSevere([.nausea]), .hoursAtMost(1),
        .hoursAbove(1),
        .temperatureAtLeast(38), .glucoseAtLeast(300), .glucoseBelow(70), .systolicAtLeast(180), .systolicBelow(90),
        .steroidInjectionsAbove(4), .anyCondition([.diabetes]), .medicationGiven([.contrast]),
        .medicationNotGiven([.contrast]),
        .injectionIn([.facetJoint]), .approachIn([.caudal]), .regionMayBe([.cervical]), .regionIs([.cervical]),
        .regionIsNot([.cervical]), .sedated(true), .definition(NamedCondition("fever")),
    ]

    @Test func everyNodeRoundTripsAndIsExplainedInTheRuleBook() throws {
        let explained = Set(TriageCondition.nodeTypes.map(\.node))
        #expect(explained.count == Self.everyNode.count)
        for node in Self.everyNode {
            let data = try JSONEncoder().encode(node)
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let key = try #require(object.keys.first)
            #expect(object.count == 1 && explained.contains(key), "\(key) is not in nodeTypes")
            #expect(try JSONDecoder().decode(TriageCondition.self, from: data) == node)
            #expect(!node.reading.isEmpty)
        }
    }
}

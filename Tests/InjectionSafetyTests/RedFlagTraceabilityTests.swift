import Testing

@testable import InjectionSafety

/// Every red flag of the clinical facts (§3) has a rule, and a request that
/// shows the flag triggers that rule at its level or higher.
struct RedFlagTraceabilityTests {
    struct Flag: Sendable, CustomTestStringConvertible {
        /// The red flag as clinical-facts §3 words it.
        var text: String
        var rule: String
        var request: TriageRequest
        var testDescription: String { rule }
    }

    typealias Report = TriageRequest.SymptomReport

    static func request(
        _ injection: InjectionType = .epiduralSteroid, hours: Double = 24, _ symptoms: [Report] = [],
        temperature: Double? = nil, glucose: Double? = nil, systolic: Double? = nil, conditions: Set<Condition> = [],
        region: SpinalRegion? = nil
    ) -> TriageRequest {
        TriageRequest(
            injection: injection, region: region, hoursSinceInjection: hours, symptoms: symptoms,
            temperatureC: temperature,
            bloodGlucoseMgDl: glucose, systolicBloodPressure: systolic, conditions: conditions)
    }

    static func request(
        _ symptoms: [Report], temperature: Double? = nil, glucose: Double? = nil, conditions: Set<Condition> = []
    ) -> TriageRequest {
        request(
            .epiduralSteroid, hours: 24, symptoms, temperature: temperature, glucose: glucose, conditions: conditions)
    }

    static let flags: [Flag] = [
        // emergency
        Flag(
            text: "New, spreading or worsening leg/arm weakness or numbness", rule: "worsening-numbness-or-weakness",
            request: request(hours: 3, [Report(.armNumbness, worsening: true)])),
        Flag(
            text: "numbness that does not wear off (weakness after the window)", rule: "weakness-not-expected",
            request: request(hours: 12, [Report(.legWeakness)])),
        Flag(
            text: "New loss of bowel/bladder control; saddle numbness", rule: "cauda-equina-signs",
            request: request([Report(.bowelBladderLoss)])),
        Flag(
            text: "FDA list: vision loss or change", rule: "vision-change-early",
            request: request(hours: 6, [Report(.visionChanges)])),
        Flag(
            text: "FDA list: dizziness (severe or worsening)", rule: "dizziness-severe-or-worsening",
            request: request(hours: 6, [Report(.dizziness, severity: .severe)])),
        Flag(
            text: "FDA list: severe headache", rule: "severe-headache-nonpositional",
            request: request([Report(.headache, severity: .severe)])),
        Flag(
            text: "FDA list: seizure; slurred speech, facial droop, confusion", rule: "stroke-signs",
            request: request([Report(.facialDroop)])),
        Flag(
            text: "Headache with fever, stiff neck, drowsiness, confusion or vomiting", rule: "headache-with-vomiting",
            request: request([Report(.headache), Report(.vomiting)])),
        Flag(
            text: "... headache with a stiff neck", rule: "headache-with-stiff-neck",
            request: request([Report(.headache), Report(.stiffNeck)])),
        Flag(
            text: "... headache with drowsiness", rule: "drowsiness-with-danger-signs",
            request: request([Report(.headache), Report(.drowsiness)])),
        Flag(
            text: "... headache with fever (severe or worsening)", rule: "fever-with-severe-headache",
            request: request([Report(.headache, worsening: true)], temperature: 38.4)),
        Flag(
            text: "Fever with stiff neck (meningitis)", rule: "fever-with-meningitis-signs",
            request: request([Report(.stiffNeck)], temperature: 38.3)),
        Flag(
            text: "Difficulty breathing, wheeze, swelling of face/lips/tongue/throat", rule: "airway-allergy",
            request: request(hours: 0.5, [Report(.wheezing)])),
        Flag(
            text: "Fever/chills with severe or rising back/neck pain", rule: "fever-with-severe-back-pain",
            request: request([Report(.chills), Report(.fever), Report(.severeBackPain)])),
        Flag(
            text: "... above all with a neuro sign (abscess)", rule: "fever-back-pain-nerve-sign",
            request: request([Report(.increasedBackPain), Report(.legWeakness)], temperature: 38.5)),
        Flag(
            text: "Sudden severe back pain plus any neuro deficit (hematoma)", rule: "severe-back-pain-with-nerve-sign",
            request: request(hours: 9, [Report(.severeBackPain), Report(.legNumbness)])),
        Flag(
            text: "... above all on blood thinners", rule: "severe-back-pain-on-blood-thinners",
            request: request([Report(.severeBackPain)], conditions: [.antiplatelet])),
        Flag(
            text: "Chest pain or breathlessness after a chest-wall trigger point or thoracic injection",
            rule: "chest-symptoms-possible-collapsed-lung",
            request: request(.triggerPoint, hours: 1, [Report(.difficultyBreathing)], region: .thoracic)),
        Flag(
            text: "Metallic taste, ringing ears, numb lips, twitching, palpitations soon after",
            rule: "anesthetic-toxicity-signs",
            request: request(hours: 0.1, [Report(.muscleTwitching)])),
        Flag(
            text: "Breathlessness in heart failure with fluid gain", rule: "heart-failure-breathless",
            request: request([Report(.difficultyBreathing), Report(.fluidRetention)], conditions: [.heartFailure])),
        Flag(text: "Self-harm thoughts", rule: "self-harm-thoughts", request: request([Report(.selfHarmThoughts)])),
        Flag(
            text: "DKA symptoms or ketones with very high glucose", rule: "glucose-very-high-with-warning-signs",
            request: request([Report(.ketones)], glucose: 320, conditions: [.diabetes])),
        // urgent
        Flag(
            text: "Site redness, warmth, swelling, drainage, or increasing site pain", rule: "site-infection-signs",
            request: request(hours: 72, [Report(.injectionSiteWarmth)])),
        Flag(text: "Temperature >= 38 °C", rule: "fever", request: request(temperature: 38.0)),
        Flag(
            text: "Positional headache that is severe, or > 2 days with nausea/vomiting",
            rule: "positional-headache-severe",
            request: request(hours: 72, [Report(.positionalHeadache), Report(.vomiting)])),
        Flag(text: "Blurred vision", rule: "vision-change", request: request(hours: 200, [Report(.visionChanges)])),
        Flag(
            text: "Pain flare that is severe or not eased", rule: "severe-pain-flare",
            request: request(hours: 30, [Report(.legPain, severity: .severe)])),
        Flag(
            text: "Persisting tingling or numbness without weakness", rule: "numbness-not-expected",
            request: request(hours: 30, [Report(.legTingling)])),
    ]

    @Test("red flag has a rule that fires at its level", arguments: flags)
    func redFlagFires(_ flag: Flag) throws {
        let knowledgeBase = try KnowledgeBase.bundled()
        let rule = try #require(
            knowledgeBase.triageRules.first { $0.id == flag.rule }, "no rule \(flag.rule) for: \(flag.text)")
        let result = TriageEngine(knowledgeBase: knowledgeBase).triage(flag.request)
        #expect(result.reasons.contains { $0.ruleID == flag.rule }, "\(flag.text): \(result.reasons.map(\.ruleID))")
        #expect(!(result.level > rule.level), "\(flag.text): level \(result.level) below \(rule.level)")
    }
}

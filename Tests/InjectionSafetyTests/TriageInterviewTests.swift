import Foundation
import Testing

@testable import InjectionSafety

/// The guided interview: what it asks, what it never asks, and that a patient
/// who answers truthfully ends at least as urgent as their whole story.
struct TriageInterviewTests {
    typealias Report = TriageRequest.SymptomReport
    typealias Answers = TriageInterview.Answers
    static var engine: TriageEngine { TriageEngineTests.engine }

    static func ask(_ request: TriageRequest, _ answers: Answers = Answers()) -> (TriageResult, TriageInterview) {
        let result = engine.triage(request)
        return (result, engine.interview(request, answers: answers, level: result.level))
    }

    static func request(_ symptoms: [Report], hours: Double = 30) -> TriageRequest {
        TriageRequest(
            injection: .epiduralSteroid, approach: .transforaminal, hoursSinceInjection: hours, symptoms: symptoms)
    }

    /// The interview keeps its facts as bits: a 64-bit word for whether each
    /// symptom is there, one for how bad, and the readings.
    @Test func theFactsFitTheirBits() {
        #expect(Symptom.allCases.count <= 64)
        #expect(TriageInterview.Reading.allCases.count <= 64)
    }

    @Test func anEmergencyAnswerAsksNothing() {
        let (result, interview) = Self.ask(Self.request([Report(.saddleNumbness)]))
        #expect(result.level == .emergency)
        #expect(interview.questions.isEmpty)
        #expect(interview.complete)
    }

    @Test func aHeadacheAsksTheEmergencySignsFirstAtMostFive() throws {
        let (result, interview) = Self.ask(Self.request([Report(.headache)]))
        #expect(result.level != .emergency)
        #expect(!interview.complete)
        #expect((1...5).contains(interview.questions.count))
        let first = try #require(interview.questions.first)
        #expect(first.wouldRaiseTo == .emergency)
        // Ordered: the level each could raise to, then how many rules it serves.
        for (earlier, later) in zip(interview.questions, interview.questions.dropFirst()) {
            #expect(
                earlier.wouldRaiseTo < later.wouldRaiseTo
                    || (earlier.wouldRaiseTo == later.wouldRaiseTo && earlier.rules >= later.rules))
        }
        // Every question would raise the level above the answer's.
        #expect(interview.questions.allSatisfy { $0.wouldRaiseTo < result.level })
        // Its ids are stable and parse back (a group's id names the group; its symptoms are the data's).
        #expect(interview.questions.allSatisfy { TriageInterview.Fact(id: $0.id)?.id == $0.id })
        // A group of the contract with more than one open symptom is one question listing them.
        for question in interview.questions {
            guard case .anyOf(let group, let codes) = question.fact else { continue }
            #expect(codes.count > 1)
            #expect(codes.allSatisfy { Self.engine.knowledgeBase.symptom($0)?.group == group })
        }
    }

    @Test func deniedSymptomsAndUnanswerableQuestionsAreNotAskedAgain() {
        let request = Self.request([Report(.headache)])
        let (_, first) = Self.ask(request)
        var answers = Answers()
        for question in first.questions {
            switch question.fact {
            case .symptom(let code): answers.absentSymptoms.insert(code)
            default: answers.unknown.insert(question.id)
            }
        }
        let (_, second) = Self.ask(request, answers)
        let asked = Set(first.questions.map(\.id))
        #expect(second.questions.allSatisfy { !asked.contains($0.id) })
    }

    @Test func aSevereHeadacheIsAskedForOnlyWhenItsSeverityIsMissing() {
        let request = Self.request([Report(.headache)], hours: 2)
        let all = Self.engine.interview(
            request, answers: Answers(), level: Self.engine.triage(request).level, limit: 100)
        let withSeverity = Self.request([Report(.headache, severity: .mild)], hours: 2)
        let none = Self.engine.interview(
            withSeverity, answers: Answers(), level: Self.engine.triage(withSeverity).level, limit: 100)
        #expect(!none.questions.contains { $0.fact == .severity(.headache) })
        // Whether it is asked depends on the rules: if any more urgent rule needs a severe headache, it is.
        let needsSevere = Self.engine.knowledgeBase.triageRules.contains { rule in
            var needs = false
            rule.when.forEachNode { node in
                if case .anySevere(let codes) = node, codes.contains(.headache) { needs = true }
                if case .anySevereOrWorsening(let codes) = node, codes.contains(.headache) { needs = true }
            }
            return needs && rule.level < Self.engine.triage(request).level
        }
        #expect(all.questions.contains { $0.fact == .severity(.headache) } == needsSevere)
    }

    @Test func aMissingReadingIsAskedAndAKnownUnknownIsNot() {
        let request = TriageRequest(
            injection: .epiduralSteroid, hoursSinceInjection: 30, symptoms: [Report(.injectionSiteRedness)])
        let level = Self.engine.triage(request).level
        let all = Self.engine.interview(request, answers: Answers(), level: level, limit: 100)
        #expect(all.questions.contains { $0.fact == .reading(.temperatureC) })
        let noThermometer = Self.engine.interview(
            request, answers: Answers(unknown: ["temperatureC"]), level: level, limit: 100)
        #expect(!noThermometer.questions.contains { $0.fact == .reading(.temperatureC) })
    }

    // MARK: - A simulated patient

    /// Runs the interview for a patient whose whole story is `full`, starting
    /// from `start` (the same visit, fewer facts), answering every question
    /// truthfully. Returns the final level and the number of rounds.
    static func simulate(full: TriageRequest, start: TriageRequest, maxRounds: Int = 200) -> (TriageLevel, Int) {
        var partial = start
        var answers = Answers()
        var rounds = 0
        while rounds < maxRounds {
            let (result, interview) = ask(partial, answers)
            if interview.complete { return (result.level, rounds) }
            rounds += 1
            for question in interview.questions {
                switch question.fact {
                // The patient's answers are the whole story's (a code given twice counts as one report).
                case .symptom(let code):
                    if let report = full.report(for: code) {
                        partial.symptoms.append(report)
                    } else {
                        answers.absentSymptoms.insert(code)
                    }
                case .severity(let code):
                    if let severity = full.report(for: code)?.severity,
                        let index = partial.symptoms.firstIndex(where: { $0.code == code })
                    {
                        partial.symptoms[index].severity = severity
                    } else {
                        answers.unknown.insert(question.id)
                    }
                case .reading(let reading):
                    let field: WritableKeyPath<TriageRequest, Double?> =
                        switch reading {
                        case .temperatureC: \.temperatureC
                        case .bloodGlucoseMgDl: \.bloodGlucoseMgDl
                        case .systolicBloodPressure: \.systolicBloodPressure
                        }
                    partial[keyPath: field] = full[keyPath: field]
                    if full[keyPath: field] == nil { answers.unknown.insert(question.id) }
                case .anyOf(_, let codes):
                    for code in codes {
                        if let report = full.report(for: code) {
                            partial.symptoms.append(report)
                        } else {
                            answers.absentSymptoms.insert(code)
                        }
                    }
                case .otherSymptoms:
                    // Yes: the patient adds every symptom of the story not yet reported; no: none is left.
                    let missing = full.symptoms.filter { report in
                        !partial.symptoms.contains { $0.code == report.code }
                    }
                    if missing.isEmpty {
                        answers.noOtherSymptoms = true
                    } else {
                        for report in missing where partial.report(for: report.code) == nil {
                            if let whole = full.report(for: report.code) { partial.symptoms.append(whole) }
                        }
                    }
                }
            }
        }
        Issue.record("the interview did not end within \(maxRounds) rounds")
        return (ask(partial, answers).0.level, rounds)
    }

    /// The whole story with only its first symptom and no reading: where a portal starts.
    static func opening(_ full: TriageRequest) -> TriageRequest {
        var start = full
        start.symptoms = full.symptoms.first.flatMap { full.report(for: $0.code) }.map { [$0] } ?? []
        start.temperatureC = nil
        start.bloodGlucoseMgDl = nil
        start.systolicBloodPressure = nil
        return start
    }

    /// Every public vignette: the interview never ends less urgent than the whole story.
    @Test func everyVignettesInterviewEndsAtLeastAsUrgentAsTheWholeStory() throws {
        var rounds: [String: Int] = [:]
        for vignette in try TriageEngineTests.vignettes() {
            let full = Self.engine.triage(vignette.request).level
            let (final, count) = Self.simulate(full: vignette.request, start: Self.opening(vignette.request))
            #expect(final <= full, "\(vignette.id): interview ended at \(final), the whole story is \(full)")
            rounds[vignette.id] = count
        }
        let distribution = Dictionary(grouping: rounds.values, by: { $0 }).mapValues(\.count).sorted { $0.key < $1.key }
        print("interview rounds per vignette (rounds: vignettes): \(distribution)")
        print("vignettes over 6 rounds: \(rounds.filter { $0.value > 6 }.keys.sorted())")
        // The goal a portal can plan for: every vignette in at most 6 rounds of 5 questions.
        #expect(rounds.values.allSatisfy { $0 <= 6 }, "over 6 rounds: \(rounds.filter { $0.value > 6 })")
    }

    /// Generated patients (`TriageEngineTests.randomRequest`, a fixed seed): the same rule.
    @Test func generatedPatientsNeverEndLessUrgentThanTheirWholeStory() {
        var generator = TriageEngineTests.SplitMix64(state: 20_261_204)
        for _ in 0..<300 {
            let full = TriageEngineTests.randomRequest(&generator)
            let whole = Self.engine.triage(full).level
            let (final, _) = Self.simulate(full: full, start: Self.opening(full))
            #expect(final <= whole, "\(full): interview \(final), whole story \(whole)")
        }
    }
}

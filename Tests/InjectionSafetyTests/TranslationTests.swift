import Foundation
import Testing

@testable import InjectionSafety

/// The knowledge base in another language: the patient texts change, nothing else.
struct TranslationTests {
    static let english = TriageEngineTests.engine.knowledgeBase
    static let spanish: KnowledgeBase = {
        do { return try KnowledgeBase.bundled(language: "es") } catch { fatalError("\(error)") }
    }()

    @Test func spanishIsBuiltIn() {
        #expect(Translation.bundledLanguages == ["es"])
    }

    /// Spanish joins "a" and "de" with a phrase's article: "llame al 911", never "a el 911".
    @Test func aClinicsPhrasesReadAsSpanishDoes() throws {
        let profile = ClinicProfile(
            name: "Clínica Sol", daytimePhone: "555-0100", afterHoursPhone: "555-0199", emergencyNumber: "911")
        let clinic = try KnowledgeBase.bundled(profile: profile, language: "es").patientTexts
        #expect(clinic.warningLeads.emergency == "Llame al 911 ahora si tiene:")
        #expect(clinic.disclaimer.hasSuffix("En caso de emergencia, llame al 911."))
        #expect(!clinic.disclaimer.contains(" a el ") && !clinic.actions.urgent.contains(" a el "))
        #expect(clinic.actions.urgent.contains("con el equipo de guardia al 555-0199"))
        let neutral = Self.spanish.patientTexts
        #expect(neutral.warningLeads.emergency == "Llame a su número local de emergencias ahora si tiene:")
    }

    @Test(arguments: [
        ("Llame a ", "el 911", "Llame al 911"), ("a ", "el equipo", "al equipo"),
        ("Hable con ", "el equipo", "Hable con el equipo"),
        ("el número de ", "el equipo", "el número del equipo"), ("Vaya a ", "la clínica", "Vaya a la clínica"),
        ("casa ", "el equipo", "casa el equipo"), ("Llame a ", "elena", "Llame a elena"),
    ])
    func spanishContractions(before: String, phrase: String, expected: String) {
        var head = before
        var tail = phrase
        TextRenderer.contractSpanish(&head, &tail)
        #expect(head + tail == expected)
    }

    @Test func unknownLanguageIsRefusedNamingIt() {
        #expect(throws: KnowledgeBase.LoadError.self) { try KnowledgeBase.bundled(language: "xx") }
    }

    /// The Spanish knowledge base passes the same integrity checks and holds the same rules.
    @Test func theSameRulesWithSpanishWords() throws {
        #expect(Self.spanish.integrityProblems().isEmpty, "\(Self.spanish.integrityProblems())")
        #expect(Self.spanish.triageRules.map(\.id) == Self.english.triageRules.map(\.id))
        #expect(Self.spanish.triageRules.map(\.when) == Self.english.triageRules.map(\.when))
        #expect(Self.spanish.triageRules.map(\.level) == Self.english.triageRules.map(\.level))
        #expect(Self.spanish.reviewRules.map(\.when) == Self.english.reviewRules.map(\.when))
        let leg = try #require(Self.spanish.symptom(.legNumbness))
        #expect(leg.label == "Pierna adormecida", "\(leg.label)")
        #expect(Self.spanish.patientTexts.disclaimer.hasPrefix("Esta información no reemplaza"))
        // Every explanation changed language (none is left in English).
        for (spanish, english) in zip(Self.spanish.triageRules, Self.english.triageRules) {
            #expect(spanish.explanation != english.explanation, "\(spanish.id)")
        }
    }

    /// Every public vignette triages to the same level, for the same reasons, in both languages.
    @Test func vignettesTriageAlikeInBothLanguages() throws {
        let english = TriageEngine(knowledgeBase: Self.english)
        let spanish = TriageEngine(knowledgeBase: Self.spanish)
        for vignette in try TriageEngineTests.vignettes() {
            let inEnglish = english.triage(vignette.request)
            let inSpanish = spanish.triage(vignette.request)
            #expect(inSpanish.level == inEnglish.level, "\(vignette.id)")
            #expect(inSpanish.reasons.map(\.ruleID) == inEnglish.reasons.map(\.ruleID), "\(vignette.id)")
            #expect(inSpanish.watchFor.map(\.index) == inEnglish.watchFor.map(\.index), "\(vignette.id)")
        }
    }

    /// The one-pass replacement: strings only, escapes kept, keys and other strings untouched.
    @Test func replacementTouchesOnlyTheTranslatedStrings() {
        let json = Array(#"{"a": "Call \"now\"", "b": ["Call \"now\"", "Rest"], "Rest": 1}"#.utf8)
        let replaced = Translation.replacingStrings(
            in: json, [Translation.escaped("Call \"now\""): Translation.escaped("Llame \"ya\"")])
        #expect(
            String(decoding: replaced, as: UTF8.self)
                == #"{"a": "Llame \"ya\"", "b": ["Llame \"ya\"", "Rest"], "Rest": 1}"#)
    }
}

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

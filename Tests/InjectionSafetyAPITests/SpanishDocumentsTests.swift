import Foundation
import HTTPServer
import InjectionSafety
import Testing

@testable import InjectionSafetyAPI

/// The documents the server assembles (the take-home handout and the two FHIR
/// Questionnaires) in Spanish: every visible text comes from the Spanish data,
/// none is left in English, and the page and resources say their language.
struct SpanishDocumentsTests {
    static let spanish = [("Accept-Language", "es-US")]

    /// The visible texts of a handout: the title, headings and list items.
    static func visibleTexts(_ html: String) -> [String] {
        html.matches(of: /<(title|h1|h2|h3|li|strong|p)[^>]*>([^<]+)</).map { String($0.output.2) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Every `text` and `title` of a Questionnaire, and each answer's display.
    static func questionnaireTexts(_ body: [UInt8]) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        var texts = [object["title"] as? String ?? ""]
        func walk(_ items: [[String: Any]]) {
            for item in items {
                if let text = item["text"] as? String { texts.append(text) }
                // Each answer's display, and the unit a form shows beside a number.
                for option in (item["answerOption"] as? [[String: Any]] ?? [])
                    + (item["extension"] as? [[String: Any]] ?? [])
                {
                    if let display = (option["valueCoding"] as? [String: Any])?["display"] as? String {
                        texts.append(display)
                    }
                }
                walk(item["item"] as? [[String: Any]] ?? [])
            }
        }
        walk(object["item"] as? [[String: Any]] ?? [])
        return texts
    }

    /// Texts that are the same words in both languages (`sameAsEnglish` of es.json: a drug's or condition's name).
    static let sameInBoth: Set<String> = {
        let english = TestRouter.knowledgeBase
        let spanish = TestRouter.translations[0]
        var same: Set<String> = ["°C", "°F", "mg/dL", "mmol/L", "mmHg"]  // unit symbols
        for (a, b) in zip(english.conditions, spanish.conditions) where a.label == b.label { same.insert(a.label) }
        for (a, b) in zip(english.symptoms, spanish.symptoms) where a.label == b.label { same.insert(a.label) }
        return same
    }()

    @Test(arguments: ChecklistPhase.allCases)
    func theHandoutIsInSpanish(phase: ChecklistPhase) throws {
        let target = "/v1/checklists/\(phase.rawValue)?injection=epidural-steroid&conditions=diabetes&format=html"
        let english = String(decoding: TestRouter.respond(.get, target).body, as: UTF8.self)
        let response = TestRouter.respond(.get, target, headers: Self.spanish)
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(response.header("Content-Language") == "es")
        #expect(html.contains(#"<html lang="es">"#))
        #expect(english.contains(#"<html lang="en">"#))
        let handout = TestRouter.translations[0].patientTexts.handout
        let title = handout.title(phase, injection: "inyección epidural de esteroides")
        #expect(html.contains("<h1>\(title)</h1>"), "\(title)")
        let englishTexts = Set(Self.visibleTexts(english))
        let left = Self.visibleTexts(html).filter { englishTexts.contains($0) && !Self.sameInBoth.contains($0) }
        #expect(left.isEmpty, "English left in the Spanish handout: \(left)")
        #expect(Self.visibleTexts(html).count == Self.visibleTexts(english).count)
    }

    @Test func theWarningSignsHaveSpanishHeadings() {
        let target = "/v1/checklists/post-procedure?injection=epidural-steroid&format=html"
        let html = String(decoding: TestRouter.respond(.get, target, headers: Self.spanish).body, as: UTF8.self)
        #expect(html.contains("<h2>Cuándo buscar ayuda</h2>"))
        #expect(html.contains("<strong>Columna y nervios</strong>"))
        #expect(!html.contains("When to get help") && !html.contains("Spine and nerves"))
    }

    @Test(arguments: ["pre-procedure", "post-procedure"])
    func theQuestionnairesAreInSpanish(phase: String) throws {
        let target = "/v1/checklists/\(phase)?injection=facet-joint&format=fhir"
        let english = TestRouter.respond(.get, target)
        let response = TestRouter.respond(.get, target, headers: Self.spanish)
        #expect(response.header("Content-Language") == "es")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(object["language"] as? String == "es")
        let englishObject = try #require(try JSONSerialization.jsonObject(with: Data(english.body)) as? [String: Any])
        #expect(englishObject["language"] as? String == "en")
        let englishList = try Self.questionnaireTexts(english.body)
        let englishTexts = Set(englishList)
        let texts = try Self.questionnaireTexts(response.body)
        #expect(texts.count == englishList.count)
        let left = texts.filter { englishTexts.contains($0) && !Self.sameInBoth.contains($0) }
        #expect(left.isEmpty, "English left in the Spanish questionnaire: \(left)")
    }

    /// The readings are asked in the clinic's unit, in the Spanish sentence.
    @Test func theReadinessQuestionsNameTheUnit() throws {
        let target = "/v1/checklists/pre-procedure?injection=facet-joint&format=fhir"
        let texts = try Self.questionnaireTexts(TestRouter.respond(.get, target, headers: Self.spanish).body)
        #expect(texts.contains("Su resultado más reciente de azúcar en la sangre (mg/dL)"))
        #expect(texts.contains("Su temperatura (°C)"))
        let spanish = TestRouter.translations[0]
        let name = try #require(spanish.injection(.facetJoint)?.name.lowercased())
        #expect(texts.first == spanish.interview.readiness.title.replacing("{injection}", with: name))
        #expect(texts.first?.hasPrefix("Antes de su ") == true)
        #expect(!texts.contains { $0.contains("{") })
    }
}

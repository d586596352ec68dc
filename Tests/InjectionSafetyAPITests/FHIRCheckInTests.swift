import Foundation
import HTTPServer
import InjectionSafety
import Testing

@testable import InjectionSafetyAPI

/// The post-procedure check-in: a FHIR Questionnaire built from the interview's
/// questions, and its QuestionnaireResponse triaged at `POST /v1/triage`.
struct FHIRCheckInTests {
    static func object(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    static func post(_ items: [[String: Any]]) throws -> HTTPResponse {
        let body = try JSONSerialization.data(
            withJSONObject: ["resourceType": "QuestionnaireResponse", "status": "completed", "item": items])
        return TestRouter.post(
            "/v1/triage", String(decoding: body, as: UTF8.self), contentType: "application/fhir+json")
    }

    static func coding(_ linkId: String, _ code: String) -> [String: Any] {
        ["linkId": linkId, "answer": [["valueCoding": ["code": code]]]]
    }

    static func answer(_ linkId: String, _ key: String, _ value: Any) -> [String: Any] {
        ["linkId": linkId, "answer": [[key: value]]]
    }

    /// A response giving what a JSON request gives (the symptoms, their details, the readings and context).
    static func items(for body: [String: Any]) -> [[String: Any]] {
        var items: [[String: Any]] = [
            coding("injection", body["injection"] as! String),
            answer("hours-since-injection", "valueDecimal", body["hoursSinceInjection"]!),
        ]
        if let sedation = body["sedation"] as? Bool { items.append(answer("sedation", "valueBoolean", sedation)) }
        if let region = body["region"] as? String { items.append(coding("region", region)) }
        if let approach = body["approach"] as? String { items.append(coding("approach", approach)) }
        if let medications = body["medications"] as? [String] {
            items.append(["linkId": "medications", "answer": medications.map { ["valueCoding": ["code": $0]] }])
        }
        if let conditions = body["conditions"] as? [String], !conditions.isEmpty {
            items.append([
                "linkId": "conditions",
                "item": conditions.map { answer("condition-\($0)", "valueBoolean", true) },
            ])
        }
        var symptoms: [[String: Any]] = []
        for entry in body["symptoms"] as? [Any] ?? [] {
            let object = entry as? [String: Any] ?? ["code": entry]
            let code = object["code"] as! String
            var item = answer("symptom-\(code)", "valueBoolean", true)
            var details: [[String: Any]] = []
            if let severity = object["severity"] as? String { details.append(coding("severity-\(code)", severity)) }
            if let worsening = object["worsening"] as? Bool {
                details.append(answer("worsening-\(code)", "valueBoolean", worsening))
            }
            if !details.isEmpty { item["item"] = details }
            symptoms.append(item)
        }
        if !symptoms.isEmpty { items.append(["linkId": "symptoms", "item": symptoms]) }
        for reading in ["temperatureC", "bloodGlucoseMgDl", "systolicBloodPressure"] {
            if let value = body[reading] { items.append(answer(reading, "valueDecimal", value)) }
        }
        return items
    }

    @Test func checkInQuestionnaireAsksTheInterviewsQuestions() throws {
        let response = TestRouter.respond(
            .get, "/v1/checklists/post-procedure?injection=epidural-steroid",
            headers: [("Accept", "application/fhir+json")])
        #expect(response.status == .ok)
        #expect(response.contentType == "application/fhir+json")
        let body = try Self.object(response)
        #expect(body["resourceType"] as? String == "Questionnaire")
        #expect(body["url"] as? String == FHIRCheckIn.url)
        let items = try #require(body["item"] as? [[String: Any]])
        let knowledgeBase = TestRouter.knowledgeBase
        let symptoms = try #require(items.first { $0["linkId"] as? String == "symptoms" }?["item"] as? [[String: Any]])
        #expect(symptoms.count == knowledgeBase.symptoms.count)
        for (item, entry) in zip(symptoms, knowledgeBase.symptoms) {
            // One source: the questionnaire's words are the interview's.
            #expect(item["linkId"] as? String == "symptom-\(entry.code.rawValue)")
            #expect(item["text"] as? String == knowledgeBase.question(for: .symptom(entry.code)))
            let details = try #require(item["item"] as? [[String: Any]])
            #expect(
                details.map { $0["linkId"] as? String } == [
                    "severity-\(entry.code.rawValue)", "worsening-\(entry.code.rawValue)",
                ])
            #expect(details.first?["text"] as? String == knowledgeBase.question(for: .severity(entry.code)))
        }
        let temperature = try #require(items.first { $0["linkId"] as? String == "temperatureC" })
        #expect(temperature["text"] as? String == knowledgeBase.question(for: .reading(.temperatureC)))
        #expect(items.first { $0["linkId"] as? String == "hours-since-injection" }?["required"] as? Bool == true)
        #expect(
            TestRouter.respond(.get, "/v1/checklists/day-of-procedure?injection=facet-joint&format=fhir").status
                == .notAcceptable)
    }

    /// A no is an absent symptom: triage does not ask it again.
    @Test func responseIsTriagedAndItsNoesAreNotAskedAgain() throws {
        let response = try Self.post([
            Self.coding("injection", "facet-joint"), Self.answer("hours-since-injection", "valueDecimal", 30),
            [
                "linkId": "symptoms",
                "item": [
                    Self.answer("symptom-fever", "valueBoolean", true),
                    Self.answer("symptom-headache", "valueBoolean", false),
                    Self.answer("symptom-confusion", "valueBoolean", false),
                ],
            ],
            Self.answer("temperatureC", "valueDecimal", 38.4),
        ])
        #expect(response.status == .ok)
        let body = try Self.object(response)
        #expect(body["level"] as? String == "urgent")
        let asked = (body["questions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(!asked.isEmpty)
        #expect(!asked.contains("headache") && !asked.contains("confusion"))
        #expect(body["watchFor"] is [[String: Any]])
    }

    /// Every public vignette the check-in can express triages to the same level as its JSON request.
    @Test func vignettesTriageAlikeAsJSONAndAsCheckIn() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try JSONSerialization.jsonObject(
            with: Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/vignettes/triage.json")))
        let cases = try #require((file as? [String: Any])?["cases"] as? [[String: Any]])
        var compared = 0
        for vignette in cases {
            let body = try #require(vignette["request"] as? [String: Any])
            // The check-in does not ask what the patient had before, nor the year's steroid injections.
            let symptoms = body["symptoms"] as? [Any] ?? []
            if symptoms.contains(where: { ($0 as? [String: Any])?["new"] != nil }) { continue }
            if body["steroidInjectionsPast12Months"] != nil { continue }
            let json = try Self.object(
                TestRouter.post(
                    "/v1/triage", String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)))
            let fhir = try Self.post(Self.items(for: body))
            #expect(fhir.status == .ok, "\(vignette["id"] ?? "")")
            let answer = try Self.object(fhir)
            #expect(answer["level"] as? String == json["level"] as? String, "\(vignette["id"] ?? "")")
            #expect(answer["level"] as? String == vignette["expectedLevel"] as? String, "\(vignette["id"] ?? "")")
            compared += 1
        }
        #expect(compared >= 40)
    }

    static let start =
        #"{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},{"linkId":"hours-since-injection","answer":[{"valueDecimal":3}]}"#

    @Test(arguments: [
        (
            #"{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]}"#,
            "hours-since-injection question"
        ),
        (start + #",{"linkId":"severity-headache","answer":[{"valueCoding":{"code":"severe"}}]}"#, "not answered yes"),
        (start + #",{"linkId":"symptom-hedache","answer":[{"valueBoolean":true}]}"#, "Unknown symptom question"),
        (
            start
                + #",{"linkId":"temperatureC","answer":[{"valueDecimal":38}]},{"linkId":"temperatureF","answer":[{"valueDecimal":100.4}]}"#,
            "two units"
        ),
        (
            #"{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},{"linkId":"hours-since-injection","answer":[{"valueDecimal":-1}]}"#,
            "Must be from"
        ),
        (start + #",{"linkId":"approach","answer":[{"valueCoding":{"code":"caudal"}}]}"#, "only for an epidural"),
    ])
    func badResponsesAre422WithAPointer(items: String, detail: String) throws {
        let response = TestRouter.post(
            "/v1/triage", #"{"resourceType":"QuestionnaireResponse","item":["# + items + "]}",
            contentType: "application/fhir+json")
        #expect(response.status == .unprocessableContent)
        let errors = try #require(try Self.object(response)["errors"] as? [[String: Any]])
        #expect(errors.contains { ($0["detail"] as? String)?.contains(detail) == true }, "\(errors)")
        #expect(errors.allSatisfy { ($0["pointer"] as? String)?.hasPrefix("/item") == true })
    }
}

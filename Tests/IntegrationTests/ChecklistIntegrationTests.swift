import Foundation
import Testing

/// Checklists and the readiness review of the real server, through libcurl.
struct ChecklistIntegrationTests {
    func object(_ response: CurlClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test func checklistsForEveryPhaseAndTheirErrors() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        for phase in ["pre-procedure", "day-of-procedure", "post-procedure"] {
            let response = try client.request(
                "GET",
                "\(server.baseURL)/v1/checklists/\(phase)?injection=trigger-point&conditions=anticoagulant&sedation=true"
            )
            #expect(response.status == 200, "\(phase)")
            let items = try #require(try object(response)["items"] as? [[String: Any]])
            #expect(!items.isEmpty)
            #expect(items.allSatisfy { ($0["sources"] as? [String])?.isEmpty == false })
            let etag = try #require(response.header("ETag"))
            let again = try client.request(
                "GET",
                "\(server.baseURL)/v1/checklists/\(phase)?injection=trigger-point&conditions=anticoagulant&sedation=true",
                headers: ["If-None-Match: \(etag)"])
            #expect(again.status == 304)
        }
        let post = try object(
            try client.request("GET", "\(server.baseURL)/v1/checklists/post-procedure?injection=facet-joint"))
        let warnings = (post["items"] as? [[String: Any]] ?? []).filter { $0["category"] as? String == "when-to-call" }
        #expect(!warnings.isEmpty)
        #expect(
            try client.request("GET", "\(server.baseURL)/v1/checklists/tomorrow?injection=facet-joint").status == 404)
        let invalid = try client.request(
            "GET", "\(server.baseURL)/v1/checklists/pre-procedure?injection=facet-joint&conditions=diabetic")
        #expect(invalid.status == 422)
        #expect(invalid.text.contains("diabetes"))
        #expect(try client.request("GET", "\(server.baseURL)/v1/checklists/pre-procedure").status == 422)
    }

    @Test func reviewOverTheWire() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        func review(_ body: String, contentType: String = "application/json") throws -> CurlClient.Response {
            try client.request(
                "POST", "\(server.baseURL)/v1/checklists/pre-procedure/review",
                headers: ["Content-Type: \(contentType)"],
                upload: .fixed(Array(body.utf8)))
        }
        #expect(try object(try review(#"{"injection":"facet-joint"}"#))["decision"] as? String == "ready")
        #expect(
            try object(try review(#"{"injection":"facet-joint","temperatureC":38.0}"#))["decision"] as? String
                == "postpone")
        #expect(
            try object(try review(#"{"injection":"facet-joint","conditions":["antiplatelet"]}"#))["decision"] as? String
                == "discuss-with-provider")
        // Symptoms are triaged: the patient is told to seek care, not only to rebook.
        let bladder = try object(try review(#"{"injection":"facet-joint","symptoms":["bowel-bladder-loss"]}"#))
        #expect(bladder["decision"] as? String == "postpone")
        #expect((bladder["triage"] as? [String: Any])?["level"] as? String == "emergency")
        let pressure = try object(try review(#"{"injection":"facet-joint","systolicBloodPressure":210}"#))
        #expect(pressure["decision"] as? String == "postpone")
        #expect(pressure["triage"] == nil)
        let weakness = try object(
            try review(#"{"injection":"facet-joint","symptoms":["leg-weakness"],"hoursSinceInjection":2}"#))
        #expect(weakness["decision"] as? String == "ready")
        #expect((weakness["triage"] as? [String: Any])?["level"] as? String == "self-care")
        #expect(try review(#"{"injection":"facet-joint"}"#, contentType: "text/plain").status == 415)
        #expect(try review(#"{"injection":"facet-joint""#).status == 400)
        #expect(try review(#"{"injection":"facet-joint","temprature":38}"#).status == 422)
    }

    @Test func handoutAndFHIROverTheWire() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        let html = try client.request(
            "GET", "\(server.baseURL)/v1/checklists/post-procedure?injection=sacroiliac-joint",
            headers: ["Accept: text/html"])
        #expect(html.status == 200)
        #expect(html.header("Content-Type") == "text/html; charset=utf-8")
        #expect(html.text.contains("Call your local emergency number now"))
        #expect(!html.text.lowercased().contains("<script"))
        let questionnaire = try client.request(
            "GET", "\(server.baseURL)/v1/checklists/pre-procedure?injection=sacroiliac-joint",
            headers: ["Accept: application/fhir+json"])
        #expect(questionnaire.status == 200)
        #expect(questionnaire.header("Content-Type") == "application/fhir+json")
        #expect(try object(questionnaire)["resourceType"] as? String == "Questionnaire")
        let answer =
            #"{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"sacroiliac-joint"}}]},{"linkId":"conditions","item":[{"linkId":"condition-bleeding-disorder","answer":[{"valueBoolean":true}]}]}]}"#
        let review = try client.request(
            "POST", "\(server.baseURL)/v1/checklists/pre-procedure/review",
            headers: ["Content-Type: application/fhir+json"],
            upload: .fixed(Array(answer.utf8)))
        #expect(review.status == 200)
        #expect(try object(review)["decision"] as? String == "postpone")
        let symptoms =
            #"{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},{"linkId":"new-symptoms","answer":[{"valueBoolean":true}]},{"linkId":"symptoms","answer":[{"valueCoding":{"code":"chest-pain"}},{"valueCoding":{"code":"difficulty-breathing"}}]}]}"#
        let triaged = try object(
            try client.request(
                "POST", "\(server.baseURL)/v1/checklists/pre-procedure/review",
                headers: ["Content-Type: application/fhir+json"],
                upload: .fixed(Array(symptoms.utf8))))
        #expect(triaged["decision"] as? String == "postpone")
        #expect((triaged["triage"] as? [String: Any])?["level"] as? String == "emergency")
    }
}

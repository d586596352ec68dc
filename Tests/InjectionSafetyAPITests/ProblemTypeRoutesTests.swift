import Foundation
import HTTPServer
import Testing

@testable import InjectionSafetyAPI

/// Each problem `type` the API answers with resolves to a page saying what it
/// means and how to fix the request.
struct ProblemTypeRoutesTests {
    @Test(arguments: ProblemType.allCases)
    func everyTypeHasAJSONAndAnHTMLPage(type: ProblemType) throws {
        let json = TestRouter.respond(.get, type.uri)
        #expect(json.status == .ok)
        #expect(json.contentType == "application/json")
        let page = try #require(try JSONSerialization.jsonObject(with: Data(json.body)) as? [String: Any])
        #expect(page["type"] as? String == type.uri)
        #expect(page["status"] as? Int == type.status.code)
        #expect((page["fix"] as? String)?.isEmpty == false && (page["meaning"] as? String)?.isEmpty == false)
        let html = TestRouter.respond(.get, type.uri, headers: [("Accept", "text/html")])
        #expect(html.status == .ok)
        #expect(html.contentType.hasPrefix("text/html"))
        #expect(String(decoding: html.body, as: UTF8.self).contains("How to fix the request"))
    }

    /// The problems real bad requests get name types whose pages exist.
    @Test func theTypesOfRealProblemsResolve() throws {
        let responses = [
            TestRouter.respond(.get, "/v1/side-effects?limit=0"),
            TestRouter.respond(.get, "/v1/side-effects/no-such-thing"),
            TestRouter.post("/v1/triage", "{"),
            TestRouter.post("/v1/triage", #"{"injection":"x","hoursSinceInjection":1}"#),
            TestRouter.post("/v1/triage", "{}", contentType: "text/plain"),
            TestRouter.post(
                "/cds-services/spinal-injection-order-review",
                #"{"hook":"patient-view","hookInstance":"x","context":{"patientId":"p1"}}"#),
            TestRouter.post(
                "/cds-services/spinal-injection-order-review",
                #"{"hook":"order-sign","hookInstance":"x","context":{"patientId":"p1"}}"#),
            TestRouter.respond(
                .get, "/v1/checklists/day-of-procedure?injection=facet-joint",
                headers: [("Accept", "application/fhir+json")]),
        ]
        var seen: Set<String> = []
        for response in responses {
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let type = try #require(problem["type"] as? String)
            seen.insert(type)
            #expect(TestRouter.respond(.get, type).status == .ok, "\(type)")
            #expect(problem["title"] as? String == ProblemType.allCases.first { $0.uri == type }?.title)
        }
        #expect(seen == Set(ProblemType.allCases.map(\.uri)))
        let unknown = TestRouter.respond(.get, "/problems/no-such-problem")
        #expect(unknown.status == .notFound)
        let list = try #require(
            try JSONSerialization.jsonObject(with: Data(TestRouter.respond(.get, "/problems").body)) as? [String: Any])
        #expect((list["items"] as? [Any])?.count == ProblemType.allCases.count)
    }
}

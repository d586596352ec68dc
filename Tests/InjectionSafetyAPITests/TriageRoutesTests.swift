import Foundation
import HTTPServer
import Testing

@testable import InjectionSafetyAPI

/// `POST /v1/triage`: strict decoding, every problem reported with a pointer.
struct TriageRoutesTests {
    func post(_ body: String, contentType: String? = "application/json") -> HTTPResponse {
        TestRouter.post("/v1/triage", body, contentType: contentType)
    }

    func pointers(_ response: HTTPResponse) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
    }

    @Test func answersWithLevelReasonsAndDisclaimer() throws {
        let response = post(#"{"injection":"facet-joint","hoursSinceInjection":2,"symptoms":["seizure"]}"#)
        #expect(response.status == .ok)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(object["level"] as? String == "emergency")
        #expect((object["reasons"] as? [[String: Any]])?.first?["ruleId"] as? String == "stroke-signs")
        #expect(object["disclaimer"] is String)
    }

    @Test(arguments: [nil, "text/plain", "application/jsonx", "multipart/form-data"])
    func nonJSONContentTypeIs415(_ contentType: String?) {
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":2}"#, contentType: contentType).status == .unsupportedMediaType)
    }

    @Test func charsetAndCaseAreAccepted() {
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":2}"#, contentType: "Application/JSON; charset=utf-8").status == .ok)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":01}", "{\"injection\":\"facet-joint\"} x", "nul", "\"\\ud800\""])
    func malformedJSONIs400(_ body: String) {
        let response = post(body)
        #expect(response.status == .badRequest, "\(body)")
        #expect(response.contentType == "application/problem+json")
    }

    @Test func deepNestingIsRefusedWithoutRecursingFar() {
        let body = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(post(body).status == .badRequest)
    }

    @Test func everyProblemIsReportedTogether() throws {
        let response = post(
            #"{"injection":"facet-joint","approach":"caudal","hoursSinceInjection":-1,"temperatureC":null,"#
                + #""symptoms":["leg-pain",{"code":"leg-pain","severity":"severe"},{"code":"nope"},7],"#
                + #""steroidInjectionsPast12Months":2.5,"conditions":["diabetes","diabetes"],"temperature":39}"#)
        #expect(response.status == .unprocessableContent)
        let found = Set(try pointers(response))
        for pointer in [
            "/approach", "/hoursSinceInjection", "/temperatureC", "/symptoms/1", "/symptoms/2/code", "/symptoms/3",
            "/steroidInjectionsPast12Months", "/conditions/1", "/temperature",
        ] {
            #expect(found.contains(pointer), "\(pointer) missing from \(found)")
        }
    }

    @Test func duplicateKeyIsRefused() throws {
        let response = post(#"{"injection":"facet-joint","hoursSinceInjection":2,"hoursSinceInjection":3}"#)
        #expect(response.status == .unprocessableContent)
        #expect(try pointers(response) == ["/hoursSinceInjection"])
    }

    /// The unknown name is echoed, escaped, in the pointer: a long one with a quote
    /// near its start once overran the escaper's eight-byte word and killed the server.
    @Test func longUnknownFieldNameThatNeedsEscapingIs422() throws {
        let name = "x\\\"" + String(repeating: "a", count: 3000)
        let response = post(#"{"injection":"facet-joint","hoursSinceInjection":2,""# + name + #"":1}"#)
        #expect(response.status == .unprocessableContent)
        #expect(try pointers(response) == ["/x\"" + String(repeating: "a", count: 3000)])
    }

    @Test func tooManySymptomsIsRefused() throws {
        let symptoms = Array(repeating: #""nausea""#, count: 65).joined(separator: ",")
        let response = post(#"{"injection":"facet-joint","hoursSinceInjection":2,"symptoms":[\#(symptoms)]}"#)
        #expect(try pointers(response) == ["/symptoms"])
    }

    @Test func boundariesOfNumbers() {
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":0}"#).status == .ok)
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":87600}"#).status == .ok)
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":87600.5}"#).status == .unprocessableContent)
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":1,"temperatureC":45}"#).status == .ok)
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":1,"temperatureC":24.9}"#).status == .unprocessableContent)
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":1,"bloodGlucoseMgDl":2001}"#).status == .unprocessableContent)
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":1,"steroidInjectionsPast12Months":53}"#).status == .unprocessableContent)
    }

    @Test func identicalDuplicateSymptomsAreAccepted() {
        #expect(post(#"{"injection":"facet-joint","hoursSinceInjection":2,"symptoms":["nausea","nausea"]}"#).status == .ok)
    }

    @Test func wrongTopLevelTypeIs422() throws {
        let response = post("[1,2]")
        #expect(response.status == .unprocessableContent)
        #expect(try pointers(response) == [""])
    }
}

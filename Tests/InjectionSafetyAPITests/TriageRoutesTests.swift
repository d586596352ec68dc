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
        #expect(
            post(#"{"injection":"facet-joint","hoursSinceInjection":2}"#, contentType: contentType).status
                == .unsupportedMediaType)
    }

    @Test func charsetAndCaseAreAccepted() {
        #expect(
            post(
                #"{"injection":"facet-joint","hoursSinceInjection":2}"#, contentType: "Application/JSON; charset=utf-8"
            ).status == .ok)
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

    /// In a symptom object a member given twice is refused at its second place,
    /// and an unknown one at each of its places.
    @Test func duplicateMemberOfASymptomIsRefused() throws {
        let response = post(
            #"{"injection":"facet-joint","hoursSinceInjection":2,"symptoms":["#
                + #"{"code":"nausea","severity":"mild","severity":"severe"},{"code":"headache","x":1,"x":2}]}"#)
        #expect(response.status == .unprocessableContent)
        #expect(try pointers(response) == ["/symptoms/0/severity", "/symptoms/1/x", "/symptoms/1/x"])
        #expect(String(decoding: response.body, as: UTF8.self).contains("more than once"))
    }

    /// A symptom given twice must say the same both times.
    @Test func sameSymptomWithDifferentDetailsIsRefused() throws {
        let response = post(
            #"{"injection":"facet-joint","hoursSinceInjection":2,"symptoms":["#
                + #""fever",{"code":"nausea","severity":"mild"},{"code":"nausea","severity":"severe"}]}"#)
        #expect(try pointers(response) == ["/symptoms/2"])
        #expect(String(decoding: response.body, as: UTF8.self).contains("/symptoms/1 with different details"))
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
        #expect(
            post(#"{"injection":"facet-joint","hoursSinceInjection":1,"temperatureC":24.9}"#).status
                == .unprocessableContent)
        #expect(
            post(#"{"injection":"facet-joint","hoursSinceInjection":1,"bloodGlucoseMgDl":2001}"#).status
                == .unprocessableContent)
        #expect(
            post(#"{"injection":"facet-joint","hoursSinceInjection":1,"steroidInjectionsPast12Months":53}"#).status
                == .unprocessableContent)
    }

    @Test func identicalDuplicateSymptomsAreAccepted() {
        #expect(
            post(#"{"injection":"facet-joint","hoursSinceInjection":2,"symptoms":["nausea","nausea"]}"#).status == .ok)
    }

    @Test func wrongTopLevelTypeIs422() throws {
        let response = post("[1,2]")
        #expect(response.status == .unprocessableContent)
        #expect(try pointers(response) == [""])
    }
}

/// Contract v2 fields through the API: `new` on a symptom, `sedation`, and a
/// region that contradicts the injection; the rule book reads the new nodes.
struct TriageContractV2RoutesTests {
    func level(_ body: String) throws -> String? {
        let response = TestRouter.post("/v1/triage", body, contentType: "application/json")
        #expect(response.status == .ok, "\(String(decoding: response.body, as: UTF8.self))")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return object["level"] as? String
    }

    func problems(_ body: String) throws -> [[String: Any]] {
        let response = TestRouter.post("/v1/triage", body, contentType: "application/json")
        #expect(response.status == .unprocessableContent)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return object["errors"] as? [[String: Any]] ?? []
    }

    @Test func newFalseReachesTheEngine() throws {
        let old =
            #"{"injection":"medial-branch-block","region":"lumbar","hoursSinceInjection":36,"symptoms":[{"code":"leg-weakness","new":false}]}"#
        #expect(try level(old) == "contact-provider")
        let fresh =
            #"{"injection":"medial-branch-block","region":"lumbar","hoursSinceInjection":36,"symptoms":[{"code":"leg-weakness","new":true}]}"#
        #expect(try level(fresh) == "emergency")
        let worse =
            #"{"injection":"medial-branch-block","region":"lumbar","hoursSinceInjection":36,"symptoms":[{"code":"leg-weakness","new":false,"worsening":true}]}"#
        #expect(try level(worse) == "emergency")
    }

    @Test func newMustBeABoolean() throws {
        let errors = try problems(
            #"{"injection":"facet-joint","hoursSinceInjection":3,"symptoms":[{"code":"nausea","new":"no"}]}"#)
        #expect(errors.contains { $0["pointer"] as? String == "/symptoms/0/new" })
    }

    @Test func theSameSymptomTwiceMustAgreeOnNew() throws {
        let errors = try problems(
            #"{"injection":"facet-joint","hoursSinceInjection":3,"symptoms":[{"code":"nausea","new":false},"nausea"]}"#)
        #expect(errors.contains { $0["pointer"] as? String == "/symptoms/1" })
    }

    @Test func sedationReachesTheEngine() throws {
        let body =
            #"{"injection":"sacroiliac-joint","hoursSinceInjection":5,"symptoms":[{"code":"drowsiness","severity":"mild"}]"#
        #expect(try level(body + #","sedation":true}"#) == "self-care")
        #expect(try level(body + #","sedation":false}"#) == "urgent")
        #expect(try level(body + "}") == "urgent")
    }

    @Test(arguments: [
        (#""injection":"sacroiliac-joint","region":"lumbar""#, "sacroiliac"),
        (#""injection":"epidural-steroid","approach":"caudal","region":"cervical""#, "caudal"),
    ])
    func aRegionThatContradictsTheInjectionIs422(_ fields: String, _ word: String) throws {
        let errors = try problems("{\(fields),\"hoursSinceInjection\":3}")
        let region = try #require(errors.first { $0["pointer"] as? String == "/region" })
        #expect((region["detail"] as? String)?.contains(word) == true)
        #expect(region["validValues"] as? [String] == ["sacral"])
    }

    @Test func aSacralRegionIsFineWithEither() throws {
        #expect(
            try level(#"{"injection":"sacroiliac-joint","region":"sacral","hoursSinceInjection":3}"#) == "self-care")
        #expect(
            try level(
                #"{"injection":"epidural-steroid","approach":"caudal","region":"sacral","hoursSinceInjection":3}"#)
                == "self-care")
    }

    @Test func theRuleBookReadsEveryNodeTypeAndDefinition() throws {
        let response = TestRouter.respond(.get, "/v1/triage/rules")
        #expect(response.status == .ok)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let nodes = Set((object["nodeTypes"] as? [[String: Any]] ?? []).compactMap { $0["node"] as? String })
        for node in [
            "medicationNotGiven", "regionIs", "regionIsNot", "glucoseBelow", "systolicBelow", "sedated", "hoursAtMost",
            "definition",
        ] {
            #expect(nodes.contains(node), "\(node) not explained")
        }
        let definitions = object["definitions"] as? [[String: Any]] ?? []
        #expect(definitions.contains { $0["name"] as? String == "weakness-not-expected" })
        let rules = object["items"] as? [[String: Any]] ?? []
        let drowsiness = try #require(rules.first { $0["id"] as? String == "drowsiness-after-sedation" })
        #expect(
            drowsiness["reads"] as? String
                == "drowsiness reported and not severe and sedated and within 8 hours of the injection")
        let low = try #require(rules.first { $0["id"] as? String == "glucose-low" })
        #expect(low["reads"] as? String == "blood glucose below 70 mg/dL")
        #expect(rules.allSatisfy { ($0["reads"] as? String)?.isEmpty == false })
        let policy = try #require(object["preExistingSymptoms"] as? [String: Any])
        #expect(policy["highestLevel"] as? String == "contact-provider")
        #expect(policy["countWhateverHistory"] as? [String] == ["saddle-numbness", "bowel-bladder-loss"])
    }
}

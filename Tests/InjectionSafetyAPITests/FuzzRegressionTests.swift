import Foundation
import HTTPServer
import Testing

@testable import InjectionSafetyAPI

/// Inputs the fuzzers (`Fuzz/`, `HARDENING.md`) found, kept as tests of the
/// routes they broke.
struct FuzzRegressionTests {
    func post(_ target: String, _ body: [UInt8], contentType: String) -> HTTPResponse {
        TestRouter.post(target, String(decoding: body, as: UTF8.self), contentType: contentType)
    }

    func pointers(_ response: HTTPResponse) throws -> [[Unicode.Scalar]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
            .map { Array($0.unicodeScalars) }
    }

    /// FuzzTriageJSON: a member name with `~` or `/` followed by a combining
    /// mark came back unescaped in its pointer (`/~́`), which is not RFC 6901
    /// and, for `/`, points somewhere else.
    @Test(arguments: [
        ("~\u{301}", "/~0\u{301}"),
        ("/\u{301}", "/~1\u{301}"),
        ("a/\u{301}~\u{301}b", "/a~1\u{301}~0\u{301}b"),
    ])
    func memberNamesAreEscapedScalarByScalar(name: String, pointer: String) throws {
        var body = Array(#"{"injection":"facet-joint","hoursSinceInjection":1,""#.utf8)
        body += Array(name.utf8) + Array(#"":1}"#.utf8)
        for target in ["/v1/triage", "/v1/checklists/pre-procedure/review"] {
            let response = post(target, body, contentType: "application/json")
            #expect(response.status == .unprocessableContent)
            #expect(try pointers(response) == [Array(pointer.unicodeScalars)], "\(target)")
        }
        var symptom = Array(#"{"injection":"facet-joint","hoursSinceInjection":1,"symptoms":[{"code":"nausea",""#.utf8)
        symptom += Array(name.utf8) + Array(#"":1}]}"#.utf8)
        let response = post("/v1/triage", symptom, contentType: "application/json")
        #expect(try pointers(response) == [Array("/symptoms/0\(pointer)".unicodeScalars)])
    }

    /// FuzzTriageJSON: a FHIR `valueInteger` too large for Int (1e19) trapped in
    /// the integer conversion before the range check and took the server down;
    /// now it is a 422 like any number outside 0–52.
    @Test(arguments: [
        "1e19", "-1e19", "9223372036854775807", "9223372036854775808", "123456789012345678901234567890", "1e308",
        "52.5",
    ])
    func hugeSteroidInjectionCountIs422(_ number: String) throws {
        let body =
            #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},"#
            + #"{"linkId":"steroid-injections","answer":[{"valueInteger":\#(number)}]}]}"#
        let response = post(
            "/v1/checklists/pre-procedure/review", Array(body.utf8), contentType: "application/fhir+json")
        #expect(response.status == .unprocessableContent)
        #expect(try pointers(response) == [Array("/item/1/answer/0/valueInteger".unicodeScalars)])
    }
}

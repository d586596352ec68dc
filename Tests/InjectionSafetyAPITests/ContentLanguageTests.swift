import HTTPServer
import Testing

@testable import InjectionSafetyAPI

/// Accept-Language is read; while English is the only language, every answer is
/// English and says so.
struct ContentLanguageTests {
    @Test func parsesRangesAndWeights() throws {
        let ranges = try #require(ContentLanguage.parse("da, en-GB;q=0.8, en;q=0.7, *;q=0"))
        #expect(ranges.map(\.tag) == ["da", "en-gb", "en", "*"])
        #expect(ranges.map(\.weight) == [1, 0.8, 0.7, 0])
    }

    @Test(arguments: ["", ",", "en;q=2", "en;q=x", "en;level=1", "e n", "englishlanguage", "en--gb", "ü"])
    func malformedHeadersAreIgnored(header: String) {
        #expect(ContentLanguage.parse(header) == nil)
        #expect(ContentLanguage.negotiate(acceptLanguage: header) == "en")
    }

    @Test(arguments: [
        ("en", "en"), ("en-GB", "en"), ("EN-us", "en"), ("fr", "en"), ("fr, de;q=0.5", "en"),
        ("*", "en"), ("fr, en;q=0.1", "en"), ("en;q=0, fr", "en"),
    ])
    func everyRequestIsAnsweredInEnglishForNow(header: String, expected: String) {
        #expect(ContentLanguage.negotiate(acceptLanguage: header) == expected)
    }

    @Test func responsesSayWhichLanguageTheyAreIn() {
        for target in ["/v1/side-effects", "/v1/injections", "/v1/checklists/pre-procedure?injection=facet-joint"] {
            let response = TestRouter.respond(.get, target, headers: [("Accept-Language", "fr-CA, fr;q=0.9")])
            #expect(response.status == .ok)
            #expect(response.header("Content-Language") == "en", "\(target)")
        }
        let triage = TestRouter.post("/v1/triage", #"{"injection":"facet-joint","hoursSinceInjection":2}"#)
        #expect(triage.header("Content-Language") == "en")
        let review = TestRouter.post("/v1/checklists/pre-procedure/review", #"{"injection":"facet-joint"}"#)
        #expect(review.header("Content-Language") == "en")
    }
}

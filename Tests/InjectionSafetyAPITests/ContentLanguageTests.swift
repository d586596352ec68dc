import HTTPFramework
import HTTPServer
import InjectionSafety
import Logging
import Testing

@testable import InjectionSafetyAPI

/// Accept-Language picks the language of the patient texts (English or
/// Spanish); every response with patient text says which it is in and that it
/// varies on the header, and its validator differs per language.
struct ContentLanguageTests {
    @Test func theTextsExistInEnglishAndSpanish() {
        #expect(ContentLanguage.available == ["en", "es"])
        #expect(TestRouter.shared.languages == ["en", "es"])
    }

    @Test func parsesRangesAndWeights() throws {
        let ranges = try #require(ContentLanguage.parse("da, en-GB;q=0.8, en;q=0.7, *;q=0"))
        #expect(ranges.map(\.tag) == ["da", "en-gb", "en", "*"])
        #expect(ranges.map(\.weight) == [1, 0.8, 0.7, 0])
    }

    @Test(arguments: [
        "", ",", "en;q=2", "en;q=x", "en;level=1", "e n", "englishlanguage", "en--gb", "ü", "es;q=1.0000",
    ])
    func malformedHeadersAreIgnored(header: String) {
        #expect(ContentLanguage.parse(header) == nil)
        #expect(ContentLanguage.negotiate(acceptLanguage: header) == "en")
    }

    @Test(arguments: [
        ("en", "en"), ("en-GB", "en"), ("EN-us", "en"), ("fr", "en"), ("fr, de;q=0.5", "en"), ("*", "en"),
        ("fr, en;q=0.1", "en"), ("en;q=0, fr", "en"),
        ("es", "es"), ("es-US", "es"), ("es-419", "es"), ("ES-mx", "es"), ("fr, es;q=0.5", "es"),
        ("es;q=0.4, en;q=0.8", "en"), ("en;q=0.4, es;q=0.8", "es"), ("es, en", "es"), ("en, es", "en"),
        ("es;q=0, en;q=0.1", "en"), ("es;q=0", "en"), ("pt-BR, es-419;q=0.9, en;q=0.8", "es"),
    ])
    func theHighestWeightedLanguageTheTextsExistInIsPicked(header: String, expected: String) {
        #expect(ContentLanguage.negotiate(acceptLanguage: header) == expected)
    }

    @Test func aClinicsDefaultLanguageAnswersARequestThatNamesNone() {
        #expect(ContentLanguage.negotiate(acceptLanguage: nil, defaultLanguage: "es") == "es")
        #expect(ContentLanguage.negotiate(acceptLanguage: "fr", defaultLanguage: "es") == "es")
        #expect(ContentLanguage.negotiate(acceptLanguage: "*", defaultLanguage: "es") == "es")
        #expect(ContentLanguage.negotiate(acceptLanguage: "en", defaultLanguage: "es") == "en")
    }

    /// A clinic whose profile says Spanish: a request that names no language
    /// the texts exist in gets Spanish; one that asks for English gets English.
    @Test func aClinicProfilesDefaultLanguageIsServed() throws {
        let profile = try ClinicProfileFile.parse("name: Clínica Sol\ndefaultLanguage: es\n")
        let router = try Application.makeRouter(
            knowledgeBase: try KnowledgeBase.bundled(profile: profile),
            translations: try KnowledgeBase.bundledTranslations(profile: profile))
        #expect(router.languages == ["es", "en"])
        for (header, language) in [(nil, "es"), ("fr", "es"), ("*", "es"), ("en-US", "en"), ("es-MX", "es")] {
            var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
            let request = HTTPRequest(
                method: .get, target: "/v1/symptoms",
                headers: HTTPHeaders(header.map { [("Accept-Language", $0)] } ?? []))
            #expect(
                router.respond(to: request, context: &context).header("Content-Language") == language,
                "\(header ?? "none")")
        }
    }

    static let localized = [
        "/v1/side-effects", "/v1/side-effects?q=headache", "/v1/side-effects/epidural-hematoma", "/v1/injections",
        "/v1/injections/facet-joint", "/v1/symptoms", "/v1/conditions", "/v1/triage/rules",
        "/v1/checklists/pre-procedure?injection=facet-joint",
        "/v1/checklists/post-procedure?injection=facet-joint&format=html",
    ]

    @Test func responsesWithPatientTextSayWhichLanguageAndVary() {
        for target in Self.localized {
            for (header, language) in [(nil, "en"), ("fr-CA, fr;q=0.9", "en"), ("es-US, es;q=0.9", "es")] {
                let response = TestRouter.respond(.get, target, headers: header.map { [("Accept-Language", $0)] } ?? [])
                #expect(response.status == .ok, "\(target)")
                #expect(response.header("Content-Language") == language, "\(target) \(header ?? "none")")
                #expect(response.header("Vary")?.contains("Accept-Language") == true, "\(target)")
            }
        }
        for (header, language) in [("en", "en"), ("es", "es")] {
            let triage = TestRouter.post(
                "/v1/triage", #"{"injection":"facet-joint","hoursSinceInjection":2}"#,
                headers: [("Accept-Language", header)])
            #expect(triage.header("Content-Language") == language)
            #expect(triage.header("Vary") == "Accept-Language")
            let review = TestRouter.post(
                "/v1/checklists/pre-procedure/review", #"{"injection":"facet-joint"}"#,
                headers: [("Accept-Language", header)])
            #expect(review.header("Content-Language") == language)
            #expect(review.header("Vary") == "Accept-Language")
        }
    }

    /// One Vary field names both headers a document varies on.
    @Test func varyNamesAcceptAndAcceptLanguageOnce() {
        let response = TestRouter.respond(.get, "/v1/checklists/pre-procedure?injection=facet-joint")
        #expect(response.headers.filter { $0.name == "Vary" }.map(\.value) == ["Accept, Accept-Language"])
    }

    /// Texts without patient text (health, problems, the API document, the
    /// clinic profile, the sources) are the same in every language and say none.
    @Test func responsesWithoutPatientTextDoNotVary() {
        for target in ["/healthz", "/openapi.yaml", "/v1/clinic", "/v1/sources", "/problems", "/v1/nothing-here"] {
            let response = TestRouter.respond(.get, target, headers: [("Accept-Language", "es")])
            #expect(response.header("Content-Language") == nil, "\(target)")
            #expect(response.header("Vary")?.contains("Accept-Language") != true, "\(target)")
        }
    }

    @Test func theValidatorDiffersPerLanguage() throws {
        for target in Self.localized {
            let english = TestRouter.respond(.get, target)
            let spanish = TestRouter.respond(.get, target, headers: [("Accept-Language", "es")])
            let englishTag = try #require(english.header("ETag"), "\(target)")
            let spanishTag = try #require(spanish.header("ETag"), "\(target)")
            #expect(englishTag != spanishTag, "\(target)")
            #expect(english.body != spanish.body, "\(target)")
            // A client holding the English copy gets the Spanish one in full, and 304 for its own.
            let asked = TestRouter.respond(
                .get, target, headers: [("Accept-Language", "es"), ("If-None-Match", englishTag)])
            #expect(asked.status == .ok, "\(target)")
            let again = TestRouter.respond(
                .get, target, headers: [("Accept-Language", "es"), ("If-None-Match", spanishTag)])
            #expect(again.status == .notModified, "\(target)")
            #expect(
                again.header("Content-Language") == "es" && again.header("Vary")?.contains("Accept-Language") == true)
        }
    }

    /// The data's version names the reviewed data (English and every
    /// translation), whatever language it is served in.
    @Test func theKnowledgeBaseVersionIsTheSameInEveryLanguage() {
        #expect(TestRouter.translations.map(\.version) == [TestRouter.knowledgeBase.version])
        #expect(TestRouter.translations.map(\.cacheIdentity) != [TestRouter.knowledgeBase.cacheIdentity])
    }

    @Test(arguments: [
        ("dolor de cabeza", "post-dural-puncture-headache"), ("piernas adormecidas", "nerve-injury"),
        ("fiebre", "local-infection"), ("sangrado", "epidural-hematoma"),
    ])
    func searchWorksInSpanish(query: String, expected: String) throws {
        let target = "/v1/side-effects?q=" + query.replacingOccurrences(of: " ", with: "%20")
        let response = TestRouter.respond(.get, target, headers: [("Accept-Language", "es")])
        let body = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == .ok)
        #expect(body.contains(#""id":"\#(expected)""#), "\(query)")
    }

    /// Patients often type without accents, or with decomposed ones: the same results.
    @Test func searchIgnoresAccentsAndCase() throws {
        func ids(_ query: String) -> String {
            let response = TestRouter.respond(.get, "/v1/side-effects?q=" + query, headers: [("Accept-Language", "es")])
            let body = String(decoding: response.body, as: UTF8.self)
            return body.matches(of: /"id":"([a-z-]+)"/).map { String($0.output.1) }.joined(separator: ",")
        }
        let accented = ids("n%C3%A1useas")  // náuseas
        #expect(!accented.isEmpty)
        #expect(ids("nauseas") == accented)
        #expect(ids("NAUSEAS") == accented)
        #expect(ids("na%CC%81useas") == accented)  // a + U+0301
        #expect(
            SideEffectQuery.fold("Adormecimiento en la INGLE, pequeña, ÜÑÍ, ß, æ")
                == "adormecimiento en la ingle, pequena, uni, ß, æ")
    }

    @Test func aTriageAnswerInSpanishHasSpanishText() {
        let body = #"{"injection":"epidural-steroid","hoursSinceInjection":30,"symptoms":["leg-numbness"]}"#
        let english = String(decoding: TestRouter.post("/v1/triage", body).body, as: UTF8.self)
        let spanish = String(
            decoding: TestRouter.post("/v1/triage", body, headers: [("Accept-Language", "es-419")]).body,
            as: UTF8.self)
        #expect(english.contains(TestRouter.knowledgeBase.patientTexts.disclaimer))
        #expect(spanish.contains(TestRouter.translations[0].patientTexts.disclaimer))
        #expect(!spanish.contains(TestRouter.knowledgeBase.patientTexts.disclaimer))
        // The same decision: level and rules.
        func level(_ text: String) -> Substring? {
            text.firstRange(of: #""level":""#).map { text[$0.upperBound...].prefix { $0 != "\"" } }
        }
        #expect(level(english) != nil && level(english) == level(spanish))
    }
}

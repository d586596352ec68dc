import Foundation
import HTTPServer
import InjectionSafety
import Testing

@testable import InjectionSafetyAPI

/// The catalogue endpoints over the shipped knowledge base.
struct CatalogueRoutesTests {
    func json(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    func ids(_ response: HTTPResponse) throws -> [String] {
        let items = try #require(try json(response)["items"] as? [[String: Any]])
        return items.compactMap { $0["id"] as? String }
    }

    @Test(arguments: ["/v1/injections", "/v1/symptoms", "/v1/conditions", "/v1/sources", "/v1/side-effects"])
    func listsAreObjectsWithItemsAndVersion(_ path: String) throws {
        let response = TestRouter.respond(.get, path)
        #expect(response.status == .ok)
        let body = try json(response)
        #expect((body["items"] as? [Any])?.isEmpty == false)
        #expect(body["knowledgeBaseVersion"] as? String == TestRouter.knowledgeBase.version)
        #expect(response.header("ETag")?.hasPrefix("\"") == true)
        #expect(response.header("Cache-Control") == "public, max-age=300")
        // The sources are publications with their own titles: in no language of ours.
        #expect(response.header("Content-Language") == (path == "/v1/sources" ? nil : "en"))
    }

    @Test func injectionListsItsSideEffects() throws {
        let response = TestRouter.respond(.get, "/v1/injections/trigger-point")
        let body = try json(response)
        #expect(body["id"] as? String == "trigger-point")
        let effects = try #require(body["sideEffects"] as? [String])
        #expect(effects.contains("pneumothorax"))
        #expect(body["knowledgeBaseVersion"] as? String == TestRouter.knowledgeBase.version)
    }

    @Test func sideEffectByID() throws {
        let response = TestRouter.respond(.get, "/v1/side-effects/epidural-hematoma")
        let body = try json(response)
        #expect(body["id"] as? String == "epidural-hematoma")
        #expect(body["usualLevel"] as? String == "emergency")
        #expect((body["sources"] as? [String])?.isEmpty == false)
    }

    /// Each source says what kind of publication it is.
    @Test func sourcesCarryTheirEvidenceKind() throws {
        let items = try #require(try json(TestRouter.respond(.get, "/v1/sources"))["items"] as? [[String: Any]])
        #expect(items.count == TestRouter.knowledgeBase.sources.count)
        let kinds = Set(EvidenceKind.allCases.map(\.rawValue))
        for item in items {
            #expect(kinds.contains(item["evidence"] as? String ?? ""), "\(item["id"] ?? "?")")
        }
        let evidence = Dictionary(
            uniqueKeysWithValues: items.map { ($0["id"] as? String ?? "", $0["evidence"] as? String) })
        #expect(evidence["fda-2014-epidural-steroid-warning"] == "regulator")
        #expect(evidence["asra-2015-interventional-spine-anticoagulation"] == "guideline")
        #expect(evidence["laban-2007-epidural-hematoma"] == "peer-reviewed")
        #expect(evidence["nhs-plymouth-sacroiliac-joint-injection"] == "clinic-leaflet")
        #expect(evidence["wikipedia-post-dural-puncture-headache"] == "secondary-copy")
    }

    /// Patients read the catalogue: no clinician note, and self-care as
    /// strings that read true for anyone (the lines for a named condition say
    /// so; a line withheld from some conditions is left out, since the
    /// catalogue does not know the reader's).
    @Test func catalogueLeavesOutClinicianNotesAndConditionalAdvice() throws {
        for path in ["/v1/side-effects?limit=100", "/v1/injections"] {
            let text = String(decoding: TestRouter.respond(.get, path).body, as: UTF8.self)
            #expect(!text.contains("reviewNote"), "\(path)")
        }
        let body = try json(TestRouter.respond(.get, "/v1/side-effects/injection-site-pain"))
        let advice = try #require(body["selfCare"] as? [String])
        let effect = try #require(TestRouter.knowledgeBase.sideEffect(.injectionSitePain))
        #expect(advice == effect.selfCare.filter(\.unlessConditions.isEmpty).map(\.text))
        #expect(advice.contains { $0.hasPrefix("If you take a blood thinner") })
        #expect(!advice.contains { $0.contains("you can try ibuprofen") })
        #expect(effect.selfCare.contains { $0.text.contains("you can try ibuprofen") })
    }

    @Test(arguments: ["/v1/side-effects/no-such-thing", "/v1/injections/spinal-tap"])
    func unknownIDIs404Problem(_ path: String) {
        let response = TestRouter.respond(.get, path)
        #expect(response.status == .notFound)
        #expect(response.contentType == "application/problem+json")
    }

    @Test func ifNoneMatchGives304WithoutBody() throws {
        let first = TestRouter.respond(.get, "/v1/symptoms")
        let etag = try #require(first.header("ETag"))
        let second = TestRouter.respond(.get, "/v1/symptoms", headers: [("If-None-Match", "\"other\", W/\(etag)")])
        #expect(second.status == .notModified)
        #expect(second.body.isEmpty)
        #expect(second.header("ETag") == etag)
        let stale = TestRouter.respond(.get, "/v1/symptoms", headers: [("If-None-Match", "\"other\"")])
        #expect(stale.status == .ok)
    }

    @Test func filtersNarrowTheCatalogue() throws {
        let steroid = try ids(TestRouter.respond(.get, "/v1/side-effects?medication=corticosteroid&limit=100"))
        #expect(steroid.contains("hyperglycemia") && !steroid.contains("local-anesthetic-toxicity"))
        let emergencies = try ids(TestRouter.respond(.get, "/v1/side-effects?level=emergency&limit=100"))
        for id in emergencies {
            #expect(TestRouter.knowledgeBase.sideEffect(SideEffectID(rawValue: id)!)?.usualLevel == .emergency)
        }
        #expect(emergencies.contains("epidural-hematoma"))
        let seed = try ids(TestRouter.respond(.get, "/v1/side-effects?seed=true&limit=100"))
        #expect(Set(seed) == Set(KnowledgeBase.seedSideEffects.map(\.rawValue)))
        let trigger = try ids(TestRouter.respond(.get, "/v1/side-effects?injection=trigger-point&limit=100"))
        #expect(trigger.contains("pneumothorax"))
        #expect(!trigger.contains("post-dural-puncture-headache"))
        let rare = try ids(TestRouter.respond(.get, "/v1/side-effects?frequency=rare,very-rare&limit=100"))
        #expect(!rare.isEmpty && !rare.contains("injection-site-pain"))
    }

    @Test func searchFindsTemporaryNumbnessFromEverydayWords() throws {
        let found = try ids(TestRouter.respond(.get, "/v1/side-effects?q=numb%20legs"))
        #expect(found.contains("temporary-numbness-weakness"))
        let upper = try ids(TestRouter.respond(.get, "/v1/side-effects?q=NUMB+LEGS"))
        #expect(upper == found)
        let nothing = TestRouter.respond(.get, "/v1/side-effects?q=zzzzqqq")
        #expect(nothing.status == .ok)
        #expect(try ids(nothing).isEmpty)
        #expect(try json(nothing)["nextCursor"] is NSNull)
    }

    /// The first page without parameters is built once; its `Link` is the same as a
    /// computed one, and on another spelling of the path it names that path.
    @Test func firstPageLinkLeadsToTheSecondPage() throws {
        let first = TestRouter.respond(.get, "/v1/side-effects")
        let cursor = try #require(try json(first)["nextCursor"] as? String)
        #expect(first.header("Link") == "</v1/side-effects?cursor=\(cursor)>; rel=\"next\"")
        let second = TestRouter.respond(.get, "/v1/side-effects?cursor=\(cursor)")
        #expect(second.status == .ok)
        #expect(Set(try ids(first)).isDisjoint(with: try ids(second)))
        #expect(!(try ids(second)).isEmpty)
        // A trailing slash is another spelling: redirected to the one path, the query kept.
        let slash = TestRouter.respond(.get, "/v1/side-effects/?limit=7")
        #expect(slash.status.code == 308)
        #expect(slash.header("Location") == "/v1/side-effects?limit=7")
    }

    @Test func paginationWalksToTheEndWithoutGapsOrDuplicates() throws {
        var seen: [String] = []
        var target = "/v1/side-effects?limit=7"
        var pages = 0
        while pages < 20 {
            let response = TestRouter.respond(.get, target)
            #expect(response.status == .ok)
            let body = try json(response)
            seen += try ids(response)
            pages += 1
            guard let cursor = body["nextCursor"] as? String else {
                #expect(response.header("Link") == nil)
                break
            }
            let link = try #require(response.header("Link"))
            #expect(link.hasSuffix(">; rel=\"next\""))
            #expect(link.contains("cursor=\(cursor)") && link.contains("limit=7"))
            target = "/v1/side-effects?limit=7&cursor=\(cursor)"
        }
        #expect(seen == TestRouter.knowledgeBase.sideEffects.map(\.id.rawValue))
        #expect(pages == (seen.count + 6) / 7)
    }

    @Test(arguments: [
        ("injection=spinal-tap", "injection"), ("medication=aspirin", "medication"), ("frequency=often", "frequency"),
        ("level=soon", "level"), ("seed=yes", "seed"), ("limit=0", "limit"), ("limit=101", "limit"),
        ("limit=+5", "limit"),
        ("cursor=garbage", "cursor"), ("colour=red", "colour"), ("limit=5&limit=6", "limit"), ("q=%20", "q"),
        // Circled letter A: alphabetic, but a symbol (So), not a letter (L).
        ("q=%E2%92%B6", "q"),
        // 201 code points (JSON Schema's length), though only 101 characters.
        ("q=" + String(repeating: "e%CC%81", count: 100) + "a", "q"),
        ("q=" + String(repeating: "a", count: 200) + "%20", "q"),
    ])
    func badQueryIs422NamingTheParameter(query: String, parameter: String) throws {
        let response = TestRouter.respond(.get, "/v1/side-effects?\(query)")
        #expect(response.status == .unprocessableContent)
        #expect(response.contentType == "application/problem+json")
        let errors = try #require(try json(response)["errors"] as? [[String: Any]])
        #expect(errors.contains { $0["field"] as? String == parameter }, "\(errors)")
    }

    /// `q` as openapi.yaml has it: 1 to 200 code points with a letter or digit of any script.
    @Test(arguments: [
        "q=%C3%A9", "q=%E6%BC%A2", "q=%C2%BD", "q=" + String(repeating: "a", count: 199) + "%20", "q=%20x%20",
    ])
    func searchTextIsAccepted(query: String) {
        #expect(TestRouter.respond(.get, "/v1/side-effects?\(query)").status == .ok, "\(query)")
    }

    @Test func unknownCodeListsValidValues() throws {
        let response = TestRouter.respond(.get, "/v1/side-effects?injection=spinal-tap")
        let errors = try #require(try json(response)["errors"] as? [[String: Any]])
        let valid = try #require(errors.first?["validValues"] as? [String])
        #expect(valid == InjectionType.allCases.map(\.rawValue))
    }

    @Test func cursorFromAnotherQueryIsRejected() throws {
        let first = try json(TestRouter.respond(.get, "/v1/side-effects?limit=2"))
        let cursor = try #require(first["nextCursor"] as? String)
        let response = TestRouter.respond(.get, "/v1/side-effects?limit=2&seed=true&cursor=\(cursor)")
        #expect(response.status == .unprocessableContent)
    }

    @Test func unknownParameterOnAFixedListIs422() {
        #expect(TestRouter.respond(.get, "/v1/symptoms?lang=fr").status == .unprocessableContent)
    }
}

/// `q` ranks what it finds: the name first, then the symptoms' words, then the
/// rest; within each, most urgent first; then catalogue order.
struct SideEffectSearchRankingTests {
    static func ids(_ query: String) throws -> [(id: String, level: String)] {
        let response = TestRouter.respond(.get, "/v1/side-effects?\(query)")
        #expect(response.status == .ok)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        return items.map { (id: $0["id"] as? String ?? "", level: $0["usualLevel"] as? String ?? "") }
    }

    static let urgency = ["emergency": 0, "urgent": 1, "contact-provider": 2, "self-care": 3]

    /// The portal developer's example: the bladder emergencies come before the bruise.
    @Test func emergenciesComeBeforeMilderMatchesOfTheSameKind() throws {
        let found = try Self.ids("q=bladder")
        #expect(found.count >= 3)
        let levels = found.map { Self.urgency[$0.level] ?? 9 }
        #expect(levels == levels.sorted(), "\(found)")
        #expect(found.first?.level == "emergency")
    }

    @Test func aNameMatchComesFirst() throws {
        let found = try Self.ids("q=headache")
        let names = found.prefix { $0.id.contains("headache") }
        #expect(names.count >= 2, "\(found)")
        #expect(!found.dropFirst(names.count).contains { $0.id.contains("headache") }, "\(found)")
    }

    /// Without search words the catalogue keeps its own order.
    @Test func filtersAloneKeepTheCatalogueOrder() throws {
        let filtered = try Self.ids("injection=epidural-steroid&limit=100").map(\.id)
        let all = try Self.ids("limit=100").map(\.id)
        #expect(filtered == all.filter(filtered.contains))
    }
}

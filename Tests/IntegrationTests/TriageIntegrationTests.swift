import Foundation
import Testing

/// `POST /v1/triage` of the real server: every public vignette and every
/// invalid example of `shared/vignettes`, through libcurl.
@Suite(.serialized)
struct TriageIntegrationTests {
    /// The repository's copy of the team's public vignettes (`Tests/Fixtures/vignettes`).
    static let vignettes: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/vignettes")

    static func load(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: vignettes.appendingPathComponent(name))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["cases"] as? [[String: Any]])
    }

    static func object(_ body: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    }

    @Test func everyPublicVignetteGetsAnAcceptableLevel() throws {
        let server = try ServerProcess()
        let client = try CurlClient()
        let cases = try Self.load("triage.json")
        #expect(cases.count >= 45)
        for item in cases {
            let id = item["id"] as? String ?? "?"
            let body = try JSONSerialization.data(withJSONObject: try #require(item["request"]))
            let response = try client.request(
                "POST", "\(server.baseURL)/v1/triage", headers: ["Content-Type: application/json"],
                upload: .fixed(Array(body)))
            #expect(response.status == 200, "\(id): \(response.text)")
            let result = try Self.object(response.body)
            let level = result["level"] as? String ?? "none"
            let acceptable = item["acceptableLevels"] as? [String] ?? []
            #expect(acceptable.contains(level), "\(id): got \(level), acceptable \(acceptable)")
            let reasons = result["reasons"] as? [[String: Any]] ?? []
            let mentioned = Set(
                reasons.flatMap { ($0["symptoms"] as? [String] ?? []) + [($0["sideEffect"] as? String) ?? ""] }
                    + (result["possibleSideEffects"] as? [String] ?? []))
            for item in (item["mustMention"] as? [String] ?? []) {
                #expect(mentioned.contains(item), "\(id): \(item) not mentioned")
            }
            #expect((result["disclaimer"] as? String)?.contains("does not replace") == true)
            #expect((result["action"] as? String)?.isEmpty == false)
            if level == "emergency" { #expect((result["action"] as? String)?.contains("emergency number") == true) }
        }
        // The log names routes and statuses, never a symptom code or a body.
        server.terminate()
        _ = server.waitForExit(timeout: 5)
        #expect(!server.log.contains("saddle-numbness") && !server.log.contains("leg-weakness"))
        #expect(server.log.contains(#""route":"/v1/triage""#))
    }

    @Test func everyInvalidExampleGetsItsStatus() throws {
        let server = try ServerProcess()
        let cases = try Self.load("invalid.json")
        #expect(cases.count >= 14)
        for item in cases {
            let id = item["id"] as? String ?? "?"
            let method = item["method"] as? String ?? "GET"
            let headers = (item["headers"] as? [String: String] ?? [:]).map { "\($0.key): \($0.value)" }
            var body: [UInt8]?
            if let text = item["body"] as? String { body = Array(text.utf8) }
            if let base64 = item["bodyBase64"] as? String { body = Array(try #require(Data(base64Encoded: base64))) }
            if let generate = item["bodyGenerate"] as? [String: Any] {
                let count = generate["count"] as? Int ?? 0
                var text = generate["prefix"] as? String ?? ""
                text += String(repeating: generate["repeat"] as? String ?? "", count: count)
                text += generate["middle"] as? String ?? ""
                text += String(repeating: generate["suffixRepeat"] as? String ?? "", count: count)
                text += generate["suffix"] as? String ?? ""
                body = Array(text.utf8)
            }
            let client = try CurlClient()
            let response = try client.request(
                method, "\(server.baseURL)\(item["path"] as? String ?? "/")", headers: headers + ["Expect:"],
                upload: body.map { .fixed($0) } ?? .none)
            let acceptable = item["acceptableStatus"] as? [Int] ?? [item["expectedStatus"] as? Int ?? 0]
            #expect(acceptable.contains(response.status), "\(id): got \(response.status) \(response.text.prefix(300))")
            if item["expectProblemJson"] as? Bool ?? true {
                #expect(response.header("Content-Type") == "application/problem+json", "\(id)")
            }
            for mention in item["expectBodyMentions"] as? [String] ?? [] {
                #expect(response.text.contains(mention), "\(id): body does not mention \(mention)")
            }
            for (name, tokens) in item["expectHeaders"] as? [String: [String]] ?? [:] {
                let value = response.header(name) ?? ""
                for token in tokens { #expect(value.contains(token), "\(id): \(name) lacks \(token)") }
            }
        }
    }

    @Test func triageRulesAreListedForReview() throws {
        let server = try ServerProcess()
        let response = try CurlClient().request("GET", "\(server.baseURL)/v1/triage/rules")
        #expect(response.status == 200)
        let rules = try #require(try Self.object(response.body)["items"] as? [[String: Any]])
        #expect(rules.count >= 40)
        #expect(rules.allSatisfy { ($0["sources"] as? [String])?.isEmpty == false })
        #expect(rules.allSatisfy { ($0["rows"] as? [Any])?.isEmpty == false })
        #expect(response.header("Vary") == "Accept, Accept-Language")
    }

    /// The server runs every language built in: Spanish for a patient who asks for it.
    @Test func spanishIsServedToWhoAsksForIt() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        let body = #"{"injection":"facet-joint","hoursSinceInjection":2,"symptoms":["fever"]}"#
        for (header, language, disclaimer) in [
            ("es-US, es;q=0.9, en;q=0.5", "es", "no reemplaza"), ("en-US", "en", "does not replace"),
        ] {
            let triage = try client.request(
                "POST", "\(server.baseURL)/v1/triage",
                headers: ["Content-Type: application/json", "Accept-Language: \(header)"],
                upload: .fixed(Array(body.utf8)))
            #expect(triage.status == 200)
            #expect(triage.header("Content-Language") == language)
            #expect(triage.header("Vary") == "Accept-Language")
            #expect(triage.text.contains(disclaimer), "\(language)")
        }
    }

    /// The printable rule book over the wire: large, cached per representation.
    @Test func ruleBookPageOverTheWire() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        let page = try client.request("GET", "\(server.baseURL)/v1/triage/rules", headers: ["Accept: text/html"])
        #expect(page.status == 200)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.header("Vary") == "Accept, Accept-Language")
        #expect(page.text.contains("Not yet signed off"))
        #expect(
            page.text.contains("id=\"rule-cauda-equina-signs\"") && page.text.contains("id=\"rule-symptoms-need-care\"")
        )
        #expect(page.text.hasSuffix("</html>\n"))
        #expect(!page.text.lowercased().contains("<script"))
        let etag = try #require(page.header("ETag"))
        let again = try client.request(
            "GET", "\(server.baseURL)/v1/triage/rules", headers: ["Accept: text/html", "If-None-Match: \(etag)"])
        #expect(again.status == 304)
        let json = try client.request("GET", "\(server.baseURL)/v1/triage/rules", headers: ["If-None-Match: \(etag)"])
        #expect(json.status == 200 && json.header("ETag") != etag)
    }
}

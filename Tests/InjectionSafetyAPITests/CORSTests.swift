import HTTPFramework
import HTTPServer
import InjectionSafetyAPI
import Logging
import Testing

/// CORS: configured origins get access headers and preflight answers; others get none.
struct CORSTests {
    static let portal = "https://portal.example.org"

    static func responder(_ origins: [String]) throws -> any HTTPResponder {
        try Application.makeResponder(
            knowledgeBase: TestRouter.knowledgeBase, logger: Logger(label: "test"),
            cors: CORSPolicy(allowedOrigins: origins))
    }

    static func send(
        _ responder: any HTTPResponder, _ method: HTTPMethod, _ target: String, _ headers: [(String, String)]
    ) -> HTTPResponse {
        responder.respond(
            to: HTTPRequest(method: method, target: target, headers: HTTPHeaders(headers)),
            connection: ConnectionInfo(id: 1, peer: nil))
    }

    @Test func anAllowedOriginGetsAccessAndReadableHeaders() throws {
        let response = Self.send(try Self.responder([Self.portal]), .get, "/v1/injections", [("Origin", Self.portal)])
        #expect(response.status == .ok)
        #expect(response.header("Access-Control-Allow-Origin") == Self.portal)
        #expect(response.header("Access-Control-Expose-Headers")?.contains("ETag") == true)
        #expect(response.header("Access-Control-Allow-Credentials") == nil)
        #expect(response.header("Vary") == "Accept-Language, Origin")
    }

    @Test func anotherOriginGetsNoCORSHeaders() throws {
        let responder = try Self.responder([Self.portal])
        for origin in ["https://evil.example", "https://portal.example.org:8443", "http://portal.example.org", "null"] {
            let response = Self.send(responder, .get, "/v1/injections", [("Origin", origin)])
            #expect(response.status == .ok)
            #expect(!response.headers.contains { $0.name.lowercased().hasPrefix("access-control-") }, "\(origin)")
            #expect(response.header("Vary") == "Accept-Language, Origin")
        }
    }

    @Test func preflightFromAnAllowedOriginListsThePathsMethods() throws {
        let response = Self.send(
            try Self.responder([Self.portal]), .options, "/v1/triage",
            [
                ("Origin", Self.portal), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ])
        #expect(response.status == .noContent)
        #expect(response.body.isEmpty)
        #expect(response.header("Access-Control-Allow-Origin") == Self.portal)
        #expect(response.header("Access-Control-Allow-Methods") == "POST, OPTIONS")
        #expect(response.header("Access-Control-Allow-Headers")?.contains("Content-Type") == true)
        #expect(response.header("Access-Control-Max-Age") == "600")
    }

    @Test func preflightForAnUnknownPathIs404() throws {
        let response = Self.send(
            try Self.responder([Self.portal]), .options, "/v1/nothing",
            [
                ("Origin", Self.portal), ("Access-Control-Request-Method", "GET"),
            ])
        #expect(response.status == .notFound)
        #expect(response.header("Access-Control-Allow-Methods") == nil)
    }

    @Test func preflightFromAnotherOriginIsAPlainOptionsAnswer() throws {
        let response = Self.send(
            try Self.responder([Self.portal]), .options, "/v1/triage",
            [
                ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
            ])
        #expect(response.status == .ok)
        #expect(response.header("Allow") == "POST, OPTIONS")
        #expect(response.header("Access-Control-Allow-Origin") == nil)
        #expect(response.header("Access-Control-Allow-Methods") == nil)
    }

    @Test func aWildcardAllowsEveryOriginWithoutVary() throws {
        let response = Self.send(try Self.responder(["*"]), .get, "/healthz", [("Origin", "https://anyone.example")])
        #expect(response.header("Access-Control-Allow-Origin") == "*")
        #expect(response.header("Vary") == nil)
    }

    @Test func varyIsMergedWithTheRoutesOwn() throws {
        let response = Self.send(
            try Self.responder([Self.portal]), .get, "/v1/checklists/pre-procedure?injection=facet-joint",
            [("Origin", Self.portal)])
        #expect(response.status == .ok)
        #expect(response.headers.filter { $0.name == "Vary" }.count == 1)
        #expect(response.header("Vary") == "Accept, Accept-Language, Origin")
    }

    @Test func offByDefault() throws {
        let response = Self.send(try Self.responder([]), .get, "/v1/injections", [("Origin", Self.portal)])
        #expect(response.header("Access-Control-Allow-Origin") == nil)
        #expect(response.header("Vary") == "Accept-Language")  // the catalogue's own
    }

    @Test func parsesOriginsAndNamesABadOne() throws {
        let policy = try CORSPolicy.parse("https://portal.example.org, http://localhost:3000,https://[::1]:8443")
        #expect(policy.allowedOrigins == ["https://portal.example.org", "http://localhost:3000", "https://[::1]:8443"])
        #expect(!policy.allowsAnyOrigin)
        #expect(try CORSPolicy.parse("").isEnabled == false)
        #expect(try CORSPolicy.parse("*").allowsAnyOrigin)
        for bad in [
            "portal.example.org", "https://portal.example.org/", "https://Portal.example.org", "ftp://x.org",
            "https://x.org:0", "https://x.org:99999", "https://", "https://x.org/path",
        ] {
            #expect(throws: CORSPolicy.ParseError(entry: bad), "\(bad)") { try CORSPolicy.parse(bad) }
        }
    }
}

import HTTPServer
import Logging
import Testing

@testable import HTTPFramework

struct RouterTests {
    static func makeRouter() -> Router {
        var router = Router()
        router.add(.get, "/healthz") { _, _ in HTTPResponse(body: Array("ok".utf8)) }
        router.add(.get, "/v1/items/{id}") { _, context in
            HTTPResponse(body: Array((context.parameters["id"] ?? "").utf8))
        }
        router.add(.post, "/v1/items/{id}") { request, _ in HTTPResponse(status: .created, body: request.body) }
        return router
    }

    func respond(_ method: HTTPMethod, _ target: String) -> (HTTPResponse, RequestContext) {
        var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
        let response = Self.makeRouter().respond(to: HTTPRequest(method: method, target: target), context: &context)
        return (response, context)
    }

    /// One spelling per resource: an empty segment (trailing or doubled slash)
    /// is a 308 to the path without it when a route has that path, else 404.
    @Test(arguments: [
        ("/healthz/", "/healthz"), ("//healthz", "/healthz"), ("/v1//items/a", "/v1/items/a"),
        ("/v1/items/a/?x=1", "/v1/items/a?x=1"),
    ])
    func emptySegmentsRedirectToTheOnePath(target: String, location: String) {
        let (response, _) = respond(.get, target)
        #expect(response.status.code == 308)
        #expect(response.header("Location") == location)
        // 308 keeps the method and the body (a POST is redirected as a POST).
        #expect(respond(.post, "/v1/items/a/").0.status.code == 308)
    }

    @Test func emptySegmentsWithoutARouteAre404AndTheRootIsNotRedirected() {
        #expect(respond(.get, "/nowhere/").0.status == .notFound)
        #expect(respond(.get, "/v1//nowhere").0.status == .notFound)
        #expect(respond(.get, "/").0.status == .notFound)
        #expect(respond(.get, "/healthz").0.status == .ok)
    }

    /// The first route added that matches a path answers it, whether the path
    /// is found by its exact bytes or segment by segment: a path with
    /// parameters added first keeps a literal path that it matches.
    @Test func theFirstMatchingRouteAnswersWhateverTheWayItIsFound() {
        var router = Router()
        router.add(.get, "/a/{id}") { _, _ in HTTPResponse(body: Array("a-param".utf8)) }
        router.add(.get, "/a/new") { _, _ in HTTPResponse(body: Array("a-new".utf8)) }
        router.add(.get, "/b/new") { _, _ in HTTPResponse(body: Array("b-new".utf8)) }
        router.add(.get, "/b/{id}") { _, _ in HTTPResponse(body: Array("b-param".utf8)) }
        router.add(.post, "/b/new") { _, _ in HTTPResponse(status: .created) }
        func answer(_ method: HTTPMethod, _ target: String) -> (String, Int, String?) {
            var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
            let response = router.respond(to: HTTPRequest(method: method, target: target), context: &context)
            return (String(decoding: response.body, as: UTF8.self), response.status.code, context.routeTemplate)
        }
        #expect(answer(.get, "/a/new") == ("a-param", 200, "/a/{id}"))
        #expect(answer(.get, "/b/new") == ("b-new", 200, "/b/new"))
        #expect(answer(.get, "/b/new?x=1") == ("b-new", 200, "/b/new"))
        #expect(answer(.get, "/b/%6Eew") == ("b-new", 200, "/b/new"))
        #expect(answer(.get, "/b/old") == ("b-param", 200, "/b/{id}"))
        #expect(answer(.post, "/b/new").1 == 201)
        #expect(answer(.delete, "/b/new").1 == 405)
        #expect(answer(.get, "/b/new/").1 == 308)
        #expect(answer(.get, "/b/ne").1 == 200)
        #expect(answer(.get, "/b").1 == 404)
    }

    @Test func capturesAndPercentDecodesParameters() {
        let (response, context) = respond(.get, "/v1/items/a%20b%2Fc?x=1")
        #expect(response.status == .ok)
        #expect(String(decoding: response.body, as: UTF8.self) == "a b/c")
        #expect(context.routeTemplate == "/v1/items/{id}")
    }

    /// Literal segments match byte for byte after decoding: an escaped unreserved
    /// character is the same segment (RFC 3986 §6.2.2.2), other spellings are not.
    @Test func escapedLiteralSegmentsMatchAfterDecoding() {
        let (escaped, context) = respond(.get, "/v1/%69tems/x")
        #expect(escaped.status == .ok)
        #expect(context.routeTemplate == "/v1/items/{id}")
        #expect(respond(.get, "/v1/ITEMS/x").0.status == .notFound)
        #expect(respond(.get, "/v1/item/x").0.status == .notFound)
        #expect(respond(.get, "/v1/itemss/x").0.status == .notFound)
    }

    @Test(arguments: [
        (UInt64(0), "0000000000000000"), (0xabc, "0000000000000abc"), (0x0123_4567_89ab_cdef, "0123456789abcdef"),
        (.max, "ffffffffffffffff"),
    ])
    func requestIDsAreSixteenLowercaseHexDigits(value: UInt64, id: String) {
        #expect(RequestIDGenerator.hex(value) == id)
    }

    @Test func unknownPathIs404Problem() {
        let (response, context) = respond(.get, "/nope")
        #expect(response.status == .notFound)
        #expect(response.contentType == "application/problem+json")
        #expect(context.routeTemplate == nil)
    }

    @Test func knownPathWithOtherMethodIs405WithAllow() {
        let (response, _) = respond(.delete, "/v1/items/1")
        #expect(response.status == .methodNotAllowed)
        #expect(response.header("Allow") == "GET, HEAD, POST, OPTIONS")
        #expect(response.contentType == "application/problem+json")
    }

    /// QUERY is a recognised method that no route supports: 405 with `Allow`, not 501.
    @Test func queryMethodIs405WithAllow() {
        let (response, _) = respond(.query, "/v1/items/1")
        #expect(response.status == .methodNotAllowed)
        #expect(response.header("Allow") == "GET, HEAD, POST, OPTIONS")
    }

    @Test func headUsesTheGetRoute() {
        let (response, context) = respond(.head, "/healthz")
        #expect(response.status == .ok)
        #expect(context.routeTemplate == "/healthz")
    }

    @Test func optionsAnswersAllow() {
        let (response, _) = respond(.options, "/healthz")
        #expect(response.status == .ok)
        #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
    }

    @Test func malformedPercentEncodingIs400() {
        for target in ["/v1/items/%zz", "/v1/items/%4", "/v1/items/%ff"] {
            let (response, _) = respond(.get, target)
            #expect(response.status == .badRequest, "\(target)")
        }
    }

    @Test func queryParametersDecode() throws {
        let query = try #require(QueryParameters(query: "q=numb+legs&limit=5&q=%C3%A9&flag"))
        #expect(query["q"] == "numb legs")
        #expect(query.values(for: "q") == ["numb legs", "é"])
        #expect(query["limit"] == "5")
        #expect(query["flag"] == "")
        #expect(query.names == ["q", "limit", "flag"])
        #expect(QueryParameters(query: "a=%") == nil)
        #expect(QueryParameters(query: nil)?.items.isEmpty == true)
    }
}

struct PercentEncodingTests {
    @Test(arguments: [
        ("plain-value_1.2~x,y", "plain-value_1.2~x,y"), ("numb legs", "numb%20legs"), ("a&b=c", "a%26b%3Dc"),
        ("é", "%C3%A9"), ("100%", "100%25"), ("a+b", "a%2Bb"), ("", ""),
    ])
    func encodesAQueryComponent(raw: String, encoded: String) {
        #expect(PercentDecoding.encodeQueryComponent(raw) == encoded)
        #expect(PercentDecoding.decode(encoded[...], plusAsSpace: true) == raw, "round trip")
    }
}

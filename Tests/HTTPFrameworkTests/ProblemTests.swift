import HTTPFramework
import HTTPServer
import Testing

/// The one problem renderer, and the router rendering what handlers throw.
struct ProblemTests {
    @Test func problemBodyIsRFC9457() {
        let response = Problem(status: .notFound, detail: "No \"such\" thing.\n").response
        #expect(response.contentType == "application/problem+json")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"type":"about:blank","title":"Not Found","status":404,"detail":"No \"such\" thing.\n"}"#)
    }

    struct Unexpected: Error {}

    @Test func handlersThrowAndTheRouterRenders() {
        var router = Router()
        router.add(.get, "/teapot") { _, _ in
            throw Problem(
                status: .unprocessableContent, type: "/problems/teapot", title: "Teapot", detail: "Short and stout.",
                extensionMembers: Array(#","errors":[]"#.utf8))
        }
        router.add(.get, "/broken") { _, _ in throw Unexpected() }
        var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: .init(label: "test"))
        let teapot = router.respond(to: HTTPRequest(method: .get, target: "/teapot"), context: &context)
        #expect(teapot.status == .unprocessableContent)
        #expect(
            String(decoding: teapot.body, as: UTF8.self)
                == #"{"type":"/problems/teapot","title":"Teapot","status":422,"detail":"Short and stout.","errors":[]}"#
        )
        let broken = router.respond(to: HTTPRequest(method: .get, target: "/broken"), context: &context)
        #expect(broken.status == .internalServerError)
        #expect(broken.contentType == "application/problem+json")
        #expect(!String(decoding: broken.body, as: UTF8.self).contains("Unexpected"))
    }
}

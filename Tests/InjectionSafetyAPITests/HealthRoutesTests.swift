import HTTPFramework
import HTTPServer
import InjectionSafetyAPI
import Logging
import Testing

struct HealthRoutesTests {
    func respond(_ method: HTTPMethod, _ target: String) -> HTTPResponse {
        var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
        return TestRouter.shared.respond(to: HTTPRequest(method: method, target: target), context: &context)
    }

    @Test func healthzAnswersOk() {
        let response = respond(.get, "/healthz")
        #expect(response.header("Cache-Control") == "no-store")
        #expect(response.status == .ok)
        #expect(response.contentType == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"status":"ok"}"#)
    }

    @Test func healthzRefusesPostWith405() {
        let response = respond(.post, "/healthz")
        #expect(response.status == .methodNotAllowed)
        #expect(response.header("Allow") == "GET, HEAD, OPTIONS")
    }

    @Test func readyzFollowsDraining() {
        let readiness = Readiness()
        let router = try! Application.makeRouter(knowledgeBase: TestRouter.knowledgeBase, readiness: readiness)
        var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
        #expect(router.respond(to: HTTPRequest(method: .get, target: "/readyz"), context: &context).status == .ok)
        readiness.markDraining()
        let draining = router.respond(to: HTTPRequest(method: .get, target: "/readyz"), context: &context)
        #expect(draining.status == .serviceUnavailable)
        #expect(draining.contentType == "application/problem+json")
    }
}

import HTTPFramework
import HTTPServer
import InjectionSafety
import InjectionSafetyAPI
import Logging

/// The application's router over the shipped knowledge base, built once for the tests.
enum TestRouter {
    static let knowledgeBase: KnowledgeBase = {
        do { return try KnowledgeBase.bundled() } catch { fatalError("knowledge base: \(error)") }
    }()

    /// The knowledge base in each translation built in (Spanish).
    static let translations: [KnowledgeBase] = {
        do { return try KnowledgeBase.bundledTranslations() } catch { fatalError("translations: \(error)") }
    }()

    /// Every language, as the server runs.
    static let shared: LanguageRouter = {
        do {
            return try Application.makeRouter(knowledgeBase: knowledgeBase, translations: translations)
        } catch {
            fatalError("router: \(error)")
        }
    }()

    static func respond(_ method: HTTPMethod, _ target: String, headers: [(String, String)] = []) -> HTTPResponse {
        var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
        return shared.respond(
            to: HTTPRequest(method: method, target: target, headers: HTTPHeaders(headers)), context: &context)
    }

    static func post(
        _ target: String, _ body: String, contentType: String? = "application/json",
        headers more: [(String, String)] = []
    ) -> HTTPResponse {
        var headers: [(String, String)] = more
        if let contentType { headers.append(("Content-Type", contentType)) }
        var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
        return shared.respond(
            to: HTTPRequest(method: .post, target: target, headers: HTTPHeaders(headers), body: Array(body.utf8)),
            context: &context)
    }
}

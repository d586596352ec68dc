import HTTPFramework
import HTTPServer
import InjectionSafety

/// One ``Router`` per language of the patient texts, each built from the
/// knowledge base in that language: a request is answered by the router of the
/// language its `Accept-Language` picks (``ContentLanguage``). A response whose
/// text depends on it says `Content-Language` and `Vary: Accept-Language`
/// (its handler adds them); the others (health, metrics, problems, the API
/// document) are the same in every router.
public struct LanguageRouter: RequestRouter {
    /// The languages, the first being the one answered when a request names none.
    public let languages: [String]
    private let routers: [Router]

    /// - Parameter routers: a language and its router; the first is the default.
    init(_ routers: [(language: String, router: Router)]) {
        precondition(!routers.isEmpty, "a language router needs a router")
        self.languages = routers.map(\.language)
        self.routers = routers.map(\.router)
    }

    /// The router of the language `request` asks for.
    func router(for request: HTTPRequest) -> Router {
        guard routers.count > 1, let header = request.headers["Accept-Language"] else { return routers[0] }
        let language = ContentLanguage.negotiate(
            acceptLanguage: header, available: languages, defaultLanguage: languages[0])
        return routers[languages.firstIndex(of: language) ?? 0]
    }

    public func respond(to request: HTTPRequest, context: inout RequestContext) -> HTTPResponse {
        router(for: request).respond(to: request, context: &context)
    }

    /// Every route (the same in each language): its method and template.
    public var routeTable: [(method: HTTPMethod, template: String)] { routers[0].routeTable }
}

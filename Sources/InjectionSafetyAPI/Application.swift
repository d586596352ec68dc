import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter
import Logging

/// Builds the service's routes from a checked knowledge base.
public enum Application {
    /// The routers of every endpoint of the API, one per language: the
    /// English knowledge base and its `translations` (each the same data with
    /// its patient texts in another language, e.g. ``KnowledgeBase/bundledTranslations(profile:)``).
    /// The clinic profile's default language, when given one, answers a request
    /// that names none; else English.
    /// - Parameters:
    ///   - readiness: what `GET /readyz` reports; mark it draining when a shutdown begins.
    ///   - metrics: what `GET /metrics` serves; give its `server` part to the `HTTPServer`.
    public static func makeRouter(
        knowledgeBase: KnowledgeBase, translations: [KnowledgeBase] = [], readiness: Readiness = Readiness(),
        metrics: ApplicationMetrics = ApplicationMetrics(), limits: APILimits = APILimits()
    ) throws -> LanguageRouter {
        // The CDS Hooks cards are for clinicians, in English whatever the language.
        let cdsHooks = CDSHooksRoutes(knowledgeBase: knowledgeBase, metrics: metrics, limits: limits)
        var routers: [(language: String, router: Router)] = []
        for base in [knowledgeBase] + translations {
            var router = try makeRouter(language: base, readiness: readiness, metrics: metrics, limits: limits)
            cdsHooks.register(in: &router)
            routers.append((base.language, router))
        }
        if let preferred = knowledgeBase.profile.defaultLanguage,
            let index = routers.firstIndex(where: { ContentLanguage.match(preferred, available: [$0.language]) != nil })
        {
            routers.insert(routers.remove(at: index), at: 0)
        }
        return LanguageRouter(routers)
    }

    /// The router of one language (without the CDS Hooks service).
    private static func makeRouter(
        language knowledgeBase: KnowledgeBase, readiness: Readiness, metrics: ApplicationMetrics, limits: APILimits
    ) throws -> Router {
        var router = Router()
        HealthRoutes.register(in: &router, readiness: readiness)
        MetricsRoutes.register(in: &router, metrics: metrics)
        try CatalogueRoutes(knowledgeBase: knowledgeBase).register(in: &router)
        ClinicRoutes.register(in: &router, knowledgeBase: knowledgeBase)
        try TriageRoutes(knowledgeBase: knowledgeBase, metrics: metrics, limits: limits).register(in: &router)
        ChecklistRoutes(knowledgeBase: knowledgeBase, metrics: metrics, limits: limits).register(in: &router)
        try OpenAPIRoutes.register(in: &router)
        ProblemType.register(in: &router)
        return router
    }

    /// What the server runs: the router inside the access log (which names the
    /// client through the trusted proxies and writes to `accessLog`) and the CORS policy.
    public static func makeResponder(
        knowledgeBase: KnowledgeBase, translations: [KnowledgeBase] = [], logger: Logger,
        readiness: Readiness = Readiness(),
        metrics: ApplicationMetrics = ApplicationMetrics(),
        cors: CORSPolicy = CORSPolicy(), trustedProxies: TrustedProxies = TrustedProxies(),
        accessLog: AccessLogDestination = .logger, limits: APILimits = APILimits()
    ) throws -> HTTPApplication {
        let router = try makeRouter(
            knowledgeBase: knowledgeBase, translations: translations, readiness: readiness, metrics: metrics,
            limits: limits)
        return HTTPApplication(
            router: router,
            middleware: [
                AccessLog(trustedProxies: trustedProxies, metricsFactory: metrics.factory, destination: accessLog),
                CORSMiddleware(policy: cors),
            ],
            logger: logger)
    }
}

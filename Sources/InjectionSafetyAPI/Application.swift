import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter
import Logging

/// Builds the service's routes from a checked knowledge base.
public enum Application {
    /// The router with every endpoint of the API.
    /// - Parameters:
    ///   - readiness: what `GET /readyz` reports; mark it draining when a shutdown begins.
    ///   - metrics: what `GET /metrics` serves; give its `server` part to the `HTTPServer`.
    public static func makeRouter(
        knowledgeBase: KnowledgeBase, readiness: Readiness = Readiness(),
        metrics: ApplicationMetrics = ApplicationMetrics(), limits: APILimits = APILimits()
    ) throws -> Router {
        var router = Router()
        HealthRoutes.register(in: &router, readiness: readiness)
        MetricsRoutes.register(in: &router, metrics: metrics)
        try CatalogueRoutes(knowledgeBase: knowledgeBase).register(in: &router)
        ClinicRoutes.register(in: &router, knowledgeBase: knowledgeBase)
        try TriageRoutes(knowledgeBase: knowledgeBase, metrics: metrics, limits: limits).register(in: &router)
        ChecklistRoutes(knowledgeBase: knowledgeBase, metrics: metrics, limits: limits).register(in: &router)
        CDSHooksRoutes(knowledgeBase: knowledgeBase, metrics: metrics, limits: limits).register(in: &router)
        try OpenAPIRoutes.register(in: &router)
        ProblemType.register(in: &router)
        return router
    }

    /// What the server runs: the router inside the access log (which names the
    /// client through the trusted proxies and writes to `accessLog`) and the CORS policy.
    public static func makeResponder(
        knowledgeBase: KnowledgeBase, logger: Logger, readiness: Readiness = Readiness(),
        metrics: ApplicationMetrics = ApplicationMetrics(),
        cors: CORSPolicy = CORSPolicy(), trustedProxies: TrustedProxies = TrustedProxies(),
        accessLog: AccessLogDestination = .logger, limits: APILimits = APILimits()
    ) throws -> HTTPApplication {
        let router = try makeRouter(
            knowledgeBase: knowledgeBase, readiness: readiness, metrics: metrics, limits: limits)
        return HTTPApplication(
            router: router,
            middleware: [
                AccessLog(trustedProxies: trustedProxies, metricsFactory: metrics.factory, destination: accessLog),
                CORSMiddleware(policy: cors),
            ],
            logger: logger)
    }
}

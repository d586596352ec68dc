import HTTPServer
import InjectionSafety

/// Builds the service's routes from a checked knowledge base.
public enum Application {
    /// The router with every endpoint of the API.
    /// - Parameters:
    ///   - readiness: what `GET /readyz` reports; mark it draining when a shutdown begins.
    ///   - metrics: what `GET /metrics` serves; give its `server` part to the `HTTPServer`.
    public static func makeRouter(
        knowledgeBase: KnowledgeBase, readiness: Readiness = Readiness(),
        metrics: ApplicationMetrics = ApplicationMetrics()
    ) throws -> Router {
        var router = Router()
        HealthRoutes.register(in: &router, readiness: readiness)
        MetricsRoutes.register(in: &router, metrics: metrics)
        try CatalogueRoutes(knowledgeBase: knowledgeBase).register(in: &router)
        try TriageRoutes(knowledgeBase: knowledgeBase, metrics: metrics).register(in: &router)
        ChecklistRoutes(knowledgeBase: knowledgeBase, metrics: metrics).register(in: &router)
        try OpenAPIRoutes.register(in: &router)
        return router
    }

    /// What the server runs: the router, inside the CORS policy when one is configured.
    public static func makeResponder(
        knowledgeBase: KnowledgeBase, readiness: Readiness = Readiness(),
        metrics: ApplicationMetrics = ApplicationMetrics(),
        cors: CORSPolicy = CORSPolicy()
    ) throws -> any HTTPResponder {
        let router = try makeRouter(knowledgeBase: knowledgeBase, readiness: readiness, metrics: metrics)
        return cors.isEnabled ? CORSResponder(router: router, policy: cors) : router
    }
}

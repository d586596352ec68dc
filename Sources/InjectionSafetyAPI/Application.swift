import HTTPServer
import InjectionSafety

/// Builds the service's routes from a checked knowledge base.
public enum Application {
    /// The router with every endpoint of the API.
    /// - Parameter readiness: what `GET /readyz` reports; mark it draining when a shutdown begins.
    public static func makeRouter(knowledgeBase: KnowledgeBase, readiness: Readiness = Readiness()) throws -> Router {
        var router = Router()
        HealthRoutes.register(in: &router, readiness: readiness)
        try CatalogueRoutes(knowledgeBase: knowledgeBase).register(in: &router)
        try TriageRoutes(knowledgeBase: knowledgeBase).register(in: &router)
        ChecklistRoutes(knowledgeBase: knowledgeBase).register(in: &router)
        try OpenAPIRoutes.register(in: &router)
        return router
    }
}

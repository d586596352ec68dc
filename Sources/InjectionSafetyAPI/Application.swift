import HTTPServer
import InjectionSafety

/// Builds the service's routes from a checked knowledge base.
public enum Application {
    /// The router with every endpoint of the API.
    public static func makeRouter(knowledgeBase: KnowledgeBase) throws -> Router {
        var router = Router()
        HealthRoutes.register(in: &router)
        try CatalogueRoutes(knowledgeBase: knowledgeBase).register(in: &router)
        try TriageRoutes(knowledgeBase: knowledgeBase).register(in: &router)
        try OpenAPIRoutes.register(in: &router)
        return router
    }
}

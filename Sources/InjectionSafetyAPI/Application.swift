import HTTPServer
import InjectionSafety

/// Builds the service's routes.
public enum Application {
    /// The router with every endpoint of the API.
    public static func makeRouter() -> Router {
        var router = Router()
        HealthRoutes.register(in: &router)
        return router
    }
}

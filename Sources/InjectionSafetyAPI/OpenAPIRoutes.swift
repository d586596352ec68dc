import HTTPFramework
import HTTPServer
import JSONWriter

/// `GET /openapi.yaml`: this API's OpenAPI 3.1 document.
enum OpenAPIRoutes {
    /// The document built into the library: `Resources/openapi.yaml` (which the
    /// repository's top-level `openapi.yaml` links to), built in by the EmbedResources plugin.
    static func document() -> [UInt8] {
        Array((EmbeddedOpenAPI.files["openapi.yaml"] ?? "").utf8)
    }

    static func register(in router: inout Router) throws {
        let cached = CachedResponse(body: document())
        router.add(.get, "/openapi.yaml") { request, _ in
            var response = cached.response(to: request)
            response.contentType = "application/yaml"
            return response
        }
    }
}

import Foundation
import HTTPServer

/// `GET /openapi.yaml`: this API's OpenAPI 3.1 document.
enum OpenAPIRoutes {
    /// The document shipped with the library (a copy of the repository's `openapi.yaml`).
    static func document() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return Array(try Data(contentsOf: url))
    }

    static func register(in router: inout Router) throws {
        let cached = CachedResponse(body: try document())
        router.add(.get, "/openapi.yaml") { request, _ in
            var response = cached.response(to: request)
            response.contentType = "application/yaml"
            return response
        }
    }
}

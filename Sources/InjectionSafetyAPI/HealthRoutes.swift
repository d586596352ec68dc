import HTTPServer

/// `GET /healthz`: the process is up and serving.
enum HealthRoutes {
    static let okBody = Array(#"{"status":"ok"}"#.utf8)

    static func register(in router: inout Router) {
        router.add(.get, "/healthz") { _, _ in
            HTTPResponse(status: .ok, contentType: "application/json", body: okBody)
        }
    }
}

import HTTPFramework
import HTTPServer
import JSONWriter

/// `GET /healthz`: the process is up and serving. `GET /readyz`: it should
/// receive traffic (200), or not because it is draining (503).
enum HealthRoutes {
    static let okBody = Array(#"{"status":"ok"}"#.utf8)
    static let readyBody = Array(#"{"status":"ready"}"#.utf8)

    static func register(in router: inout Router, readiness: Readiness) {
        // Health is now, never from a cache (no-store, as /readyz and /metrics).
        router.add(.get, "/healthz") { _, _ in
            HTTPResponse(
                status: .ok, contentType: "application/json", headers: [("Cache-Control", "no-store")], body: okBody)
        }
        router.add(.get, "/readyz") { _, _ in
            guard readiness.isReady else {
                throw Problem(status: .serviceUnavailable, detail: "The server is shutting down and takes no new work.")
            }
            return HTTPResponse(
                status: .ok, contentType: "application/json", headers: [("Cache-Control", "no-store")], body: readyBody)
        }
    }
}

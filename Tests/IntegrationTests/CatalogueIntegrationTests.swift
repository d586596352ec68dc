import Foundation
import TestSupport
import Testing

/// The catalogue endpoints of the real server, through libcurl.
struct CatalogueIntegrationTests {
    func object(_ response: CurlClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test func everyCatalogueEndpointAnswersWithItsDocument() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        for path in ["/v1/injections", "/v1/side-effects", "/v1/symptoms", "/v1/conditions", "/v1/sources"] {
            let response = try client.request("GET", "\(server.baseURL)\(path)")
            #expect(response.status == 200, "\(path)")
            #expect(response.header("Content-Type") == "application/json", "\(path)")
            let body = try object(response)
            #expect((body["items"] as? [Any])?.isEmpty == false, "\(path)")
            #expect((body["knowledgeBaseVersion"] as? String)?.isEmpty == false, "\(path)")
        }
        let injection = try object(try client.request("GET", "\(server.baseURL)/v1/injections/sacroiliac-joint"))
        #expect(injection["id"] as? String == "sacroiliac-joint")
        let effect = try object(try client.request("GET", "\(server.baseURL)/v1/side-effects/allergic-reaction"))
        #expect(effect["usualLevel"] as? String == "emergency")
    }

    @Test func paginationWalksEveryPageOverOneConnection() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        var url = "\(server.baseURL)/v1/side-effects?limit=4"
        var ids: [String] = []
        var connections = 0
        for _ in 0..<20 {
            let response = try client.request("GET", url)
            #expect(response.status == 200)
            connections += response.newConnections
            let body = try object(response)
            ids += (body["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            guard let link = response.header("Link") else {
                #expect(body["nextCursor"] is NSNull)
                break
            }
            let target = try #require(link.split(separator: ">").first?.dropFirst())
            url = "\(server.baseURL)\(target)"
        }
        #expect(ids.count == 30)
        #expect(Set(ids).count == ids.count)
        #expect(connections == 1)
    }

    @Test func filtersAndSearchOverTheWire() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        func ids(_ query: String) throws -> [String] {
            let response = try client.request("GET", "\(server.baseURL)/v1/side-effects?\(query)")
            #expect(response.status == 200, "\(query)")
            return (try object(response)["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(try ids("q=numb+legs").contains("temporary-numbness-weakness"))
        let thoracic = try ids("injection=trigger-point&level=emergency&limit=100")
        #expect(thoracic.contains("pneumothorax") && !thoracic.contains("injection-site-pain"))
        #expect(try ids("medication=contrast&seed=false&limit=100").contains("allergic-reaction") == false)
        #expect(try ids("medication=contrast&limit=100").contains("allergic-reaction"))
        #expect(try ids("q=no+such+words+anywhere").isEmpty)
    }

    @Test func conditionalGetGives304() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        let first = try client.request("GET", "\(server.baseURL)/v1/conditions")
        let etag = try #require(first.header("ETag"))
        let second = try client.request("GET", "\(server.baseURL)/v1/conditions", headers: ["If-None-Match: \(etag)"])
        #expect(second.status == 304)
        #expect(second.body.isEmpty)
        #expect(second.header("ETag") == etag)
        // The connection stays usable after a bodiless 304.
        let third = try client.request("GET", "\(server.baseURL)/healthz")
        #expect(third.status == 200 && third.newConnections == 0)
    }

    @Test func badFilterIs422AndUnknownIdIs404() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try CurlClient()
        let invalid = try client.request("GET", "\(server.baseURL)/v1/side-effects?injection=spinal-tap&limit=500")
        #expect(invalid.status == 422)
        #expect(invalid.header("Content-Type") == "application/problem+json")
        let errors = try #require(try object(invalid)["errors"] as? [[String: Any]])
        #expect(Set(errors.compactMap { $0["field"] as? String }) == ["injection", "limit"])
        let missing = try client.request("GET", "\(server.baseURL)/v1/side-effects/flying-ability")
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
    }

    @Test func openAPIDocumentIsServed() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let response = try CurlClient().request("GET", "\(server.baseURL)/openapi.yaml")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/yaml")
        #expect(response.text.hasPrefix("openapi: 3.1"))
    }
}

/// Readiness over a real shutdown: `/readyz` says 503 once SIGTERM arrives.
struct ReadinessIntegrationTests {
    @Test func readyzIs200ThenThe503OfADrainingServer() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        #expect(try CurlClient().request("GET", "\(server.baseURL)/readyz").status == 200)
        let inFlight = try RawClient(port: server.port)
        inFlight.send("GET /readyz HTTP/1.1\r\nHost: x\r\n")
        Thread.sleep(forTimeInterval: 0.2)
        server.terminate()
        Thread.sleep(forTimeInterval: 0.3)
        inFlight.send("\r\n")
        let (text, closed) = inFlight.receive()
        #expect(text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), "\(text)")
        #expect(text.contains("Connection: close"))
        #expect(closed)
        #expect(server.waitForExit(timeout: 5) == 0)
    }
}

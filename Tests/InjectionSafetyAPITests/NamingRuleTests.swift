import Foundation
import HTTPServer
import Testing

@testable import InjectionSafetyAPI

/// README's naming rule: lists are plural, an item's identifier is `id`; the
/// old spellings are still accepted.
struct NamingRuleTests {
    static func object(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    static func ids(_ query: String) throws -> [String] {
        let response = TestRouter.respond(.get, "/v1/side-effects?limit=100&\(query)")
        #expect(response.status == .ok, "\(query)")
        return (try object(response)["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test(arguments: [
        ("injections", "injection", "trigger-point,facet-joint"), ("medications", "medication", "corticosteroid"),
        ("frequencies", "frequency", "rare,very-rare"), ("levels", "level", "emergency"),
    ])
    func pluralFiltersAndTheirOldSpellingsAgree(name: String, deprecated: String, value: String) throws {
        let plural = try Self.ids("\(name)=\(value)")
        #expect(!plural.isEmpty)
        #expect(plural.count < 30)  // the filter filters
        #expect(plural == (try Self.ids("\(deprecated)=\(value)")))
        let both = TestRouter.respond(.get, "/v1/side-effects?\(name)=\(value)&\(deprecated)=\(value)")
        #expect(both.status == .unprocessableContent)
        let fields = (try Self.object(both)["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(Set(fields) == [name, deprecated])
    }

    @Test(arguments: ["/v1/symptoms", "/v1/conditions", "/v1/injections", "/v1/sources"])
    func everyListItemHasAnID(path: String) throws {
        let items = try #require(try Self.object(TestRouter.respond(.get, path))["items"] as? [[String: Any]])
        #expect(!items.isEmpty)
        for item in items {
            let id = try #require(item["id"] as? String, "\(path)")
            if let code = item["code"] { #expect(code as? String == id, "\(path)") }  // the deprecated name, same value
        }
    }
}

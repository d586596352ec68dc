import Foundation
import HTTPServer
import Testing

@testable import InjectionSafetyAPI

/// The router and `openapi.yaml` describe the same operations, both ways.
struct OpenAPIContractTests {
    /// `method path` pairs of the spec's `paths` section. The spec keeps one
    /// layout: paths indented two spaces, methods four.
    static func specOperations() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var operations = Set<String>()
        var inPaths = false
        var currentPath: String?
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.hasPrefix(" ") && !line.isEmpty { break }  // the next top-level key
            if line.hasPrefix("  /") && line.hasSuffix(":") && !line.hasPrefix("   ") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    ") && !line.hasPrefix("     "), let path = currentPath {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if line.hasSuffix(":") && methods.contains(String(key)) {
                    operations.insert("\(key.uppercased()) \(path)")
                }
            }
        }
        return operations
    }

    @Test func routerAndSpecListTheSameOperations() throws {
        let routes = Set(TestRouter.shared.routeTable.map { "\($0.method.rawValue) \($0.template)" })
        let spec = try Self.specOperations()
        #expect(!spec.isEmpty)
        #expect(routes.subtracting(spec).isEmpty, "routes missing from openapi.yaml: \(routes.subtracting(spec))")
        #expect(
            spec.subtracting(routes).isEmpty, "operations in openapi.yaml with no route: \(spec.subtracting(routes))")
    }

    /// The served document is the repository's `openapi.yaml`, byte for byte
    /// (the EmbedResources plugin builds it into the library).
    @Test func servedDocumentIsTheRepositorysFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try Data(contentsOf: root.appendingPathComponent("openapi.yaml"))
        let response = TestRouter.respond(.get, "/openapi.yaml")
        #expect(response.status == .ok)
        #expect(Data(response.body) == file)
    }
}

/// The API's contract limits (`APILimits`) are the ones `openapi.yaml` states, and hold at their edges.
struct APILimitsContractTests {
    @Test func symptomLimitIsTheSpecsMaxItems() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let lines = text.split(separator: "\n").filter { $0.contains("symptoms: {type: array, maxItems:") }
        #expect(lines.count == 2, "the triage and review bodies")
        for line in lines {
            #expect(line.contains("maxItems: \(APILimits().maxSymptoms),"), "\(line)")
        }
    }

    @Test func jsonDepthLimitHoldsAtItsEdge() {
        let depth = APILimits().maxJSONDepth
        func nested(_ levels: Int) -> [UInt8] {
            Array((String(repeating: "[", count: levels) + String(repeating: "]", count: levels)).utf8)
        }
        #expect((try? JSONParser.parse(nested(depth))) != nil, "\(depth) levels (the top one counted) are accepted")
        #expect((try? JSONParser.parse(nested(depth + 1))) == nil)
        var shallow = APILimits()
        shallow.maxJSONDepth = 2
        #expect((try? JSONParser.parse(nested(2), limits: shallow)) != nil)
        #expect((try? JSONParser.parse(nested(3), limits: shallow)) == nil, "the limit is the value's, not a constant")
    }
}

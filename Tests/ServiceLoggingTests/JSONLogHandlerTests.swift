import Foundation
import Logging
import Testing

@testable import ServiceLogging

/// The JSON log line: fixed members, then the metadata as members.
struct JSONLogHandlerTests {
    static func line(message: String, metadata: Logger.Metadata) throws -> [String: Any] {
        var fields: [UInt8] = []
        JSONLogHandler.appendFields(level: .info, label: "test", message: message, metadata: metadata, to: &fields)
        let text = "{" + String(decoding: fields, as: UTF8.self) + "}"
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test func plainMetadataBecomesMembersOfTheLine() throws {
        let object = try Self.line(
            message: "request",
            metadata: [
                "connection": .stringConvertible(42), "request_id": "req-\"1\"", "status": .stringConvertible(422),
                "route": "/v1/triage",
            ])
        #expect(object["message"] as? String == "request")
        #expect(object["connection"] as? String == "42")
        #expect(object["request_id"] as? String == "req-\"1\"")
        #expect(object["status"] as? String == "422")
        #expect(object["route"] as? String == "/v1/triage")
    }

    @Test func otherMetadataIsWrittenAsIsAndReservedKeysCannotBeReplaced() throws {
        let object = try Self.line(
            message: "listening",
            metadata: ["port": "8080", "level": "fake", "nested": ["a": ["1", "2"]]])
        #expect(object["port"] as? String == "8080")
        #expect(object["level"] as? String == "info")
        #expect((object["nested"] as? [String: Any])?["a"] as? [String] == ["1", "2"])
    }
}

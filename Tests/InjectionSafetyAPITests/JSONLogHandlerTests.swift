import Foundation
import HTTPServer
import Logging
import Testing

@testable import InjectionSafetyAPI

/// The JSON log line: fixed members, metadata, and the access-log record flattened into members.
struct JSONLogHandlerTests {
    static func line(message: String, metadata: Logger.Metadata) throws -> [String: Any] {
        var fields: [UInt8] = []
        JSONLogHandler.appendFields(level: .info, label: "test", message: message, metadata: metadata, to: &fields)
        let text = "{" + String(decoding: fields, as: UTF8.self) + "}"
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test func anAccessLogRecordBecomesMembersOfTheLine() throws {
        let record = AccessLogRecord(
            connection: 42, requestID: "req-\"1\"", client: "2001:db8::1", method: .post, route: "/v1/triage",
            status: 422, bytes: 1_234_567, durationNanoseconds: 1_234_567)
        let object = try Self.line(
            message: "request", metadata: [AccessLogRecord.metadataKey: .stringConvertible(record)])
        #expect(object["message"] as? String == "request")
        #expect(object["connection"] as? String == "42")
        #expect(object["request_id"] as? String == "req-\"1\"")
        #expect(object["client"] as? String == "2001:db8::1")
        #expect(object["method"] as? String == "POST")
        #expect(object["route"] as? String == "/v1/triage")
        #expect(object["status"] as? String == "422")
        #expect(object["bytes"] as? String == "1234567")
        #expect(object["duration_ms"] as? String == "1.23")
        #expect(object[AccessLogRecord.metadataKey] == nil)
    }

    @Test(arguments: [
        (UInt64(0), "0.00"), (9_999, "0.00"), (10_000, "0.01"), (999_999, "0.99"), (1_000_000, "1.00"),
        (123_456_789_000, "123456.78"),
    ])
    func durationsHaveTwoDecimals(nanoseconds: UInt64, text: String) throws {
        let record = AccessLogRecord(
            connection: 0, requestID: "r", client: "c", method: .get, route: "/", status: 200, bytes: 0,
            durationNanoseconds: nanoseconds)
        let object = try Self.line(message: "request", metadata: ["http": .stringConvertible(record)])
        #expect(object["duration_ms"] as? String == text)
        #expect(record.description.contains(" \(text) ms "))
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

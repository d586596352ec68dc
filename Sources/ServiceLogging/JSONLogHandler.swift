import Glibc
import JSONWriter
import Logging

/// A swift-log handler that writes one JSON object per line:
/// `{"time":"2026-11-28T09:29:39.123Z","level":"info","label":"…","message":"…", …metadata}`.
///
/// Metadata members follow the fixed ones in no particular order; nested
/// values become JSON objects and arrays. Warnings and worse are written at once; the rest is
/// batched by ``LogOutput``.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: LogOutput

    public init(label: String, output: LogOutput, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged: Logger.Metadata
        if metadata.isEmpty && metadataProvider == nil {
            merged = event.metadata ?? [:]
        } else {
            merged = metadata
            if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
            if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        }
        var fields: [UInt8] = []
        fields.reserveCapacity(256)
        Self.appendFields(
            level: event.level, label: label, message: event.message.description, metadata: merged, to: &fields)
        output.write(fields: fields, urgent: event.level >= .warning)
    }

    /// Appends `"level":…,"label":…,"message":…` and the sorted metadata
    /// (the line's members after `time`).
    static func appendFields(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, to json: inout [UInt8]
    ) {
        json.append(contentsOf: #""level":""#.utf8)
        json.append(contentsOf: level.rawValue.utf8)
        json.append(contentsOf: #"","label":"#.utf8)
        JSONString.append(label, to: &json)
        json.append(contentsOf: #","message":"#.utf8)
        JSONString.append(message, to: &json)
        // Member order is not significant in JSON (RFC 8259 §4); sorting would cost
        // more than the rest of an access-log line.
        for (key, value) in metadata where !isReserved(key) {
            json.append(UInt8(ascii: ","))
            JSONString.append(key, to: &json)
            json.append(UInt8(ascii: ":"))
            appendValue(value, to: &json)
        }
    }

    /// The members every line has; metadata cannot replace them.
    private static func isReserved(_ key: String) -> Bool {
        let count = key.utf8.count
        guard count == 4 || count == 5 || count == 7 else { return false }
        return key == "time" || key == "level" || key == "label" || key == "message"
    }

    private static func appendValue(_ value: Logger.Metadata.Value, to json: inout [UInt8]) {
        switch value {
        case .string(let text):
            JSONString.append(text, to: &json)
        case .stringConvertible(let convertible):
            JSONString.append(convertible.description, to: &json)
        case .array(let values):
            json.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                appendValue(element, to: &json)
            }
            json.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            json.append(UInt8(ascii: "{"))
            for (index, entry) in dictionary.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                JSONString.append(entry.key, to: &json)
                json.append(UInt8(ascii: ":"))
                appendValue(entry.value, to: &json)
            }
            json.append(UInt8(ascii: "}"))
        }
    }
}

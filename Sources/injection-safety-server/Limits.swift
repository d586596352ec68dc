import ArgumentParser
import HTTPServer
import InjectionSafetyAPI

/// Every limit and timeout of the service in one value: the server core's
/// sizes and waits, the API's contract limits, and the log buffer.
struct ServiceLimits {
    var server = ServerLimits()
    var api = APILimits()
    /// Log lines buffered for the writer, in bytes; past it lines are dropped
    /// (and counted in a warning) rather than memory growing or requests waiting.
    var logBufferBytes = 4 * 1024 * 1024
}

/// One limit: its flag and environment variable, its help, its default, its
/// unit and what a client meets past it. ``all`` is the one list from which the
/// flags' help, the environment, the README's table (`injection-safety-server
/// limits`) and the settings applied at start are made.
struct LimitSetting {
    enum Value {
        /// A whole number (a count or bytes) within a range.
        case integer(WritableKeyPath<ServiceLimits, Int>, ClosedRange<Int>, unit: String)
        /// Seconds, more than 0 and at most a day; fractions allowed.
        case seconds(WritableKeyPath<ServiceLimits, Duration>)
        /// Part of the API contract (`openapi.yaml`): listed, not configurable.
        case fixed(KeyPath<ServiceLimits, Int>)
    }

    /// `max-body-bytes`: the flag `--max-body-bytes`, the variable `MAX_BODY_BYTES`.
    let name: String
    let value: Value
    /// What it bounds, one sentence for `--help`.
    let summary: String
    /// What a client meets past it (the README's last column).
    let onBreach: String
    /// A default that depends on the machine, said in words.
    var defaultInWords: String?

    var flag: String { "--" + name }
    var environment: String { name.uppercased().replacing("-", with: "_") }
    var isConfigurable: Bool {
        if case .fixed = value { return false }
        return true
    }

    /// The default as `--help` and the README state it: a number (seconds for
    /// timeouts), or the words for a machine-dependent default.
    func defaultText(_ limits: ServiceLimits = ServiceLimits()) -> String {
        switch value {
        case .integer(let path, _, _): String(limits[keyPath: path])
        case .fixed(let path): String(limits[keyPath: path])
        case .seconds(let path): Self.secondsText(limits[keyPath: path])
        }
    }

    var helpText: String {
        let unit: String
        switch value {
        case .integer(_, _, let named): unit = named.isEmpty ? "" : " (\(named))"
        case .seconds: unit = " (seconds)"
        case .fixed: unit = ""
        }
        return "\(summary)\(unit) (env: \(environment); default: \(defaultInWords ?? defaultText()))"
    }

    /// Reads `text` (from the flag or the variable `source` names) into `limits`.
    func apply(_ text: String, source: String, to limits: inout ServiceLimits) throws(ValidationError) {
        switch value {
        case .fixed:
            throw ValidationError("\(source): fixed by the API contract, not configurable.")
        case .integer(let path, let range, _):
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let number = Int(text)
            else { throw ValidationError("\(source): '\(text)' is not a whole number.") }
            guard range.contains(number) else {
                throw ValidationError(
                    "\(source): \(number) is out of range \(range.lowerBound)...\(range.upperBound).")
            }
            limits[keyPath: path] = number
        case .seconds(let path):
            guard let seconds = Double(text) else {
                throw ValidationError("\(source): '\(text)' is not a number of seconds.")
            }
            guard seconds.isFinite, seconds > 0, seconds <= 86_400 else {
                throw ValidationError("\(source): \(text) must be more than 0 and at most 86400 seconds.")
            }
            limits[keyPath: path] = .milliseconds(Int64((seconds * 1000).rounded()))
        }
    }

    /// `10`, `0.25`: seconds without trailing zeros.
    static func secondsText(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return String(milliseconds / 1000) }
        var text = String(Double(milliseconds) / 1000)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// The README's table: flag, variable, default, what happens past it.
    static func markdownTable() -> String {
        var lines = ["| flag | environment | default | bounds | past it |", "|---|---|---|---|---|"]
        for setting in all {
            let unit: String
            switch setting.value {
            case .seconds: unit = " s"
            default: unit = ""
            }
            let defaultCell = setting.defaultInWords ?? (setting.defaultText() + unit)
            let flagCell = setting.isConfigurable ? "`\(setting.flag)`" : "fixed"
            let variableCell = setting.isConfigurable ? "`\(setting.environment)`" : "(API contract)"
            lines.append(
                "| \(flagCell) | \(variableCell) | \(defaultCell) | \(setting.summary) | \(setting.onBreach) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `--help`'s section on limits: each flag with its variable and default.
    static func helpSection() -> String {
        var lines = ["Limits and timeouts (each flag also an environment variable; the flag wins):"]
        for setting in all where setting.isConfigurable {
            lines.append("  \(setting.flag) <value>")
            lines.append("        \(setting.helpText)")
        }
        lines.append("Fixed by the API contract (openapi.yaml):")
        for setting in all where !setting.isConfigurable {
            lines.append("  \(setting.summary) \(setting.defaultText()) (\(setting.onBreach))")
        }
        return lines.joined(separator: "\n")
    }

    /// Splits command-line arguments into the limit flags (each with its value
    /// when it is the next argument) and the rest, in their order.
    static func extract(from arguments: [String]) -> (limits: [String], others: [String]) {
        var limits: [String] = []
        var others: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            let name = argument.hasPrefix("--") ? argument.dropFirst(2).prefix { $0 != "=" } : ""
            guard !name.isEmpty, all.contains(where: { $0.name == name && $0.isConfigurable }) else {
                others.append(argument)
                continue
            }
            limits.append(argument)
            if !argument.contains("="), index < arguments.count {
                limits.append(arguments[index])
                index += 1
            }
        }
        return (limits, others)
    }

    /// Applies the limit flags (`--name value` or `--name=value`), else each
    /// limit's environment variable, to the defaults.
    static func limits(arguments: [String], environment: [String: String]) throws(ValidationError) -> ServiceLimits {
        var given: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { throw ValidationError("Unexpected argument '\(argument)'.") }
            var name = String(argument.dropFirst(2))
            var text: String?
            if let equals = name.firstIndex(of: "=") {
                text = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let setting = all.first(where: { $0.name == name && $0.isConfigurable }) else {
                throw ValidationError("Unknown option '--\(name)'.")
            }
            if text == nil {
                guard index < arguments.count else { throw ValidationError("\(setting.flag): missing value.") }
                text = arguments[index]
                index += 1
            }
            guard given[name] == nil else { throw ValidationError("\(setting.flag): give it once.") }
            given[name] = text
        }
        var limits = ServiceLimits()
        for setting in all where setting.isConfigurable {
            if let text = given[setting.name] {
                try setting.apply(text, source: setting.flag, to: &limits)
            } else if let text = environment[setting.environment], !text.isEmpty {
                try setting.apply(text, source: setting.environment, to: &limits)
            }
        }
        return limits
    }

    static let positive = 1...Int.max

    /// Every limit, in the order `--help` and the README list them.
    static var all: [LimitSetting] {
        [
            LimitSetting(
                name: "max-request-target-bytes",
                value: .integer(\.server.maxRequestTargetBytes, positive, unit: "bytes"),
                summary: "Longest request target (path and query).", onBreach: "414, close."),
            LimitSetting(
                name: "max-header-bytes", value: .integer(\.server.maxHeaderBytes, positive, unit: "bytes"),
                summary: "Largest header section.", onBreach: "431, close."),
            LimitSetting(
                name: "max-header-fields", value: .integer(\.server.maxHeaderFields, positive, unit: ""),
                summary: "Most header fields in a request.", onBreach: "431, close."),
            LimitSetting(
                name: "max-body-bytes", value: .integer(\.server.maxBodyBytes, 0...Int.max, unit: "bytes"),
                summary: "Largest request body.", onBreach: "413 (before any body byte is read when declared), close."),
            LimitSetting(
                name: "header-read-timeout", value: .seconds(\.server.headerReadTimeout),
                summary: "Time to receive a request head, from its first byte or the accept.",
                onBreach: "408, close (a connection that sent nothing: close)."),
            LimitSetting(
                name: "body-read-timeout", value: .seconds(\.server.bodyReadTimeout),
                summary: "Time to receive a request body.", onBreach: "408, close."),
            LimitSetting(
                name: "idle-timeout", value: .seconds(\.server.idleTimeout),
                summary: "Time a kept-alive connection may wait for its next request.", onBreach: "Close."),
            LimitSetting(
                name: "write-timeout", value: .seconds(\.server.writeTimeout),
                summary: "Time a blocked response may wait for a slow client.", onBreach: "Close."),
            LimitSetting(
                name: "max-pipelined-requests", value: .integer(\.server.maxPipelinedRequests, positive, unit: ""),
                summary: "Most responses waiting to be written per connection.",
                onBreach: "The connection is not read until the client takes them."),
            LimitSetting(
                name: "max-queued-output-bytes",
                value: .integer(\.server.maxQueuedOutputBytes, positive, unit: "bytes"),
                summary: "Most unwritten answer bytes per connection.",
                onBreach: "Further pipelined requests wait, unread, until the client takes them."),
            LimitSetting(
                name: "send-buffer-bytes", value: .integer(\.server.sendBufferBytes, 4096...(64 << 20), unit: "bytes"),
                summary: "Kernel send buffer per connection.",
                onBreach: "A client that stops reading fills it, then meets the write timeout."),
            LimitSetting(
                name: "max-connections", value: .integer(\.server.maxConnections, positive, unit: ""),
                summary: "Most open connections.", onBreach: "503, close.",
                defaultInWords: "open-file limit less 64"),
            LimitSetting(
                name: "max-rejecting-connections",
                value: .integer(\.server.maxRejectingConnections, positive, unit: ""),
                summary: "Most connections over the limit answered 503 at once.",
                onBreach: "Further ones are closed without an answer."),
            LimitSetting(
                name: "drain-timeout", value: .seconds(\.server.drainTimeout),
                summary: "Time a graceful shutdown waits for in-flight requests.",
                onBreach: "What is left is closed; exit 1."),
            LimitSetting(
                name: "drain-first-request-grace", value: .seconds(\.server.drainFirstRequestGrace),
                summary: "During a drain, time after its accept a silent new connection may still send its request.",
                onBreach: "Close."),
            LimitSetting(
                name: "drain-idle-grace", value: .seconds(\.server.drainIdleGrace),
                summary:
                    "During a drain, time a kept-alive connection with nothing in flight stays open; a request on it is answered with Connection: close.",
                onBreach: "Close."),
            LimitSetting(
                name: "linger-timeout", value: .seconds(\.server.lingerTimeout),
                summary: "After a closing response, time to wait for the client's end of stream.",
                onBreach: "Close."),
            LimitSetting(
                name: "deadline-sweep-interval", value: .seconds(\.server.deadlineSweepInterval),
                summary: "How often deadlines are checked.", onBreach: "Every timeout may run over by up to this much."),
            LimitSetting(
                name: "read-buffer-bytes", value: .integer(\.server.readBufferBytes, 1024...(16 << 20), unit: "bytes"),
                summary: "Bytes read from a socket at once (one buffer per event loop).",
                onBreach: "The rest is read on the next pass."),
            LimitSetting(
                name: "write-batch-responses", value: .integer(\.server.writeBatchResponses, 1...1024, unit: ""),
                summary: "Connections whose responses an event loop writes together (a client is woken once for them).",
                onBreach: "The batch is written; the next one starts."),
            LimitSetting(
                name: "log-buffer-bytes", value: .integer(\.logBufferBytes, 64 * 1024...(1 << 30), unit: "bytes"),
                summary: "Log lines buffered for the writer.",
                onBreach: "Lines are dropped and counted in a warning line."),
            LimitSetting(
                name: "max-json-depth", value: .fixed(\.api.maxJSONDepth),
                summary: "Deepest nesting of a JSON body.", onBreach: "400, malformed JSON."),
            LimitSetting(
                name: "max-symptoms", value: .fixed(\.api.maxSymptoms),
                summary: "Most symptoms in a triage or review body.", onBreach: "422, naming /symptoms."),
        ]
    }
}

/// `injection-safety-server limits`: every limit with its flag, variable,
/// default and what a client meets past it, as the README's Markdown table
/// (which a test keeps equal to this output).
struct LimitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limits",
        abstract: "Prints every limit and timeout with its flag, variable and default, as a Markdown table."
    )

    func run() {
        print(LimitSetting.markdownTable(), terminator: "")
    }
}

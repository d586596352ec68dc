import ArgumentParser
import FoundationEssentials
import Glibc
import HTTPFramework
import HTTPServer
import InjectionSafetyAPI
import Logging

/// The resolved configuration: flag, else environment variable, else default.
struct Settings {
    var server: HTTPServer.Configuration
    var logLevel: Logger.Level
    var logFormat: LogFormat
    var cors: CORSPolicy
    /// Proxies whose `X-Forwarded-For` / `Forwarded` give the logged client address.
    var trustedProxies: TrustedProxies
    /// Where to say "ready" once listening (`--ready-file`), if anywhere.
    var readyFile: String?

    enum LogFormat: String {
        case json, text
    }

    init(command: ServerCommand, environment: [String: String]) throws {
        let reader = Reader(environment: environment)
        var limits = ServerLimits()
        let host = try reader.string(command.host, "HOST") ?? "0.0.0.0"
        let port = try reader.integer(command.port, "PORT", name: "--port", in: 0...65535) ?? 8080
        let levelText = try reader.string(command.logLevel, "LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ValidationError(
                "--log-level / LOG_LEVEL: '\(levelText)' is not one of trace, debug, info, notice, warning, error, critical."
            )
        }
        logLevel = level
        if let formatText = try reader.string(command.logFormat, "LOG_FORMAT") {
            guard let format = LogFormat(rawValue: formatText.lowercased()) else {
                throw ValidationError("--log-format / LOG_FORMAT: '\(formatText)' is not one of json, text.")
            }
            logFormat = format
        } else {
            logFormat = isatty(STDOUT_FILENO) == 1 ? .text : .json
        }
        let positive = 1...Int.max
        if let value = try reader.integer(
            command.maxRequestTargetBytes, "MAX_REQUEST_TARGET_BYTES", name: "--max-request-target-bytes", in: positive)
        {
            limits.maxRequestTargetBytes = value
        }
        if let value = try reader.integer(
            command.maxHeaderBytes, "MAX_HEADER_BYTES", name: "--max-header-bytes", in: positive)
        {
            limits.maxHeaderBytes = value
        }
        if let value = try reader.integer(
            command.maxHeaderFields, "MAX_HEADER_FIELDS", name: "--max-header-fields", in: positive)
        {
            limits.maxHeaderFields = value
        }
        if let value = try reader.integer(
            command.maxBodyBytes, "MAX_BODY_BYTES", name: "--max-body-bytes", in: 0...Int.max)
        {
            limits.maxBodyBytes = value
        }
        if let value = try reader.integer(
            command.maxPipelinedRequests, "MAX_PIPELINED_REQUESTS", name: "--max-pipelined-requests", in: positive)
        {
            limits.maxPipelinedRequests = value
        }
        if let value = try reader.integer(
            command.sendBufferBytes, "SEND_BUFFER_BYTES", name: "--send-buffer-bytes", in: 4096...(64 << 20))
        {
            limits.sendBufferBytes = value
        }
        if let value = try reader.integer(
            command.maxConnections, "MAX_CONNECTIONS", name: "--max-connections", in: positive)
        {
            limits.maxConnections = value
        }
        if let value = try reader.seconds(
            command.headerReadTimeout, "HEADER_READ_TIMEOUT", name: "--header-read-timeout")
        {
            limits.headerReadTimeout = value
        }
        if let value = try reader.seconds(command.bodyReadTimeout, "BODY_READ_TIMEOUT", name: "--body-read-timeout") {
            limits.bodyReadTimeout = value
        }
        if let value = try reader.seconds(command.idleTimeout, "IDLE_TIMEOUT", name: "--idle-timeout") {
            limits.idleTimeout = value
        }
        if let value = try reader.seconds(command.writeTimeout, "WRITE_TIMEOUT", name: "--write-timeout") {
            limits.writeTimeout = value
        }
        if let value = try reader.seconds(command.drainTimeout, "DRAIN_TIMEOUT", name: "--drain-timeout") {
            limits.drainTimeout = value
        }
        do {
            cors = try CORSPolicy.parse(try reader.string(command.corsAllowedOrigins, "CORS_ALLOWED_ORIGINS") ?? "")
        } catch {
            throw ValidationError("--cors-allowed-origins / CORS_ALLOWED_ORIGINS: \(error)")
        }
        do {
            trustedProxies = try TrustedProxies.parse(
                try reader.string(command.trustedProxies, "TRUSTED_PROXIES") ?? "")
        } catch {
            throw ValidationError("--trusted-proxies / TRUSTED_PROXIES: \(error)")
        }
        server = HTTPServer.Configuration(host: host, port: port, limits: limits)
        readyFile = try reader.string(command.readyFile, "READY_FILE")
    }

    /// Reads one setting from its flag or its environment variable, validating it.
    struct Reader {
        let environment: [String: String]

        func string(_ flag: String?, _ variable: String) throws -> String? {
            if let flag { return flag }
            guard let value = environment[variable], !value.isEmpty else { return nil }
            return value
        }

        func integer(_ flag: Int?, _ variable: String, name: String, in range: ClosedRange<Int>) throws -> Int? {
            var value = flag
            if value == nil, let text = environment[variable], !text.isEmpty {
                guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                    let parsed = Int(text)
                else {
                    throw ValidationError("\(name) / \(variable): '\(text)' is not a whole number.")
                }
                value = parsed
            }
            guard let value else { return nil }
            guard range.contains(value) else {
                throw ValidationError(
                    "\(name) / \(variable): \(value) is out of range \(range.lowerBound)...\(range.upperBound).")
            }
            return value
        }

        func seconds(_ flag: Double?, _ variable: String, name: String) throws -> Duration? {
            var value = flag
            if value == nil, let text = environment[variable], !text.isEmpty {
                guard let parsed = Double(text) else {
                    throw ValidationError("\(name) / \(variable): '\(text)' is not a number of seconds.")
                }
                value = parsed
            }
            guard let value else { return nil }
            guard value.isFinite, value > 0, value <= 86_400 else {
                throw ValidationError("\(name) / \(variable): \(value) must be more than 0 and at most 86400 seconds.")
            }
            return .milliseconds(Int64((value * 1000).rounded()))
        }
    }
}

import ArgumentParser
import FoundationEssentials
import Glibc
import HTTPFramework
import HTTPServer
import InjectionSafety
import InjectionSafetyAPI
import Logging

/// The resolved configuration: flag, else environment variable, else default.
struct Settings {
    var server: HTTPServer.Configuration
    /// Every limit (the server's are also in `server.limits`).
    var limits: ServiceLimits
    var logLevel: Logger.Level
    var logFormat: LogFormat
    var cors: CORSPolicy
    /// Proxies whose `X-Forwarded-For` / `Forwarded` give the logged client address.
    var trustedProxies: TrustedProxies
    /// The clinic's contacts and units (``ClinicProfile/neutral`` without a file).
    var clinicProfile: ClinicProfile
    /// Where to say "ready" once listening (`--ready-file`), if anywhere.
    var readyFile: String?

    enum LogFormat: String {
        case json, text
    }

    init(command: ServerCommand, limitArguments: [String] = [], environment: [String: String]) throws {
        let reader = Reader(environment: environment)
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
        limits = try LimitSetting.limits(arguments: limitArguments, environment: environment)
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
        server = HTTPServer.Configuration(host: host, port: port, limits: limits.server)
        if let descriptor = try Self.activationSocket(environment: environment, processID: getpid()) {
            guard command.host == nil, command.port == nil else {
                throw ValidationError(
                    "--host / --port: this process was given its listening socket (LISTEN_FDS); leave them out.")
            }
            server.inheritedListener = descriptor
        }
        readyFile = try reader.string(command.readyFile, "READY_FILE")
        if let path = try reader.string(command.clinicProfile, "CLINIC_PROFILE") {
            do {
                clinicProfile = try ClinicProfileFile.load(path: path)
            } catch {
                throw ValidationError("--clinic-profile / CLINIC_PROFILE: \(error)")
            }
        } else {
            clinicProfile = .neutral
        }
    }

    /// The listening socket passed by socket activation (the systemd protocol,
    /// sd_listen_fds(3)): `LISTEN_FDS=1` and `LISTEN_PID` this process's id
    /// give descriptor 3. Variables meant for another process (another
    /// `LISTEN_PID`, or none) are left alone; more than one socket is refused.
    static func activationSocket(environment: [String: String], processID: pid_t) throws -> Int32? {
        guard let count = environment["LISTEN_FDS"], let owner = environment["LISTEN_PID"],
            owner == String(processID)
        else { return nil }
        guard count == "1" else {
            throw ValidationError("LISTEN_FDS: '\(count)': the server listens on exactly one socket (1).")
        }
        return 3
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
    }
}

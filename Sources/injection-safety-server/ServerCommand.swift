import ArgumentParser
import Dispatch
import FoundationEssentials
import Glibc
import HTTPFramework
import HTTPServer
import InjectionSafety
import InjectionSafetyAPI
import Logging
import ServiceLogging

/// Starts the injection-safety HTTP API.
///
/// Every option can also be set by an environment variable (named in its
/// help); a flag wins over the environment, which wins over the default.
@main
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "injection-safety-server",
        abstract: "Serves the injection-safety HTTP/1.1 JSON API.",
        discussion: LimitSetting.helpSection(),
        version: InjectionSafety.version,
        subcommands: [HealthcheckCommand.self, LimitsCommand.self]
    )

    @Option(help: "Address to listen on: 0.0.0.0, ::, 127.0.0.1, ::1 or a name. (env: HOST; default: 0.0.0.0)")
    var host: String?

    @Option(
        help:
            "Port to listen on; 0 picks a free port. (env: PORT; default: 8080) Neither this nor --host is given when the listening socket is passed by socket activation (LISTEN_FDS=1 and LISTEN_PID, descriptor 3): the server then uses that socket, and leaves the connections queued on it to the next process when it drains."
    )
    var port: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. (env: LOG_LEVEL; default: info)")
    var logLevel: String?

    @Option(help: "Log format: json or text. (env: LOG_FORMAT; default: text on a terminal, json otherwise)")
    var logFormat: String?

    @Option(
        help:
            "Comma-separated browser origins allowed by CORS (https://portal.example.org), or *. (env: CORS_ALLOWED_ORIGINS; default: none, CORS off)"
    )
    var corsAllowedOrigins: String?

    @Option(
        help:
            "Once listening, write '<host> <port>' and a newline to this file, replacing it in one step, so a script or test knows the server is ready and where (with --port 0, the port it picked). (env: READY_FILE; default: none)"
    )
    var readyFile: String?

    @Option(
        help:
            "Comma-separated proxy addresses or ranges (10.0.0.0/8, ::1) whose X-Forwarded-For / Forwarded give the logged client address. (env: TRUSTED_PROXIES; default: none)"
    )
    var trustedProxies: String?

    @Option(
        help:
            "A clinic profile (YAML or JSON, described by clinic-profile.schema.json): the clinic's name, phone numbers, emergency number, crisis line, website, units and language, which the patient texts then use. (env: CLINIC_PROFILE; default: none, neutral words)"
    )
    var clinicProfile: String?

    /// Invalid configuration (an unknown flag, a bad value) exits with 2 after
    /// a message naming the setting; `--help` and `--version` exit with 0.
    ///
    /// The limit flags (`--max-body-bytes 1024`, `--idle-timeout=5`) are taken out
    /// first and read from ``LimitSetting/all`` (which also writes their help);
    /// the rest goes to the argument parser.
    static func main() {
        do {
            let (limitArguments, others) = LimitSetting.extract(from: Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot(others)
            if let server = command as? ServerCommand {
                try server.run(limitArguments: limitArguments)
            } else {
                guard limitArguments.isEmpty else {
                    throw ValidationError("\(limitArguments[0]): a server setting, not one of this command.")
                }
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                StandardError.write(fullMessage(for: error) + "\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }

    func run() throws {
        try run(limitArguments: [])
    }

    func run(limitArguments: [String]) throws {
        let settings = try Settings(
            command: self, limitArguments: limitArguments, environment: ProcessInfo.processInfo.environment)
        let output = LogOutput(maxPendingBytes: settings.limits.logBufferBytes)
        LoggingSystem.bootstrap { label in
            switch settings.logFormat {
            case .json:
                var handler = JSONLogHandler(label: label, output: output)
                handler.logLevel = settings.logLevel
                return handler
            case .text:
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = settings.logLevel
                return handler
            }
        }
        var logger = Logger(label: "injection-safety")
        logger.logLevel = settings.logLevel

        let knowledgeBase: KnowledgeBase
        let responder: any HTTPResponder
        let readiness = Readiness()
        let metrics = ApplicationMetrics()
        do {
            knowledgeBase = try KnowledgeBase.bundled(profile: settings.clinicProfile)
            let translations = try KnowledgeBase.bundledTranslations(profile: settings.clinicProfile)
            let problems = ([knowledgeBase] + translations).flatMap { base in
                base.integrityProblems().map { base.language == "en" ? $0.description : "\(base.language): \($0)" }
            }
            guard problems.isEmpty else {
                logger.critical(
                    "knowledge base failed its integrity check",
                    metadata: ["problems": .array(problems.map { .string($0) })])
                output.flush()
                throw ExitCode(1)
            }
            responder = try Application.makeResponder(
                knowledgeBase: knowledgeBase, translations: translations, logger: logger, readiness: readiness,
                metrics: metrics,
                cors: settings.cors, trustedProxies: settings.trustedProxies,
                // JSON lines: the access log writes its line itself (the members a metadata
                // dictionary would give, without building and hashing one per request).
                accessLog: settings.logFormat == .json
                    ? .jsonLines(write: { output.write(fields: $0, urgent: false) }) : .logger,
                limits: settings.limits.api)
        } catch let error as ExitCode {
            throw error
        } catch {
            logger.critical("knowledge base could not be loaded", metadata: ["error": "\(error)"])
            output.flush()
            throw ExitCode(1)
        }
        let server = HTTPServer(
            configuration: settings.server, responder: responder, logger: logger, metrics: metrics.server)
        // Before listening: a SIGTERM sent as soon as "listening" appears must not be lost.
        SignalHandling.installShutdownHandlers(
            server: server, logger: logger, readiness: readiness, beforeExit: output.flush)
        do {
            try server.start()
        } catch {
            logger.critical("cannot listen", metadata: ["error": "\(error)"])
            output.flush()
            throw ExitCode(1)
        }
        logger.notice(
            "listening",
            metadata: [
                "version": "\(InjectionSafety.version)",
                "knowledge_base_version": "\(knowledgeBase.version)",
                "languages": "\((["en"] + Translation.bundledLanguages).joined(separator: ","))",
                "clinic_profile": "\(settings.clinicProfile == .neutral ? "none" : settings.clinicProfile.fingerprint)",
                "host": "\(server.boundHost)",
                "port": "\(server.port)",
                "socket": "\(server.listenerIsInherited ? "inherited (LISTEN_FDS)" : "bound")",
            ])
        output.flush()  // whoever waits for "listening" sees it now
        if let path = settings.readyFile {
            do {
                try Data("\(server.boundHost) \(server.port)\n".utf8).write(
                    to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                logger.critical("cannot write the ready file", metadata: ["error": "\(error)"])
                output.flush()
                throw ExitCode(1)
            }
        }
        // Nothing runs on the main queue: the event loops, the accept queue and
        // the signal queue do the work, and a signal handler ends the process.
        // (Parking here rather than in dispatchMain() keeps libdispatch's
        // sigsuspend thread out, which valgrind cannot run.)
        while true { pause() }
    }
}

import Glibc
import ServiceLogging

/// Messages for the person at the terminal (configuration errors, health-check results).
enum StandardError {
    static func write(_ text: String) {
        LogOutput.writeAll(Array(text.utf8), to: STDERR_FILENO)
    }
}

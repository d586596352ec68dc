import Glibc

/// The `Date` field value (IMF-fixdate, RFC 9110 §5.6.7), formatted at most
/// once a second. Owned by one event loop; not shared between threads.
struct DateCache {
    private var second: time_t = -1
    private(set) var value: [UInt8] = []

    /// The value for the current second.
    mutating func current() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            value = Array(Self.format(now).utf8)
        }
        return value
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Formats seconds since the epoch as e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func format(_ seconds: time_t) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let weekday = weekdays[Int(parts.tm_wday)]
        let month = months[Int(parts.tm_mon)]
        return "\(weekday), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

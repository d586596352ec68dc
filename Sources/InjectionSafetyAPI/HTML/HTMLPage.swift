/// What the printable pages share (the checklist handout, the rule book):
/// whether a client asks for HTML, the media type, and text escaping. The
/// pages are plain HTML with inline CSS and no scripts.
enum HTMLPage {
    static let mediaType = "text/html; charset=utf-8"

    /// Whether the client asks for HTML (a browser, or `Accept: text/html`) rather than JSON.
    static func isWanted(accept: String?) -> Bool {
        guard let accept = accept?.lowercased() else { return false }
        return accept.contains("text/html") && !accept.hasPrefix("application/json")
    }

    /// HTML text escaping, for element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

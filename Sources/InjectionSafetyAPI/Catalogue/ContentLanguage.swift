import HTTPFramework
import HTTPServer
import JSONWriter

/// Language negotiation (RFC 9110 §12.5.4, RFC 4647 §3.4 lookup) over the
/// languages the content exists in. Today that is English only, so every answer
/// is English: a client asking for another language gets English with
/// `Content-Language: en` saying so, never a 406 (a patient is better served by
/// English than by nothing). When a translation is added to `available`, the
/// same code picks it.
enum ContentLanguage {
    /// Languages the patient-facing text exists in, the default first.
    static let available = ["en"]
    static var defaultLanguage: String { available[0] }

    /// The language to answer `request` in.
    static func negotiate(_ request: HTTPRequest) -> String {
        negotiate(acceptLanguage: request.headers["Accept-Language"])
    }

    /// The available language with the highest weight in `acceptLanguage`
    /// (ties: the earlier range), else the default. A malformed header is
    /// ignored, as if absent.
    static func negotiate(acceptLanguage: String?) -> String {
        guard let acceptLanguage, let ranges = parse(acceptLanguage) else { return defaultLanguage }
        var best: (language: String, weight: Double)?
        for range in ranges where range.weight > 0 {
            guard let language = match(range.tag) else { continue }
            if best.map({ range.weight > $0.weight }) ?? true { best = (language, range.weight) }
        }
        return best?.language ?? defaultLanguage
    }

    /// `en-GB` and `en` match `en`; `*` matches the default.
    static func match(_ tag: String) -> String? {
        if tag == "*" { return defaultLanguage }
        for language in available {
            if tag == language || tag.hasPrefix(language + "-") || language.hasPrefix(tag + "-") { return language }
        }
        return nil
    }

    /// `da, en-GB;q=0.8, en;q=0.7` as (lowercased tag, weight) pairs; `nil` if malformed.
    static func parse(_ header: String) -> [(tag: String, weight: Double)]? {
        var ranges: [(tag: String, weight: Double)] = []
        for element in header.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = element.split(separator: ";").map { String($0.trimmingWhitespace()) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty, tag.count <= 35,
                tag == "*"
                    || tag.split(separator: "-", omittingEmptySubsequences: false).allSatisfy({
                        (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
                    })
            else { return nil }
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0.trimmingWhitespace()) }
                guard pair.count == 2, pair[0].lowercased() == "q", pair[1].count <= 5,
                    let value = Double(pair[1]), (0...1).contains(value)
                else { return nil }
                weight = value
            }
            ranges.append((tag, weight))
        }
        return ranges.isEmpty ? nil : ranges
    }
}

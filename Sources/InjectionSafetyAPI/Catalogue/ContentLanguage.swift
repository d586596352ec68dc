import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// Language negotiation (RFC 9110 §12.5.4, RFC 4647 §3.4 lookup) over the
/// languages the patient texts exist in: English, and each translation built
/// into the library (``Translation/bundledLanguages``). A client asking for a
/// language the texts do not exist in gets the default (English unless the
/// clinic profile names another) with `Content-Language` saying so, never a
/// 406: a patient is better served by English than by nothing.
enum ContentLanguage {
    /// Every language the texts exist in, English first.
    static let available = ["en"] + Translation.bundledLanguages

    /// The language of `available` to answer `acceptLanguage` in: the one with
    /// the highest weight (ties: the earlier range), else `defaultLanguage`. A
    /// malformed header is ignored, as if absent.
    static func negotiate(
        acceptLanguage: String?, available: [String] = Self.available, defaultLanguage: String = "en"
    ) -> String {
        guard let acceptLanguage, let ranges = parse(acceptLanguage) else { return defaultLanguage }
        var best: (language: String, weight: Double)?
        for range in ranges where range.weight > 0 {
            guard let language = match(range.tag, available: available, defaultLanguage: defaultLanguage) else {
                continue
            }
            if best.map({ range.weight > $0.weight }) ?? true { best = (language, range.weight) }
        }
        return best?.language ?? defaultLanguage
    }

    /// `es-US`, `es-419` and `es` match `es`; `*` matches the default.
    static func match(_ tag: String, available: [String] = Self.available, defaultLanguage: String = "en")
        -> String?
    {
        if tag == "*" { return defaultLanguage }
        for language in available {
            if tag == language || tag.hasPrefix(language + "-") || language.hasPrefix(tag + "-") { return language }
        }
        return nil
    }

    /// The headers of an answer made for one request (triage, review) whose
    /// text is in `language`: not to be stored, which language it is, and that
    /// the choice depended on `Accept-Language`.
    static func answerHeaders(_ language: String) -> [(name: String, value: String)] {
        [("Cache-Control", "no-store"), ("Content-Language", language), ("Vary", "Accept-Language")]
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

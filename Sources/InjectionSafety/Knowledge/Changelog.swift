/// What changed in each reviewed version of the knowledge base, newest first,
/// and the clinician's sign-off (`changelog.json`). The newest version is
/// ``KnowledgeBase/contentVersion``; the integrity check holds them together.
public struct Changelog: Sendable, Codable, Hashable {
    /// Who reviewed the newest version, and when; both empty until someone signs.
    public struct SignOff: Sendable, Codable, Hashable {
        public var reviewedBy: String?
        /// An ISO 8601 date, `YYYY-MM-DD`.
        public var reviewedOn: String?

        public init(reviewedBy: String?, reviewedOn: String?) {
            self.reviewedBy = reviewedBy
            self.reviewedOn = reviewedOn
        }

        /// Both the reviewer and the date are given.
        public var isSigned: Bool { !KnowledgeBase.isBlank(reviewedBy) && !KnowledgeBase.isBlank(reviewedOn) }

        private enum CodingKeys: String, CodingKey { case reviewedBy, reviewedOn }

        /// Written out as `null` while empty, so a reader sees that nobody has signed.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(reviewedBy, forKey: .reviewedBy)
            try container.encode(reviewedOn, forKey: .reviewedOn)
        }
    }

    /// One reviewed version.
    public struct Version: Sendable, Codable, Hashable {
        /// `YEAR.MONTH.N`, e.g. `2026.12.1`.
        public var version: String
        /// When it was released, `YYYY-MM-DD`.
        public var date: String
        /// What changed, in plain sentences for clinicians.
        public var changes: [String]
    }

    public var signOff: SignOff
    /// Newest first.
    public var versions: [Version]

    /// The numbers of a `YEAR.MONTH.N` version, or nil when it is not one.
    static func versionNumbers(_ version: String) -> [Int]? {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 6,
                part.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let number = Int(part)
            else { return nil }
            numbers.append(number)
        }
        return numbers
    }

    /// Whether `text` is a calendar date written `YYYY-MM-DD`.
    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            year >= 1900, (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}

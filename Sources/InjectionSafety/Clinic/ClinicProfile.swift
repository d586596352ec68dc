/// The deploying clinic's own contacts and preferences, read once at start.
///
/// Every field is optional: a text that would name an absent contact uses the
/// neutral words of `patient-texts.json` instead ("your clinic", "your local
/// emergency number"). The profile holds nothing secret; `GET /v1/clinic`
/// returns it as it is in use.
public struct ClinicProfile: Sendable, Hashable {
    /// The unit blood glucose thresholds are shown in first.
    public enum GlucoseUnit: String, Sendable, CaseIterable {
        case milligramsPerDecilitre = "mg/dL"
        case millimolesPerLitre = "mmol/L"
    }

    /// The unit temperature thresholds are shown in first.
    public enum TemperatureUnit: String, Sendable, CaseIterable {
        case celsius
        case fahrenheit
    }

    /// The clinic's name as patients know it.
    public var name: String?
    /// The number to call in office hours.
    public var daytimePhone: String?
    /// The on-call number outside office hours.
    public var afterHoursPhone: String?
    /// The emergency number where the clinic is (911, 999, 112, 000).
    public var emergencyNumber: String?
    /// A crisis line for thoughts of self-harm (988 in the US).
    public var crisisLine: String?
    /// The clinic's website (an http or https URL).
    public var website: String?
    public var glucoseUnit: GlucoseUnit
    public var temperatureUnit: TemperatureUnit
    /// The language answered when a request names none the content has
    /// (checked against those languages by the API when the profile is loaded).
    public var defaultLanguage: String?

    /// No profile: neutral words, mg/dL and °C.
    public static let neutral = ClinicProfile()

    public init(
        name: String? = nil, daytimePhone: String? = nil, afterHoursPhone: String? = nil,
        emergencyNumber: String? = nil, crisisLine: String? = nil, website: String? = nil,
        glucoseUnit: GlucoseUnit = .milligramsPerDecilitre, temperatureUnit: TemperatureUnit = .celsius,
        defaultLanguage: String? = nil
    ) {
        self.name = name
        self.daytimePhone = daytimePhone
        self.afterHoursPhone = afterHoursPhone
        self.emergencyNumber = emergencyNumber
        self.crisisLine = crisisLine
        self.website = website
        self.glucoseUnit = glucoseUnit
        self.temperatureUnit = temperatureUnit
        self.defaultLanguage = defaultLanguage
    }

    /// Why a profile is refused, naming its field.
    public struct Invalid: Error, CustomStringConvertible, Sendable, Equatable {
        public let field: String
        public let message: String
        public var description: String { "\(field): \(message)" }
    }

    /// The fields, in the order they are documented, with what each accepts.
    public enum Field: String, CaseIterable, Sendable, Codable {
        case name, daytimePhone, afterHoursPhone, emergencyNumber, crisisLine, website
        case glucoseUnit, temperatureUnit, defaultLanguage

        /// The longest value accepted, in characters.
        public var maximumLength: Int {
            switch self {
            case .name: 80
            case .website: 200
            case .defaultLanguage: 35
            case .daytimePhone, .afterHoursPhone, .emergencyNumber, .crisisLine: 32
            case .glucoseUnit, .temperatureUnit: 16
            }
        }

        var isPhoneNumber: Bool {
            switch self {
            case .daytimePhone, .afterHoursPhone, .emergencyNumber, .crisisLine: true
            default: false
            }
        }
    }

    /// A field's value as a YAML or JSON reader gives it.
    public enum FieldValue: Sendable, Equatable {
        case string(String)
        /// `null`, or a YAML key with nothing after it: the field counts as left out.
        case null
        /// A number, a boolean, a list or a mapping, named for the message.
        case other(String)
    }

    /// A profile from its fields; every value must be a string. Unknown fields
    /// are refused (a misspelt field would otherwise be silently ignored and
    /// the patient told "your clinic").
    public init(fields: [String: FieldValue]) throws(Invalid) {
        self.init()
        for key in fields.keys.sorted() {
            guard let field = Field(rawValue: key) else {
                throw Invalid(
                    field: key,
                    message: "not a profile field (one of \(Field.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            switch fields[key] ?? .null {
            case .null: continue
            case .string(let text): try set(field, text)
            case .other(let kind):
                throw Invalid(
                    field: key,
                    message: field.isPhoneNumber
                        ? "must be a string, not \(kind): put the number in quotes (\"000\"), or leading zeros are lost"
                        : "must be a string, not \(kind)")
            }
        }
    }

    /// Checks and sets one field.
    public mutating func set(_ field: Field, _ value: String) throws(Invalid) {
        func fail(_ message: String) -> Invalid { Invalid(field: field.rawValue, message: message) }
        let text = String(value.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !text.isEmpty else { throw fail("is empty: leave the field out to use the neutral words") }
        guard text.count <= field.maximumLength else {
            throw fail("is longer than \(field.maximumLength) characters")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw fail("contains a control character")
        }
        guard !text.contains("{"), !text.contains("}") else { throw fail("contains { or }") }
        if field.isPhoneNumber {
            let allowed = Set("0123456789 +-().")
            guard text.allSatisfy(allowed.contains), text.contains(where: \.isNumber) else {
                throw fail("'\(text)' is not a phone number (digits, spaces and + - ( ) . only)")
            }
        }
        switch field {
        case .name: name = text
        case .daytimePhone: daytimePhone = text
        case .afterHoursPhone: afterHoursPhone = text
        case .emergencyNumber: emergencyNumber = text
        case .crisisLine: crisisLine = text
        case .website:
            let lower = text.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), !text.contains(" "),
                text.count > (lower.hasPrefix("https://") ? 8 : 7)
            else { throw fail("'\(text)' is not an http or https URL") }
            website = text
        case .glucoseUnit:
            guard let unit = GlucoseUnit(rawValue: text) else {
                throw fail("'\(text)' is not one of \(GlucoseUnit.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            glucoseUnit = unit
        case .temperatureUnit:
            guard let unit = TemperatureUnit(rawValue: text) else {
                throw fail(
                    "'\(text)' is not one of \(TemperatureUnit.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            temperatureUnit = unit
        case .defaultLanguage:
            guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw fail("'\(text)' is not a language tag (en, es, en-GB)")
            }
            defaultLanguage = text
        }
    }

    /// The value of a contact field, if given.
    public func value(of field: Field) -> String? {
        switch field {
        case .name: name
        case .daytimePhone: daytimePhone
        case .afterHoursPhone: afterHoursPhone
        case .emergencyNumber: emergencyNumber
        case .crisisLine: crisisLine
        case .website: website
        case .glucoseUnit: glucoseUnit.rawValue
        case .temperatureUnit: temperatureUnit.rawValue
        case .defaultLanguage: defaultLanguage
        }
    }

    /// A stable fingerprint of every field, for cache validators.
    public var fingerprint: String {
        var hash = ContentHash()
        for field in Field.allCases {
            hash.combine(Array(field.rawValue.utf8))
            hash.combine([0])
            hash.combine(Array((value(of: field) ?? "").utf8))
            hash.combine([value(of: field) == nil ? 1 : 2])
        }
        return hash.hexDigest
    }
}

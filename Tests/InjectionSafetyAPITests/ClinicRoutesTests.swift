import Foundation
import HTTPFramework
import HTTPServer
import InjectionSafety
import Logging
import Testing

@testable import InjectionSafetyAPI

/// The clinic profile: its file, `GET /v1/clinic`, and the answers and
/// validators that change with it.
struct ClinicRoutesTests {
    static let acmeYAML = """
        # The clinic's own contacts.
        name: Acme Spine Clinic
        daytimePhone: "555-0100"
        afterHoursPhone: "555-0199"
        emergencyNumber: "911"
        crisisLine: "988"
        website: https://acme.example.org
        glucoseUnit: mmol/L
        temperatureUnit: fahrenheit
        defaultLanguage: en
        """

    static let acme: LanguageRouter = {
        do {
            let profile = try ClinicProfileFile.parse(acmeYAML)
            return try Application.makeRouter(knowledgeBase: try KnowledgeBase.bundled(profile: profile))
        } catch {
            fatalError("\(error)")
        }
    }()

    static func respond(
        _ router: LanguageRouter, _ method: HTTPMethod, _ target: String, body: String? = nil
    ) -> HTTPResponse {
        var context = RequestContext(connection: ConnectionInfo(id: 1, peer: nil), logger: Logger(label: "test"))
        let headers = HTTPHeaders(body == nil ? [] : [("Content-Type", "application/json")])
        return router.respond(
            to: HTTPRequest(method: method, target: target, headers: headers, body: Array((body ?? "").utf8)),
            context: &context)
    }

    static func object(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    // MARK: - The file

    @Test func yamlAndJSONGiveTheSameProfile() throws {
        let yaml = try ClinicProfileFile.parse(Self.acmeYAML)
        let json = try ClinicProfileFile.parse(
            #"{"name":"Acme Spine Clinic","daytimePhone":"555-0100","afterHoursPhone":"555-0199","emergencyNumber":"911","crisisLine":"988","website":"https://acme.example.org","glucoseUnit":"mmol/L","temperatureUnit":"fahrenheit","defaultLanguage":"en"}"#
        )
        #expect(yaml == json)
        #expect(yaml.name == "Acme Spine Clinic" && yaml.emergencyNumber == "911")
        #expect(try ClinicProfileFile.parse("") == .neutral)
        #expect(try ClinicProfileFile.parse("# nothing given\n") == .neutral)
    }

    /// Each refusal names the field, or the line and what is wrong with it.
    @Test(arguments: [
        ("emergencyNumber: 911", "emergencyNumber: must be a string, not a number"),
        ("emergencyNumber: 000", "emergencyNumber: must be a string, not a number"),
        ("emergencyNumber: +1 800", "emergencyNumber: 'not-reached'"),
        ("crisisLine: [988]", "crisisLine: must be a string, not a list"),
        ("glucoseUnit: mmol", "glucoseUnit: 'mmol' is not one of mg/dL, mmol/L"),
        ("temperatureUnit: true", "temperatureUnit: must be a string, not true or false"),
        ("temperatureUnit: yes", "temperatureUnit: must be a string, not true or false"),
        ("defaultLanguage: fr", "defaultLanguage: 'fr' is not a language the texts exist in (en, es)"),
        ("website: acme.example.org", "website: 'acme.example.org' is not an http or https URL"),
        ("emergencyNumber: \"nine one one\"", "emergencyNumber: 'nine one one' is not a phone number"),
        ("name: A\nname: B", "name: given twice"),
        ("clinicName: Acme", "clinicName: not a profile field"),
        ("- name: Acme", "line 1: must be a mapping of fields"),
        ("name: Acme\n  daytimePhone: \"1\"", "line 2: indented"),
        ("name: \"Acme", "line 1: name: the quote is not closed"),
        ("name: &a Acme", "line 1: name: '&' starts YAML"),
        ("name:Acme", "line 1: put a space after the colon"),
        ("just words", "line 1: not a `field: value` line"),
        ("[\"Acme\"]", "must be a mapping of fields"),
        ("{\"name\": \"Acme\"", "not JSON"),
        ("{\"emergencyNumber\": 911}", "emergencyNumber: must be a string, not a number"),
    ])
    func refusalsNameTheField(text: String, message: String) {
        if message.hasSuffix("'not-reached'") {
            // A plain value that YAML reads as text (a space inside) is text: it passes.
            #expect((try? ClinicProfileFile.parse(text))?.emergencyNumber == "+1 800")
            return
        }
        #expect {
            _ = try ClinicProfileFile.parse(text)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    /// The YAML subset reads values as YAML does: quotes, comments, escapes, null.
    @Test func yamlValuesAreReadAsYAMLWould() throws {
        let profile = try ClinicProfileFile.parse(
            """
            ---
            # a comment line
            name: 'St. Mary''s "Spine" Unit'   # a comment after a value
            daytimePhone: "+44 (0)20 7946 0000"
            afterHoursPhone: 555 0199 # plain text with spaces
            emergencyNumber: "000"
            crisisLine:
            website: ~
            glucoseUnit: mmol/L\r
            """)
        #expect(profile.name == "St. Mary's \"Spine\" Unit")
        #expect(profile.daytimePhone == "+44 (0)20 7946 0000")
        #expect(profile.afterHoursPhone == "555 0199")
        #expect(profile.emergencyNumber == "000")
        #expect(profile.crisisLine == nil && profile.website == nil)
        #expect(profile.glucoseUnit == .millimolesPerLitre)
        #expect(try ClinicProfileFile.parse(#"name: "a \"quoted\" \\ name""#).name == #"a "quoted" \ name"#)
        for number in ["911", "000", "-1", "1.5", "1e3", "0x1F", "0o17", ".5", "1_000", "+12"] {
            #expect(ClinicProfileFile.isNumber(Substring(number)), "\(number)")
        }
        for text in ["555-0100", "+1 800", "1e", "e3", "12a", "0x", "1.2.3", "--1"] {
            #expect(!ClinicProfileFile.isNumber(Substring(text)), "\(text)")
        }
    }

    @Test func aMissingOrHugeFileIsRefusedNamingThePath() throws {
        #expect {
            _ = try ClinicProfileFile.load(path: "/nonexistent/profile.yaml")
        } throws: { error in
            "\(error)".hasPrefix("/nonexistent/profile.yaml: cannot be read")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("huge-profile-\(getpid()).yaml")
        try Data(repeating: UInt8(ascii: "#"), count: ClinicProfileFile.maximumBytes + 1).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        #expect {
            _ = try ClinicProfileFile.load(path: path.path)
        } throws: { error in
            "\(error)" == "\(path.path): larger than \(ClinicProfileFile.maximumBytes) bytes"
        }
    }

    /// The JSON Schema of the profile file lists exactly the fields the server
    /// reads, and `GET /v1/clinic`'s schema in openapi.yaml the same and `configured`.
    @Test func schemaAndOpenAPIListTheProfilesFields() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let schema = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: root.appendingPathComponent("deploy/clinic-profile.schema.json")))
                as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(ClinicProfile.Field.allCases.map(\.rawValue)))
        #expect(schema["additionalProperties"] as? Bool == false)
        let specification = try #require(EmbeddedOpenAPI.files["openapi.yaml"])
        let component = try #require(specification.range(of: "    ClinicProfile:\n"))
        let end = try #require(
            specification.range(of: "\n    TriageResult:", range: component.upperBound..<specification.endIndex))
        let block = specification[component.upperBound..<end.lowerBound]
        for name in ClinicProfile.Field.allCases.map(\.rawValue) + ["configured"] {
            #expect(block.contains("        \(name): {"), "openapi.yaml ClinicProfile lacks \(name)")
        }
    }

    // MARK: - GET /v1/clinic

    @Test func clinicReturnsTheProfileInUse() throws {
        let neutral = try Self.object(TestRouter.respond(.get, "/v1/clinic"))
        #expect(
            neutral as NSDictionary
                == [
                    "glucoseUnit": "mg/dL", "temperatureUnit": "celsius", "defaultLanguage": "en", "configured": false,
                ] as NSDictionary)
        let response = Self.respond(Self.acme, .get, "/v1/clinic")
        #expect(response.status == .ok)
        let acme = try Self.object(response)
        #expect(acme["name"] as? String == "Acme Spine Clinic")
        #expect(acme["afterHoursPhone"] as? String == "555-0199")
        #expect(acme["crisisLine"] as? String == "988")
        #expect(acme["glucoseUnit"] as? String == "mmol/L")
        #expect(acme["configured"] as? Bool == true)
        #expect(Self.respond(Self.acme, .get, "/v1/clinic?name=x").status == .unprocessableContent)
    }

    // MARK: - Answers and validators

    /// Every cached body whose texts the profile changes has another validator.
    @Test(arguments: [
        "/v1/clinic", "/v1/side-effects/low-grade-fever", "/v1/side-effects?q=fever", "/v1/side-effects",
        "/v1/checklists/post-procedure?injection=epidural-steroid",
        "/v1/checklists/pre-procedure?injection=epidural-steroid&format=fhir", "/v1/triage/rules",
    ])
    func validatorsDifferPerProfile(target: String) throws {
        let neutral = TestRouter.respond(.get, target)
        let acme = Self.respond(Self.acme, .get, target)
        #expect(neutral.status == .ok && acme.status == .ok)
        let neutralTag = try #require(neutral.header("ETag"))
        let acmeTag = try #require(acme.header("ETag"))
        #expect(neutralTag != acmeTag)
        #expect(neutral.body != acme.body)
    }

    @Test func triageNamesTheClinicsNumbersAndUnits() throws {
        let body = #"{"injection":"epidural-steroid","hoursSinceInjection":30,"symptoms":["fever"]}"#
        let object = try Self.object(Self.respond(Self.acme, .post, "/v1/triage", body: body))
        #expect(object["level"] as? String == "urgent")
        #expect(
            (object["action"] as? String)?.hasPrefix(
                "Call Acme Spine Clinic on 555-0100 or the on-call team on 555-0199") == true)
        let reasons = try #require(object["reasons"] as? [[String: Any]])
        #expect((reasons.first?["explanation"] as? String)?.contains("100.4 °F (38.0 °C)") == true)
        let groups = try #require(object["watchFor"] as? [[String: Any]])
        #expect(groups.first?["level"] as? String == "emergency")
        #expect(groups.first?["action"] as? String == "Call 911 or go to an emergency room now.")
        // A reading is asked in the clinic's unit; its id stays the rules' field.
        // (Deny the symptoms asked first until the temperature is asked.)
        var absent: [String] = []
        var request = ""
        var temperature: [String: Any] = [:]
        for _ in 0..<12 {
            request =
                #"{"injection":"epidural-steroid","hoursSinceInjection":30,"symptoms":["injection-site-pain"],"absentSymptoms":["#
            request += absent.map { "\"\($0)\"" }.joined(separator: ",") + "]}"
            let asked = try Self.object(Self.respond(Self.acme, .post, "/v1/triage", body: request))
            let questions = try #require(asked["questions"] as? [[String: Any]])
            if let found = questions.first(where: { $0["id"] as? String == "temperatureC" }) {
                temperature = found
                break
            }
            for question in questions {
                if let symptom = question["symptom"] as? String, question["answerType"] as? String == "yes-no" {
                    absent.append(symptom)
                }
                absent += question["symptoms"] as? [String] ?? []  // a group: none of them
            }
        }
        #expect(temperature["field"] as? String == "temperatureF")
        #expect(temperature["unit"] as? String == "°F")
        #expect(temperature["minimum"] as? Double == 77 && temperature["maximum"] as? Double == 113)
        let neutral = try Self.object(TestRouter.post("/v1/triage", request))
        let neutralTemperature = try #require(
            (neutral["questions"] as? [[String: Any]])?.first { $0["id"] as? String == "temperatureC" })
        #expect(neutralTemperature["field"] as? String == "temperatureC")
        // The other unit's field is accepted as the same question's id in `unknown`.
        let notAgain = try Self.object(
            Self.respond(
                Self.acme, .post, "/v1/triage",
                body: String(request.dropLast()) + #","unknown":["temperatureF"]}"#))
        #expect(
            (notAgain["questions"] as? [[String: Any]])?.contains { $0["id"] as? String == "temperatureC" } == false)
    }

    /// `watchFor` groups the signs by level, most urgent first, each group with its action.
    @Test func watchForIsGroupedByLevel() throws {
        let object = try Self.object(
            TestRouter.post(
                "/v1/triage",
                #"{"injection":"epidural-steroid","hoursSinceInjection":30,"symptoms":["injection-site-pain"]}"#))
        #expect(object["level"] as? String == "self-care")
        let groups = try #require(object["watchFor"] as? [[String: Any]])
        let levels = groups.compactMap { $0["level"] as? String }
        #expect(levels == ["emergency", "urgent", "contact-provider"])
        let texts = TestRouter.knowledgeBase.patientTexts
        #expect(
            groups.map { $0["action"] as? String } == [
                texts.action(for: .emergency), texts.action(for: .urgent), texts.action(for: .contactProvider),
            ])
        #expect(groups.allSatisfy { ($0["signs"] as? [String])?.isEmpty == false })
    }
}

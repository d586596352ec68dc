import Foundation
import TestSupport
import Testing

/// Two real servers started with two clinic profiles: each answers with its
/// own clinic's numbers and units, and their cached bodies have different
/// validators. A profile that does not check out stops the start with exit 2.
struct ClinicProfileIntegrationTests {
    static func write(_ text: String, suffix: String) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("clinic-profile-\(UUID().uuidString).\(suffix)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func object(_ response: CurlClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test func twoServersWithTwoProfilesAnswerEachWithItsOwn() throws {
        let acmePath = try Self.write(
            """
            name: Acme Spine Clinic
            daytimePhone: "555-0100"
            afterHoursPhone: "555-0199"
            emergencyNumber: "911"
            crisisLine: "988"
            temperatureUnit: fahrenheit
            """, suffix: "yaml")
        let harbourPath = try Self.write(
            #"{"name": "Harbour Pain Unit", "daytimePhone": "02 9999 0000", "emergencyNumber": "000", "glucoseUnit": "mmol/L"}"#,
            suffix: "json")
        defer {
            try? FileManager.default.removeItem(atPath: acmePath)
            try? FileManager.default.removeItem(atPath: harbourPath)
        }
        let acme = try ServerProcess(arguments: ["--clinic-profile", acmePath])
        defer { acme.stop() }
        let harbour = try ServerProcess(arguments: ["--clinic-profile", harbourPath])
        defer { harbour.stop() }
        let client = try CurlClient()

        let acmeClinic = try object(try client.request("GET", "\(acme.baseURL)/v1/clinic"))
        let harbourClinic = try object(try client.request("GET", "\(harbour.baseURL)/v1/clinic"))
        #expect(acmeClinic["name"] as? String == "Acme Spine Clinic")
        #expect(harbourClinic["emergencyNumber"] as? String == "000")
        #expect(harbourClinic["glucoseUnit"] as? String == "mmol/L")
        #expect(harbourClinic["afterHoursPhone"] == nil)

        let body = Array(
            #"{"injection":"epidural-steroid","hoursSinceInjection":30,"symptoms":["self-harm-thoughts"],"bloodGlucoseMgDl":320}"#
                .utf8)
        func triage(_ server: ServerProcess) throws -> [String: Any] {
            try object(
                try client.request(
                    "POST", "\(server.baseURL)/v1/triage", headers: ["Content-Type: application/json"],
                    upload: .fixed(body)))
        }
        let acmeTriage = try triage(acme)
        let harbourTriage = try triage(harbour)
        #expect(acmeTriage["action"] as? String == "Call 911 or go to an emergency room now.")
        #expect(harbourTriage["action"] as? String == "Call 000 or go to an emergency room now.")
        let acmeReasons = (acmeTriage["reasons"] as? [[String: Any]] ?? []).compactMap { $0["explanation"] as? String }
        let harbourReasons = (harbourTriage["reasons"] as? [[String: Any]] ?? []).compactMap {
            $0["explanation"] as? String
        }
        #expect(acmeReasons.contains { $0.contains("the crisis line on 988") })
        #expect(harbourReasons.contains { $0.contains("a crisis line") })
        #expect(acmeReasons.contains { $0.contains("300 mg/dL (16.7 mmol/L)") })
        #expect(harbourReasons.contains { $0.contains("16.7 mmol/L (300 mg/dL)") })

        // The same path, two profiles: two validators, and neither one's matches the other.
        for path in [
            "/v1/side-effects/low-grade-fever", "/v1/checklists/post-procedure?injection=epidural-steroid",
            "/v1/clinic",
        ] {
            let first = try client.request("GET", "\(acme.baseURL)\(path)")
            let second = try client.request("GET", "\(harbour.baseURL)\(path)")
            let tag = try #require(first.header("ETag"))
            #expect(tag != second.header("ETag"), "\(path)")
            let conditional = try client.request(
                "GET", "\(harbour.baseURL)\(path)", headers: ["If-None-Match: \(tag)"])
            #expect(conditional.status == 200, "\(path)")
            let same = try client.request("GET", "\(acme.baseURL)\(path)", headers: ["If-None-Match: \(tag)"])
            #expect(same.status == 304, "\(path)")
        }
    }

    /// A profile that does not check out stops the start: exit 2, naming the setting and the field.
    @Test(arguments: [
        ("emergencyNumber: 911\n", "emergencyNumber"),
        ("{\"name\": \"Acme\", \"phone\": \"555\"}", "phone"),
        ("glucoseUnit: mmol\n", "glucoseUnit"),
    ])
    func invalidProfileExitsTwoNamingTheField(text: String, field: String) throws {
        let path = try Self.write(text, suffix: "yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (arguments, environment) in [
            (["--clinic-profile", path], [String: String]()), ([], ["CLINIC_PROFILE": path]),
        ] {
            let result = try CommandLineIntegrationTests.run(
                arguments + ["--host", "127.0.0.1", "--port", "0"], environment: environment)
            #expect(result.status == 2, "output: \(result.output)")
            #expect(result.output.contains("--clinic-profile / CLINIC_PROFILE: \(path): \(field):"), "\(result.output)")
        }
    }
}

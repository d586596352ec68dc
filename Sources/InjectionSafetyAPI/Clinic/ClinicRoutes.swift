import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// `GET /v1/clinic`: the clinic profile in use, so a portal can show the same
/// numbers the answers give. Only the fields the profile gives, and the units
/// and language in use (given or default).
enum ClinicRoutes {
    static func register(in router: inout Router, knowledgeBase: KnowledgeBase) {
        let document = CachedResponse(body: body(knowledgeBase.profile))
        router.add(.get, "/v1/clinic") { request, _ in
            try QueryValidator.requireNoParameters(request.query)
            return document.response(to: request)
        }
    }

    static func body(_ profile: ClinicProfile) -> [UInt8] {
        var json: [UInt8] = [UInt8(ascii: "{")]
        let contacts: [ClinicProfile.Field] = [
            .name, .daytimePhone, .afterHoursPhone, .emergencyNumber, .crisisLine, .website,
        ]
        for field in contacts {
            guard let value = profile.value(of: field) else { continue }
            JSONString.append(field.rawValue, to: &json)
            json.append(UInt8(ascii: ":"))
            JSONString.append(value, to: &json)
            json.append(UInt8(ascii: ","))
        }
        json.append(jsonLiteral: #""glucoseUnit":"#)
        JSONString.append(profile.glucoseUnit.rawValue, to: &json)
        json.append(jsonLiteral: #","temperatureUnit":"#)
        JSONString.append(profile.temperatureUnit.rawValue, to: &json)
        json.append(jsonLiteral: #","defaultLanguage":"#)
        JSONString.append(profile.defaultLanguage ?? "en", to: &json)
        json.append(jsonLiteral: #","configured":"#)
        json.append(jsonLiteral: profile == .neutral ? "false}" : "true}")
        return json
    }
}

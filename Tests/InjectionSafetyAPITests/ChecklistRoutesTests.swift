import Foundation
import HTTPServer
import Testing

@testable import InjectionSafetyAPI

struct ChecklistRoutesTests {
    func object(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test(arguments: ["pre-procedure", "day-of-procedure", "post-procedure"])
    func everyPhaseAnswers(_ phase: String) throws {
        let response = TestRouter.respond(
            .get, "/v1/checklists/\(phase)?injection=epidural-steroid&conditions=diabetes,anticoagulant")
        #expect(response.status == .ok)
        let body = try object(response)
        #expect(body["phase"] as? String == phase)
        #expect(body["injection"] as? String == "epidural-steroid")
        #expect((body["items"] as? [[String: Any]])?.isEmpty == false)
        #expect((body["disclaimer"] as? String)?.contains("does not replace") == true)
        #expect(body["knowledgeBaseVersion"] is String)
        #expect(
            (body["personalisedBy"] as? [String: Any])?["conditions"] as? [String] == ["diabetes", "anticoagulant"])
    }

    @Test func unknownPhaseIs404() {
        #expect(TestRouter.respond(.get, "/v1/checklists/someday?injection=facet-joint").status == .notFound)
    }

    @Test(arguments: [
        ("", "injection"), ("injection=spinal-tap", "injection"),
        ("injection=facet-joint&conditions=diabetic", "conditions"),
        ("injection=facet-joint&medications=aspirin", "medications"), ("injection=facet-joint&colour=red", "colour"),
        ("injection=facet-joint&approach=caudal", "approach"), ("injection=facet-joint&sedation=maybe", "sedation"),
    ])
    func badQueryIs422NamingIt(query: String, field: String) throws {
        let response = TestRouter.respond(.get, "/v1/checklists/pre-procedure?\(query)")
        #expect(response.status == .unprocessableContent, "\(query)")
        let errors = try #require(try object(response)["errors"] as? [[String: Any]])
        #expect(errors.contains { $0["field"] as? String == field }, "\(errors)")
    }

    func review(_ body: String) -> HTTPResponse {
        TestRouter.post("/v1/checklists/pre-procedure/review", body, contentType: "application/json")
    }

    @Test func reviewDecides() throws {
        let postpone = try object(
            review(#"{"injection":"facet-joint","temperatureC":38.2,"conditions":["anticoagulant"]}"#))
        #expect(postpone["decision"] as? String == "postpone")
        #expect((postpone["reasons"] as? [[String: Any]])?.count ?? 0 >= 2)
        #expect((postpone["items"] as? [[String: Any]])?.isEmpty == false)
        let ready = try object(review(#"{"injection":"facet-joint"}"#))
        #expect(ready["decision"] as? String == "ready")
        #expect(review(#"{"injection":"facet-joint","temperature":38}"#).status == .unprocessableContent)
        #expect(review(#"{"conditions":["diabetes"]}"#).status == .unprocessableContent)
    }

    /// The three answers that used to come back `ready`.
    @Test(arguments: [
        (#"{"injection":"facet-joint","symptoms":["bowel-bladder-loss"]}"#, "emergency"),
        (#"{"injection":"epidural-steroid","symptoms":["chest-pain","difficulty-breathing"]}"#, "emergency"),
    ])
    func symptomsThatNeedCarePostponeWithTheTriage(body: String, level: String) throws {
        let response = review(body)
        #expect(response.status == .ok)
        let answer = try object(response)
        #expect(answer["decision"] as? String == "postpone")
        let reasons = try #require(answer["reasons"] as? [[String: Any]])
        #expect(
            reasons.contains {
                $0["ruleId"] as? String == "symptoms-need-care" && $0["decision"] as? String == "postpone"
            })
        let triage = try #require(answer["triage"] as? [String: Any])
        #expect(triage["level"] as? String == level)
        #expect((triage["action"] as? String)?.contains("emergency") == true)
        let triageReasons = try #require(triage["reasons"] as? [[String: Any]])
        #expect(!triageReasons.isEmpty)
        for reason in triageReasons {
            #expect(Set(reason.keys) == ["ruleId", "level", "symptoms", "explanation"], "\(reason)")
        }
        // The triage sits between the reasons and the items.
        let text = String(decoding: response.body, as: UTF8.self)
        let reasonsAt = try #require(text.range(of: #""reasons":"#)),
            triageAt = try #require(text.range(of: #""triage":"#))
        let itemsAt = try #require(text.range(of: #""items":"#))
        #expect(reasonsAt.lowerBound < triageAt.lowerBound && triageAt.lowerBound < itemsAt.lowerBound)
    }

    @Test func highBloodPressurePostponesAndNoSymptomMeansNoTriage() throws {
        let high = try object(review(#"{"injection":"facet-joint","systolicBloodPressure":210}"#))
        #expect(high["decision"] as? String == "postpone")
        #expect(
            (high["reasons"] as? [[String: Any]])?.map { $0["ruleId"] as? String } == ["blood-pressure-high-postpone"])
        #expect(high["triage"] == nil)
        #expect(
            try object(review(#"{"injection":"facet-joint","systolicBloodPressure":180}"#))["decision"] as? String
                == "postpone")
        #expect(
            try object(review(#"{"injection":"facet-joint","systolicBloodPressure":179}"#))["decision"] as? String
                == "ready")
        #expect(try object(review(#"{"injection":"facet-joint","symptoms":[]}"#))["triage"] == nil)
        #expect(review(#"{"injection":"facet-joint","systolicBloodPressure":301}"#).status == .unprocessableContent)
        #expect(review(#"{"injection":"facet-joint","systolicBloodPressure":"high"}"#).status == .unprocessableContent)
    }

    @Test(arguments: [
        (69, "discuss-with-provider"), (70, "ready"), (199, "ready"), (200, "discuss-with-provider"),
        (299, "discuss-with-provider"), (300, "postpone"),
    ])
    func bloodSugarBoundaries(glucose: Int, decision: String) throws {
        #expect(
            try object(review(#"{"injection":"facet-joint","bloodGlucoseMgDl":\#(glucose)}"#))["decision"] as? String
                == decision)
    }

    /// Without `hoursSinceInjection` the more urgent of early and late counts; with it, it is used.
    @Test(arguments: [
        (#"{"injection":"facet-joint","symptoms":["metallic-taste"]}"#, "postpone", "emergency"),
        (
            #"{"injection":"facet-joint","symptoms":["metallic-taste"],"hoursSinceInjection":30}"#, "ready",
            "contact-provider"
        ),
        (#"{"injection":"facet-joint","symptoms":["leg-weakness"]}"#, "postpone", "emergency"),
        (#"{"injection":"facet-joint","symptoms":["leg-weakness"],"hoursSinceInjection":2}"#, "ready", "self-care"),
        (
            #"{"injection":"facet-joint","symptoms":["injection-site-pain"],"sedation":true}"#, "ready",
            "contact-provider"
        ),
    ])
    func hoursAbsentOrGiven(body: String, decision: String, level: String) throws {
        let answer = try object(review(body))
        #expect(answer["decision"] as? String == decision, "\(body)")
        #expect((answer["triage"] as? [String: Any])?["level"] as? String == level, "\(body)")
    }

    /// The route reads the hours the decoder saw: absent is not 0.
    @Test func theDecoderSaysWhetherHoursWereGiven() throws {
        let absent = try TriageRequestDecoder.decodeWithSedation(
            Array(#"{"injection":"facet-joint"}"#.utf8), requireHours: false)
        #expect(!absent.hoursGiven && absent.request.hoursSinceInjection == 0)
        let zero = try TriageRequestDecoder.decodeWithSedation(
            Array(#"{"injection":"facet-joint","hoursSinceInjection":0,"sedation":true}"#.utf8), requireHours: false)
        #expect(zero.hoursGiven && zero.sedation)
        let pressure = try TriageRequestDecoder.decodeWithSedation(
            Array(#"{"injection":"facet-joint","systolicBloodPressure":142.5}"#.utf8), requireHours: false)
        #expect(pressure.request.systolicBloodPressure == 142.5)
    }

    @Test func handoutIsOnePrintableHTMLPageWithWarningSignsByLevel() throws {
        let response = TestRouter.respond(
            .get, "/v1/checklists/post-procedure?injection=epidural-steroid",
            headers: [("Accept", "text/html,application/xhtml+xml")])
        #expect(response.status == .ok)
        #expect(response.contentType == "text/html; charset=utf-8")
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<link"))
        #expect(html.contains("<style>"))
        let emergency = try #require(html.range(of: "class=\"level emergency\""))
        let urgent = try #require(html.range(of: "class=\"level urgent\""))
        #expect(emergency.lowerBound < urgent.lowerBound)
        #expect(html.contains("does not replace"))
        #expect(response.header("Vary") == "Accept, Accept-Language")
    }

    /// The list a patient takes home says not to drive: 12 to 24 hours, or
    /// 24 hours after sedation, under "Getting home".
    @Test func handoutSaysNotToDrive() throws {
        for (query, wording) in [("", "12 to 24 hours"), ("&sedation=true", "do not drive for 24 hours")] {
            let response = TestRouter.respond(
                .get, "/v1/checklists/post-procedure?injection=trigger-point\(query)",
                headers: [("Accept", "text/html")])
            let html = String(decoding: response.body, as: UTF8.self)
            let heading = try #require(html.range(of: "<h2>Getting home</h2>"), "\(query)")
            let after = html[heading.upperBound...]
            #expect(after.prefix(400).contains(wording), "\(query)")
        }
    }

    @Test func handoutEscapesText() {
        #expect(HTMLPage.escape("a<b & \"c\" 'd'") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;")
    }
}

/// The pre-procedure questions as FHIR, and answers to them.
struct FHIRQuestionnaireTests {
    func object(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test func questionnaireHasTheQuestionsAndFollowUps() throws {
        let response = TestRouter.respond(
            .get, "/v1/checklists/pre-procedure?injection=facet-joint", headers: [("Accept", "application/fhir+json")])
        #expect(response.status == .ok)
        #expect(response.contentType == "application/fhir+json")
        let body = try object(response)
        #expect(body["resourceType"] as? String == "Questionnaire")
        #expect(body["status"] as? String == "active")
        let items = try #require(body["item"] as? [[String: Any]])
        let glucose = try #require(items.first { $0["linkId"] as? String == "blood-glucose" })
        #expect(glucose["type"] as? String == "decimal")
        let enable = try #require((glucose["enableWhen"] as? [[String: Any]])?.first)
        #expect(enable["question"] as? String == "condition-diabetes")
        let group = try #require(items.first { $0["linkId"] as? String == "conditions" }?["item"] as? [[String: Any]])
        #expect(group.count == 14)
        let pressure = try #require(items.first { $0["linkId"] as? String == "systolic-blood-pressure" })
        #expect(pressure["type"] as? String == "decimal")
        let extensions = try #require(pressure["extension"] as? [[String: Any]])
        #expect(extensions.contains { ($0["valueCoding"] as? [String: Any])?["code"] as? String == "mm[Hg]" })
        #expect(
            extensions.contains {
                $0["url"] as? String == "http://hl7.org/fhir/StructureDefinition/minValue"
                    && $0["valueDecimal"] as? Int == 50
            })
        #expect(
            extensions.contains {
                $0["url"] as? String == "http://hl7.org/fhir/StructureDefinition/maxValue"
                    && $0["valueDecimal"] as? Int == 300
            })
        let newSymptoms = try #require(items.first { $0["linkId"] as? String == "new-symptoms" })
        #expect(newSymptoms["type"] as? String == "boolean")
        let symptoms = try #require(items.first { $0["linkId"] as? String == "symptoms" })
        #expect(symptoms["type"] as? String == "choice")
        #expect(symptoms["repeats"] as? Bool == true)
        let symptomsWhen = try #require((symptoms["enableWhen"] as? [[String: Any]])?.first)
        #expect(symptomsWhen["question"] as? String == "new-symptoms" && symptomsWhen["answerBoolean"] as? Bool == true)
        let options = try #require(symptoms["answerOption"] as? [[String: Any]]).compactMap {
            $0["valueCoding"] as? [String: Any]
        }
        #expect(options.compactMap { $0["code"] as? String } == TestRouter.knowledgeBase.symptoms.map(\.code.rawValue))
        #expect(options.compactMap { $0["display"] as? String } == TestRouter.knowledgeBase.symptoms.map(\.label))
        #expect(
            TestRouter.respond(.get, "/v1/checklists/pre-procedure?injection=facet-joint&format=fhir").contentType
                == "application/fhir+json")
        #expect(
            TestRouter.respond(.get, "/v1/checklists/day-of-procedure?injection=facet-joint&format=fhir").status
                == .notAcceptable)
    }

    func review(_ body: String) -> HTTPResponse {
        TestRouter.post("/v1/checklists/pre-procedure/review", body, contentType: "application/fhir+json")
    }

    @Test func questionnaireResponseIsReviewed() throws {
        let answered = review(
            #"{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"epidural-steroid"}}]},"#
                + #"{"linkId":"conditions","item":[{"linkId":"condition-anticoagulant","answer":[{"valueBoolean":true}]}]}]}"#
        )
        #expect(try object(answered)["decision"] as? String == "discuss-with-provider")
        let fever = review(
            #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},"#
                + #"{"linkId":"fever","answer":[{"valueBoolean":true}]},{"linkId":"temperature","answer":[{"valueDecimal":37.2}]}]}"#
        )
        #expect(try object(fever)["decision"] as? String == "postpone")
    }

    static let injectionItem = #"{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]}"#

    func answered(_ items: String...) -> HTTPResponse {
        review(
            #"{"resourceType":"QuestionnaireResponse","item":["# + ([Self.injectionItem] + items).joined(separator: ",")
                + "]}")
    }

    static func symptomsItem(_ codes: String...) -> String {
        #"{"linkId":"symptoms","answer":["# + codes.map { #"{"valueCoding":{"code":"\#($0)"}}"# }.joined(separator: ",")
            + "]}"
    }

    static let newSymptomsYes = #"{"linkId":"new-symptoms","answer":[{"valueBoolean":true}]}"#

    @Test func newSymptomsAndBloodPressureAreReviewed() throws {
        let bladder = try object(answered(Self.newSymptomsYes, Self.symptomsItem("bowel-bladder-loss")))
        #expect(bladder["decision"] as? String == "postpone")
        #expect((bladder["triage"] as? [String: Any])?["level"] as? String == "emergency")
        let chest = try object(answered(Self.newSymptomsYes, Self.symptomsItem("chest-pain", "difficulty-breathing")))
        #expect((chest["triage"] as? [String: Any])?["level"] as? String == "emergency")
        #expect(
            (chest["reasons"] as? [[String: Any]])?.contains { $0["ruleId"] as? String == "symptoms-need-care" } == true
        )
        // Without hours, leg weakness reads as late (not the numbing medicine).
        let weakness = try object(answered(Self.newSymptomsYes, Self.symptomsItem("leg-weakness")))
        #expect(weakness["decision"] as? String == "postpone")
        let pressure = try object(answered(#"{"linkId":"systolic-blood-pressure","answer":[{"valueDecimal":210}]}"#))
        #expect(pressure["decision"] as? String == "postpone")
        #expect(pressure["triage"] == nil)
        let normal = try object(answered(#"{"linkId":"systolic-blood-pressure","answer":[{"valueDecimal":179}]}"#))
        #expect(normal["decision"] as? String == "ready")
        let none = try object(
            answered(#"{"linkId":"new-symptoms","answer":[{"valueBoolean":false}]}"#, #"{"linkId":"symptoms"}"#))
        #expect(none["decision"] as? String == "ready")
        #expect(none["triage"] == nil)
        // A fever answered yes is a symptom, and chosen in the list too it counts once.
        let fever = try object(
            answered(
                #"{"linkId":"fever","answer":[{"valueBoolean":true}]}"#, Self.newSymptomsYes, Self.symptomsItem("fever")
            ))
        #expect((fever["triage"] as? [String: Any])?["level"] as? String == "urgent")
    }

    @Test func theQuestionnaireResponseReaderFillsTheRequest() throws {
        let body = try FHIRQuestionnaire.reviewRequest(
            from: Array(
                (#"{"resourceType":"QuestionnaireResponse","item":["# + Self.injectionItem + ","
                    + #"{"linkId":"systolic-blood-pressure","answer":[{"valueDecimal":150}]},"# + Self.newSymptomsYes
                    + ","
                    + Self.symptomsItem("nausea", "hives") + "]}").utf8))
        #expect(body.request.systolicBloodPressure == 150)
        #expect(body.request.symptoms.map(\.code) == [.nausea, .hives])
        #expect(!body.hoursGiven)
    }

    /// Each problem with the new questions is 422 with a pointer to it.
    @Test(arguments: [
        (symptomsItem("leg-weakness", "hiccup"), "/item/2/answer/1/valueCoding", "Unknown symptom"),
        (symptomsItem("nausea", "nausea"), "/item/2/answer/1/valueCoding", "more than once"),
        (#"{"linkId":"symptoms","answer":[]}"#, "/item/2/answer", "one or more"),
        (
            #"{"linkId":"symptoms","answer":[{"valueCoding":{"code":"nausea"}},"nausea"]}"#, "/item/2/answer",
            "one or more"
        ),
        (
            #"{"linkId":"symptoms","answer":[{"valueString":"nausea"}]}"#, "/item/2/answer/0/valueCoding",
            "Unknown symptom"
        ),
        (#"{"linkId":"symptoms","answer":{"valueCoding":{"code":"nausea"}}}"#, "/item/2/answer", "one or more"),
        (
            #"{"linkId":"new-symptoms","answer":[{"valueBoolean":true},{"valueBoolean":false}]}"#, "/item/2/answer",
            "exactly one"
        ),
        (
            #"{"linkId":"new-symptoms","answer":[{"valueString":"yes"}]}"#, "/item/2/answer/0/valueBoolean",
            "true or false"
        ),
        (
            #"{"linkId":"systolic-blood-pressure","answer":[{"valueDecimal":301}]}"#, "/item/2/answer/0/valueDecimal",
            "50.0 to 300.0"
        ),
        (
            #"{"linkId":"systolic-blood-pressure","answer":[{"valueDecimal":49.5}]}"#, "/item/2/answer/0/valueDecimal",
            "50.0 to 300.0"
        ),
        (
            #"{"linkId":"systolic-blood-pressure","answer":[{"valueInteger":150}]}"#, "/item/2/answer/0/valueDecimal",
            "decimal"
        ),
        (
            #"{"linkId":"systolic-blood-pressure","answer":[{"valueDecimal":150},{"valueDecimal":160}]}"#,
            "/item/2/answer", "exactly one"
        ),
        (#"{"linkId":"symptoms"},{"linkId":"symptoms"}"#, "/item/3/linkId", "more than once"),
    ])
    func badSymptomAndBloodPressureAnswersAre422(item: String, pointer: String, detail: String) throws {
        let response = answered(#"{"linkId":"sedation","answer":[{"valueBoolean":false}]}"#, item)
        #expect(response.status == .unprocessableContent, "\(item)")
        let errors = try #require(try object(response)["errors"] as? [[String: Any]])
        #expect(
            errors.contains {
                $0["pointer"] as? String == pointer && ($0["detail"] as? String)?.contains(detail) == true
            }, "\(errors)")
    }

    /// Answers that contradict each other are refused rather than settled by a guess.
    @Test func contradictoryAnswersAre422() throws {
        func pointers(_ response: HTTPResponse) throws -> [String] {
            #expect(response.status == .unprocessableContent)
            return try #require(try object(response)["errors"] as? [[String: Any]]).compactMap {
                $0["pointer"] as? String
            }
        }
        let saidNo = answered(
            #"{"linkId":"new-symptoms","answer":[{"valueBoolean":false}]}"#, Self.symptomsItem("nausea"))
        #expect(try pointers(saidNo) == ["/item/2/answer"])
        #expect(try pointers(answered(Self.newSymptomsYes)) == ["/item/1/answer/0/valueBoolean"])
        #expect(
            try pointers(answered(Self.newSymptomsYes, #"{"linkId":"symptoms"}"#)) == ["/item/1/answer/0/valueBoolean"])
        let fever = answered(
            #"{"linkId":"fever","answer":[{"valueBoolean":false}]}"#, Self.symptomsItem("nausea", "fever"))
        #expect(try pointers(fever) == ["/item/2/answer/1/valueCoding"])
        // Symptoms chosen without the yes/no are read: a reported symptom is not dropped.
        #expect(try object(answered(Self.symptomsItem("seizure")))["decision"] as? String == "postpone")
    }

    @Test func badQuestionnaireResponsesAre422WithPointers() throws {
        let unknown = review(
            #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},{"linkId":"shoe-size","answer":[{"valueInteger":9}]}]}"#
        )
        #expect(unknown.status == .unprocessableContent)
        #expect(String(decoding: unknown.body, as: UTF8.self).contains("/item/1/linkId"))
        #expect(review(#"{"resourceType":"Patient"}"#).status == .unprocessableContent)
        #expect(review(#"{"resourceType":"QuestionnaireResponse","item":[]}"#).status == .unprocessableContent)
        #expect(
            review(
                #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},{"linkId":"temperature","answer":[{"valueDecimal":99}]}]}"#
            ).status == .unprocessableContent)
    }

    /// An answer the review would not read is refused, not dropped: a blood thinner
    /// answered in the wrong shape must not come back `ready`.
    @Test(arguments: [
        #"{"linkId":"condition-anticoagulant","answer":{"valueBoolean":true}}"#,
        #"{"linkId":"condition-anticoagulant","answer":[{"valueBoolean":false},{"valueBoolean":true}]}"#,
        #"{"linkId":"condition-anticoagulant","answer":[]}"#,
        #"{"linkId":"condition-anticoagulant","answer":[true]}"#,
        #"{"linkId":"conditions","answer":[{"valueBoolean":true}]}"#,
        #"{"linkId":"shoe-size"}"#,
        #"{"linkId":"conditions","item":[{"linkId":"condition-anticoagulants"}]}"#,
    ])
    func answersThatWouldBeIgnoredAre422(item: String) throws {
        let response = review(
            #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},"#
                + item + "]}")
        #expect(response.status == .unprocessableContent, "\(item)")
        #expect(String(decoding: response.body, as: UTF8.self).contains("/item/1"), "\(item)")
    }

    /// A question answered twice is refused, whichever answer came last: a fever
    /// answered `true`, then `false`, must not come back `ready`.
    @Test(arguments: [
        #"{"linkId":"fever","answer":[{"valueBoolean":true}]},{"linkId":"fever","answer":[{"valueBoolean":false}]}"#,
        #"{"linkId":"fever"},{"linkId":"fever","answer":[{"valueBoolean":false}]}"#,
        #"{"linkId":"temperature","answer":[{"valueDecimal":38.5}]},{"linkId":"temperature","answer":[{"valueDecimal":36.6}]}"#,
        #"{"linkId":"conditions","item":[{"linkId":"condition-anticoagulant","answer":[{"valueBoolean":true}]}]},{"linkId":"condition-anticoagulant","answer":[{"valueBoolean":false}]}"#,
        #"{"linkId":"conditions","item":[]},{"linkId":"conditions","item":[]}"#,
        #"{"linkId":"injection","answer":[{"valueCoding":{"code":"trigger-point"}}]},{"linkId":"fever"}"#,
    ])
    func aQuestionAnsweredTwiceIs422(items: String) throws {
        let response = review(
            #"{"resourceType":"QuestionnaireResponse","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},"#
                + items + "]}")
        #expect(response.status == .unprocessableContent, "\(items)")
        #expect(String(decoding: response.body, as: UTF8.self).contains("appears more than once"), "\(items)")
    }

    @Test func unansweredQuestionsAndTheGroupAreAccepted() throws {
        let response = review(
            #"{"resourceType":"QuestionnaireResponse","status":"in-progress","item":[{"linkId":"injection","answer":[{"valueCoding":{"code":"facet-joint"}}]},"#
                + #"{"linkId":"fever"},{"linkId":"conditions","item":[{"linkId":"condition-diabetes"}]}]}"#)
        #expect(response.status == .ok)
        #expect(try object(response)["decision"] as? String == "ready")
    }
}

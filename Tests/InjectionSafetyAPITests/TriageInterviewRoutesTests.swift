import Foundation
import HTTPServer
import Testing

@testable import InjectionSafetyAPI

/// `POST /v1/triage` as a guided interview: questions, `complete`, and the
/// interview's own fields refused where they do not belong.
struct TriageInterviewRoutesTests {
    func post(_ body: String, target: String = "/v1/triage") throws -> (HTTPResponse, [String: Any]) {
        let response = TestRouter.post(target, body)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return (response, object)
    }

    @Test func questionsCarryTheirAnswerTypeTextAndLevel() throws {
        let (response, object) = try post(
            #"{"injection":"epidural-steroid","hoursSinceInjection":30,"symptoms":["headache","injection-site-redness"]}"#
        )
        #expect(response.status == .ok)
        #expect(object["complete"] as? Bool == false)
        let questions = try #require(object["questions"] as? [[String: Any]])
        #expect((1...5).contains(questions.count))
        for question in questions {
            #expect(question["id"] is String && question["text"] is String && question["wouldRaiseTo"] is String)
            switch question["answerType"] as? String {
            case "yes-no":
                #expect(question["symptom"] is String || question["field"] as? String == "noOtherSymptoms")
            case "choose-any":
                let codes = try #require(question["symptoms"] as? [String])
                let options = try #require(question["options"] as? [[String: Any]])
                #expect(codes.count > 1)
                #expect(options.compactMap { $0["symptom"] as? String } == codes)
                #expect(options.allSatisfy { ($0["text"] as? String)?.isEmpty == false })
            case "choice": #expect(question["field"] as? String == "severity" && question["choices"] is [String])
            case "number":
                #expect(
                    question["unit"] is String && question["minimum"] is NSNumber && question["maximum"] is NSNumber)
            default: Issue.record("answer type \(question["answerType"] ?? "none")")
            }
        }
    }

    @Test func anEmergencyHasNoQuestionsAndIsComplete() throws {
        let (_, object) = try post(#"{"injection":"facet-joint","hoursSinceInjection":2,"symptoms":["seizure"]}"#)
        #expect(object["level"] as? String == "emergency")
        #expect((object["questions"] as? [Any])?.isEmpty == true)
        #expect(object["complete"] as? Bool == true)
    }

    @Test func deniedSymptomsAndUnknownQuestionsAreNotAskedAgain() throws {
        let body = #"{"injection":"epidural-steroid","hoursSinceInjection":30,"symptoms":["headache"]"#
        let (_, first) = try post(body + "}")
        let ids = try #require((first["questions"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
        let absent = ids.filter {
            !$0.contains("/") && !$0.contains(":") && $0 != "other-symptoms" && $0 != "temperatureC"
                && $0 != "bloodGlucoseMgDl" && $0 != "systolicBloodPressure"
        }
        let unknown = ids.filter { !absent.contains($0) }
        let list = { (values: [String]) in "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        let (_, second) = try post(body + #","absentSymptoms":"# + list(absent) + #","unknown":"# + list(unknown) + "}")
        let again = (second["questions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(Set(again).isDisjoint(with: ids), "asked again: \(Set(again).intersection(ids))")
    }

    @Test func aSymptomBothReportedAndDeniedOrAnUnknownIdIs422() throws {
        let (response, object) = try post(
            #"{"injection":"facet-joint","hoursSinceInjection":2,"symptoms":["headache"],"absentSymptoms":["headache"],"unknown":["thermometer"]}"#
        )
        #expect(response.status == .unprocessableContent)
        let pointers = (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
        #expect(Set(pointers) == ["/absentSymptoms/0", "/unknown/0"])
    }

    /// The review reads a triage body but is no interview: its fields are unknown there.
    @Test func theReviewRefusesTheInterviewsFields() throws {
        let (response, object) = try post(
            #"{"injection":"facet-joint","absentSymptoms":["headache"]}"#, target: "/v1/checklists/pre-procedure/review"
        )
        #expect(response.status == .unprocessableContent)
        let pointers = (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
        #expect(pointers == ["/absentSymptoms"])
    }
}

/// Readings in °F and mmol/L on the wire.
struct ReadingUnitsRoutesTests {
    func post(_ body: String, target: String = "/v1/triage") throws -> (HTTPResponse, [String: Any]) {
        let response = TestRouter.post(target, body)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return (response, object)
    }

    @Test func fahrenheitAndMillimolesGiveTheSameAnswerAsTheirConversions() throws {
        let base = #"{"injection":"epidural-steroid","hoursSinceInjection":30,"conditions":["diabetes"],"#
        let (_, fahrenheit) = try post(base + #""temperatureF":100.4}"#)
        let (_, celsius) = try post(base + #""temperatureC":38.0}"#)
        #expect(fahrenheit["level"] as? String == celsius["level"] as? String)
        #expect(fahrenheit["level"] as? String == "urgent")
        let (_, millimoles) = try post(base + #""bloodGlucoseMmolL":3.0}"#)
        let (_, milligrams) = try post(base + #""bloodGlucoseMgDl":54}"#)
        #expect(millimoles["level"] as? String == milligrams["level"] as? String)
        let (review, _) = try post(
            #"{"injection":"facet-joint","bloodGlucoseMmolL":5.5,"temperatureF":98.6}"#,
            target: "/v1/checklists/pre-procedure/review")
        #expect(review.status == .ok)
    }

    @Test func bothUnitsOfOneReadingAre422NamingBoth() throws {
        let (response, object) = try post(
            #"{"injection":"facet-joint","hoursSinceInjection":2,"temperatureC":38,"temperatureF":100.4,"bloodGlucoseMgDl":90,"bloodGlucoseMmolL":5}"#
        )
        #expect(response.status == .unprocessableContent)
        let pointers = (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
        #expect(Set(pointers) == ["/temperatureC", "/temperatureF", "/bloodGlucoseMgDl", "/bloodGlucoseMmolL"])
    }

    @Test(arguments: [
        #""temperatureF":76.9"#, #""temperatureF":113.1"#, #""bloodGlucoseMmolL":0.5"#, #""bloodGlucoseMmolL":111.1"#,
    ])
    func outOfRangeIs422(_ member: String) throws {
        let (response, _) = try post(#"{"injection":"facet-joint","hoursSinceInjection":2,"# + member + "}")
        #expect(response.status == .unprocessableContent)
    }
}

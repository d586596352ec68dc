import FoundationEssentials
import HTTPFramework
import HTTPServer
import InjectionSafety
import JSONWriter

/// `POST /v1/triage` and `GET /v1/triage/rules`.
struct TriageRoutes: Sendable {
    let engine: TriageEngine
    /// The answer's fixed texts, quoted once.
    let texts: TriageAnswerTexts
    /// The rule book as JSON, and as a printable HTML page.
    /// The headers of every triage answer (made once).
    let answerHeaders: [(name: String, value: String)]
    let rulesDocument: CachedResponse
    let rulesPage: CachedResponse
    let metrics: ApplicationMetrics

    /// The answer's JSON (field names are the contract in domain.md), written
    /// straight to bytes: this is the hot path, and `JSONEncoder` cost more
    /// than the triage itself.
    static func encode(
        _ result: TriageResult, interview: TriageInterview?, knowledgeBase: KnowledgeBase, texts: TriageAnswerTexts
    ) -> [UInt8] {
        // One buffer, appended to in place (no closure captures it, so no
        // boxed variable and no dynamic exclusivity check per append), and each
        // member name written with its punctuation as one literal.
        var json: [UInt8] = []
        json.reserveCapacity(8192)
        json.append(jsonLiteral: #"{"level":"#)
        json.append(contentsOf: texts.levels[result.level.ordinal])
        json.append(jsonLiteral: #","action":"#)
        JSONString.append(result.action, to: &json)
        json.append(jsonLiteral: #","reasons":["#)
        for (index, reason) in result.reasons.enumerated() {
            json.append(jsonLiteral: index == 0 ? #"{"ruleId":"# : #",{"ruleId":"#)
            let rule = reason.ruleIndex.map { texts.rules[$0] }
            if let rule { json.append(contentsOf: rule.id) } else { JSONString.append(reason.ruleID, to: &json) }
            json.append(jsonLiteral: #","level":"#)
            json.append(contentsOf: texts.levels[reason.level.ordinal])
            json.append(jsonLiteral: #","symptoms":["#)
            for (index, symptom) in reason.symptoms.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                json.append(contentsOf: texts.symptomCodes[symptom.ordinal])
            }
            json.append(jsonLiteral: #"],"facts":"#)
            JSONString.appendArray(reason.facts, to: &json)
            if let rule {
                json.append(contentsOf: rule.tail)
            } else {
                TriageAnswerTexts.appendTail(
                    explanation: reason.explanation, sideEffect: reason.sideEffect, sources: reason.sources, to: &json)
            }
            json.append(UInt8(ascii: "}"))
        }
        json.append(jsonLiteral: #"],"possibleSideEffects":"#)
        JSONString.appendArray(result.possibleSideEffects.lazy.map(\.rawValue), to: &json)
        // Grouped by level, most urgent first, each group with what to do.
        json.append(jsonLiteral: #","watchFor":["#)
        var index = 0
        while index < result.watchFor.count {
            let level = result.watchFor[index].level
            json.append(jsonLiteral: index == 0 ? #"{"level":"# : #",{"level":"#)
            json.append(contentsOf: texts.levels[level.ordinal])
            json.append(jsonLiteral: #","action":"#)
            json.append(contentsOf: texts.levelActions[level.ordinal])
            json.append(jsonLiteral: #","signs":["#)
            var first = true
            while index < result.watchFor.count, result.watchFor[index].level == level {
                if !first { json.append(UInt8(ascii: ",")) }
                first = false
                json.append(contentsOf: texts.signs[result.watchFor[index].index])
                index += 1
            }
            json.append(jsonLiteral: "]}")
        }
        json.append(UInt8(ascii: "]"))
        json.append(jsonLiteral: #","selfCare":"#)
        JSONString.appendArray(result.selfCare, to: &json)
        if let interview {
            json.append(jsonLiteral: #","questions":["#)
            for (index, question) in interview.questions.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                appendQuestion(question, knowledgeBase: knowledgeBase, texts: texts, to: &json)
            }
            json.append(jsonLiteral: interview.complete ? #"],"complete":true"# : #"],"complete":false"#)
        }
        json.append(jsonLiteral: #","followUp":"#)
        JSONString.append(result.followUp, to: &json)
        json.append(jsonLiteral: #","knowledgeBaseVersion":"#)
        JSONString.append(result.knowledgeBaseVersion, to: &json)
        json.append(jsonLiteral: #","disclaimer":"#)
        JSONString.append(result.disclaimer, to: &json)
        json.append(UInt8(ascii: "}"))
        return json
    }

    /// One interview question: its id and text, how it is answered, what it
    /// fills in the request, and the level its answer could lead to.
    static func appendQuestion(
        _ question: TriageInterview.Question, knowledgeBase: KnowledgeBase, texts: TriageAnswerTexts,
        to json: inout [UInt8]
    ) {
        switch question.fact {
        case .symptom(let code):
            json.append(contentsOf: texts.symptomQuestionHeads[code.ordinal])
        case .severity(let code):
            json.append(contentsOf: texts.severityQuestionHeads[code.ordinal])
        case .anyOf(let group, let symptoms):
            // Every symptom of the question is of its group (and there are two or more).
            if let first = symptoms.first {
                json.append(contentsOf: texts.groupQuestionHeads[knowledgeBase.symptomGroupIndex[first.ordinal]])
            } else {
                json.append(contentsOf: TriageAnswerTexts.groupQuestionHead(group, knowledgeBase))
            }
            for (index, code) in symptoms.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                json.append(contentsOf: texts.symptomCodes[code.ordinal])
            }
            json.append(jsonLiteral: #"],"options":["#)
            for (index, code) in symptoms.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                json.append(contentsOf: texts.symptomOptions[code.ordinal])
            }
            json.append(jsonLiteral: #"],"wouldRaiseTo":"#)
        case .otherSymptoms:
            json.append(contentsOf: texts.otherSymptomsQuestionHead)
        case .reading(let reading):
            json.append(
                contentsOf: texts.readingQuestionHeads[TriageInterview.Reading.allCases.firstIndex(of: reading) ?? 0])
        }
        json.append(contentsOf: texts.levels[question.wouldRaiseTo.ordinal])
        json.append(UInt8(ascii: "}"))
    }

    /// The rule book: what each node type means, the shared definitions, the
    /// policy for symptoms the patient already had, every triage and review
    /// rule with its condition as a sentence (`reads`) and the rows of the rule
    /// tables about it, the sources with the kind of publication each is, the
    /// changelog and the clinical sign-off.
    struct RulesDocument: Encodable {
        struct NodeType: Encodable {
            var node: String
            var meaning: String
        }

        /// A row of a rule table, under the rule it is about.
        struct Row: Encodable {
            var fires: Bool
            /// `level` or `decision`.
            var outcomeField: String
            var outcome: String
            var request: JSONValue
            var why: String

            init<Outcome>(_ row: RuleTableRow<Outcome>) throws {
                fires = row.fires
                outcomeField = Outcome.tableField
                outcome = row.outcome.rawValue
                request = try JSONParser.parse(Array(row.request.utf8))
                why = row.why
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: JSONValue.MemberKey.self)
                try container.encode(fires, forKey: .init("fires"))
                try container.encode(outcome, forKey: .init(outcomeField))
                try container.encode(request, forKey: .init("request"))
                try container.encode(why, forKey: .init("why"))
            }
        }

        /// A rule or a definition with its condition in words beside it, and,
        /// for a rule, the rows of its rule table.
        struct Readable<Entry: Encodable>: Encodable {
            var entry: Entry
            var reads: String?
            var rows: [Row]?

            private enum Key: String, CodingKey { case reads, rows }

            func encode(to encoder: any Encoder) throws {
                try entry.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encodeIfPresent(reads, forKey: .reads)
                try container.encodeIfPresent(rows, forKey: .rows)
            }
        }

        /// The pre-procedure review: how it triages reported symptoms, and its rules.
        struct Review: Encodable {
            var symptomTriage: Readable<ReviewSymptomTriage>
            var rules: [Readable<ReviewRule>]
        }

        var nodeTypes: [NodeType]
        var definitions: [Readable<TriageDefinition>]
        var preExistingSymptoms: PreExistingSymptomPolicy
        var items: [Readable<TriageRule>]
        var review: Review
        var sources: [Source]
        var changelog: [Changelog.Version]
        var signOff: Changelog.SignOff
        var knowledgeBaseVersion: String
        var disclaimer: String

        init(_ knowledgeBase: KnowledgeBase) throws {
            func rows<Outcome>(_ table: RuleTable<Outcome>, _ rule: String) throws -> [Row] {
                try table.rows(for: rule).map(Row.init)
            }
            nodeTypes = TriageCondition.nodeTypes.map { NodeType(node: $0.node, meaning: $0.meaning) }
            definitions = knowledgeBase.triageDefinitions.map { Readable(entry: $0, reads: $0.when.reading) }
            preExistingSymptoms = knowledgeBase.preExistingSymptoms
            items = try knowledgeBase.triageRules.map {
                Readable(entry: $0, reads: $0.when.reading, rows: try rows(knowledgeBase.triageRuleTable, $0.id))
            }
            let symptomTriage = knowledgeBase.reviewSymptomTriage
            review = Review(
                symptomTriage: Readable(
                    entry: symptomTriage, rows: try rows(knowledgeBase.reviewRuleTable, symptomTriage.ruleID)),
                rules: try knowledgeBase.reviewRules.map {
                    Readable(entry: $0, reads: $0.when.reading, rows: try rows(knowledgeBase.reviewRuleTable, $0.id))
                })
            sources = knowledgeBase.sources
            changelog = knowledgeBase.changelog.versions
            signOff = knowledgeBase.changelog.signOff
            knowledgeBaseVersion = knowledgeBase.version
            disclaimer = knowledgeBase.patientTexts.disclaimer
        }
    }

    /// The body limits of the triage request.
    let limits: APILimits

    init(knowledgeBase: KnowledgeBase, metrics: ApplicationMetrics, limits: APILimits = APILimits()) throws {
        self.limits = limits
        self.metrics = metrics
        engine = TriageEngine(knowledgeBase: knowledgeBase)
        texts = TriageAnswerTexts(knowledgeBase)
        answerHeaders = ContentLanguage.answerHeaders(knowledgeBase.language)
        rulesDocument = CachedResponse(
            body: Array(
                try CatalogueDocuments.makeEncoder().encode(try RulesDocument(knowledgeBase))),
            language: knowledgeBase.language, vary: "Accept")
        rulesPage = CachedResponse(
            body: RuleBookPage.html(knowledgeBase), language: knowledgeBase.language, vary: "Accept")
    }

    func register(in router: inout Router) {
        router.add(.post, "/v1/triage") { request, _ in
            try triage(request)
        }
        router.add(.get, "/v1/triage/rules") { request, _ in
            try rules(request)
        }
    }

    /// The rule book as JSON, or with `Accept: text/html` as one printable page.
    func rules(_ request: HTTPRequest) throws(APIProblem) -> HTTPResponse {
        try QueryValidator.requireNoParameters(request.query)
        guard HTMLPage.isWanted(accept: request.headers["Accept"]) else {
            return rulesDocument.response(to: request)
        }
        var response = rulesPage.response(to: request)
        response.contentType = HTMLPage.mediaType
        return response
    }

    func triage(_ request: HTTPRequest) throws(APIProblem) -> HTTPResponse {
        try QueryValidator.requireNoParameters(request.query)
        let contentType = request.headers["Content-Type"]
        let isFHIR = contentType?.lowercased().hasPrefix(FHIRQuestionnaire.mediaType) == true
        guard isFHIR || Self.isJSON(contentType) else { throw .unsupportedMediaType }
        // JSON, or the answers to the post-procedure check-in questionnaire.
        let input =
            isFHIR
            ? try FHIRCheckIn.triageRequest(from: request.body, limits: limits)
            : try TriageRequestDecoder.decodeWithSedation(
                request.body, requireHours: true, limits: limits, interview: true)
        let result = engine.triage(input.request)
        let interview = engine.interview(input.request, answers: input.answers, level: result.level)
        metrics.triageAnswered(result.level)
        return HTTPResponse(
            status: .ok, contentType: "application/json",
            headers: answerHeaders,
            body: Self.encode(result, interview: interview, knowledgeBase: engine.knowledgeBase, texts: texts))
    }

    /// `application/json`, compared case-insensitively, parameters (charset) allowed.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let expected = Array("application/json".utf8)
        var mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let first = mediaType.first, first == 0x20 || first == 0x09 { mediaType = mediaType.dropFirst() }
        while let last = mediaType.last, last == 0x20 || last == 0x09 { mediaType = mediaType.dropLast() }
        return mediaType.count == expected.count
            && zip(mediaType, expected).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }
}

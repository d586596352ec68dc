import FoundationEssentials
import InjectionSafety
import JSONWriter

/// The CDS Hooks response: one card per review reason (`critical` to
/// postpone, `warning` to discuss), an `info` card when nothing stands in the
/// way, and an `info` card for what was read, what is assumed and what could
/// not be classified. Each card's source links to the rule in the rule book;
/// its links open the patient's checklist and printable handout.
enum CDSCards {
    static func response(
        review: ChecklistBuilder.Review, facts: CDSFacts, knowledgeBase: KnowledgeBase, baseURL: String
    )
        -> [UInt8]
    {
        var json: [UInt8] = []
        json.append(jsonLiteral: #"{"cards":["#)
        var first = true
        func card(
            indicator: String, summary: String, detail: String, rule: String?, links: Bool
        ) {
            if !first { json.append(UInt8(ascii: ",")) }
            first = false
            json.append(jsonLiteral: #"{"uuid":"#)
            JSONString.append(UUID().uuidString.lowercased(), to: &json)
            json.append(jsonLiteral: #","summary":"#)
            JSONString.append(summary, to: &json)
            json.append(jsonLiteral: #","indicator":"#)
            JSONString.append(indicator, to: &json)
            json.append(jsonLiteral: #","detail":"#)
            JSONString.append(detail, to: &json)
            json.append(jsonLiteral: #","source":{"label":"injection-safety review rules","url":"#)
            JSONString.append(baseURL + "/v1/triage/rules" + (rule.map { "#rule-" + $0 } ?? "#review-rules"), to: &json)
            json.append(UInt8(ascii: "}"))
            if links {
                let query = checklistQuery(facts.request)
                json.append(jsonLiteral: #","links":[{"label":"Patient's pre-procedure checklist (JSON)","url":"#)
                JSONString.append(baseURL + "/v1/checklists/pre-procedure?" + query, to: &json)
                json.append(jsonLiteral: #","type":"absolute"},{"label":"Printable handout for the patient","url":"#)
                JSONString.append(baseURL + "/v1/checklists/pre-procedure?" + query + "&format=html", to: &json)
                json.append(jsonLiteral: #","type":"absolute"}]"#)
            }
            json.append(UInt8(ascii: "}"))
        }
        let rules = Dictionary(uniqueKeysWithValues: knowledgeBase.reviewRules.map { ($0.id, $0) })
        let sources = Dictionary(uniqueKeysWithValues: knowledgeBase.sources.map { ($0.id, $0) })
        for reason in review.reasons {
            guard let rule = rules[reason.ruleID] else { continue }
            var detail = reason.explanation + "\n\n**Sources**\n"
            for id in reason.sources {
                guard let source = sources[id] else { continue }
                detail += "\n- [\(markdown(source.title))](\(source.url)) (\(markdown(source.publisher)))"
            }
            if let choice = rule.productChoice { detail += "\n\n**Service's choice:** " + markdown(choice) }
            card(
                indicator: reason.decision == .postpone ? "critical" : "warning", summary: rule.clinicianSummary,
                detail: detail, rule: rule.id, links: true)
        }
        if review.reasons.isEmpty {
            card(
                indicator: "info",
                summary: "Pre-procedure review: no reason to postpone or discuss found in the EHR data sent.",
                detail: "No pre-procedure review rule matched the data below. The review sees only what the EHR sent.",
                rule: nil, links: true)
        }
        // What was read, assumed and left unclassified: never silently ignored.
        var detail = "**Injection:** "
        if let from = facts.injectionFrom {
            detail += "\(facts.request.injection.rawValue), from \(markdown(from))"
        } else {
            detail +=
                "could not tell from the order's or appointment's codes; reviewed as an epidural steroid injection (the most cautious reading)"
        }
        detail += "\n\n**Read from the EHR**\n"
        detail += facts.read.isEmpty ? "\n- nothing the review uses" : facts.read.map { "\n- " + markdown($0) }.joined()
        if !facts.unclassified.isEmpty {
            detail += "\n\n**Not classified (check by hand)**\n"
            detail += facts.unclassified.map { "\n- \($0.count) \($0.kind)" }.joined()
        }
        if !facts.unverifiedUsed.isEmpty {
            detail +=
                "\n\n**Codes used that are not yet verified against a source:** "
                + facts.unverifiedUsed.joined(separator: ", ")
        }
        let unclassified = facts.unclassified.reduce(0) { $0 + $1.count }
        var summary = "Review data: \(facts.read.count) item\(facts.read.count == 1 ? "" : "s") read"
        if unclassified > 0 { summary += ", \(unclassified) could not be classified" }
        if facts.injectionFrom == nil { summary += "; injection type unclear" }
        card(indicator: "info", summary: summary + ".", detail: detail, rule: nil, links: false)
        json.append(jsonLiteral: "]}")
        return json
    }

    /// The checklist query for the patient the review saw.
    static func checklistQuery(_ request: TriageRequest) -> String {
        var query = "injection=" + request.injection.rawValue
        if let approach = request.approach { query += "&approach=" + approach.rawValue }
        if !request.conditions.isEmpty {
            query += "&conditions=" + request.conditions.map(\.rawValue).sorted().joined(separator: ",")
        }
        return query
    }

    /// Text with Markdown's special characters escaped.
    static func markdown(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "\\`*_[]<>#|".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

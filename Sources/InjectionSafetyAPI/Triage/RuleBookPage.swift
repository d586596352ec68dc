import InjectionSafety

/// The rule book as one printable HTML page for the clinician who reviews and
/// signs it (`GET /v1/triage/rules` with `Accept: text/html`): the version,
/// the changelog and the sign-off first, then how to read the rules, then every
/// triage and review rule with its sources and the test requests that fire it
/// and those that do not. No scripts, inline CSS, like the checklist handout.
enum RuleBookPage {
    static func html(_ knowledgeBase: KnowledgeBase) -> [UInt8] {
        var page = Page(knowledgeBase: knowledgeBase)
        page.write()
        return Array(page.html.utf8)
    }

    static func title(_ level: TriageLevel) -> String {
        switch level {
        case .emergency: "Emergency"
        case .urgent: "Urgent"
        case .contactProvider: "Contact provider"
        case .selfCare: "Self-care"
        }
    }

    /// What the level means for the patient (the contract's table).
    static func meaning(_ level: TriageLevel) -> String {
        switch level {
        case .emergency: "Call the local emergency number or go to the emergency department now."
        case .urgent:
            "Contact the clinic or on-call provider today, within hours; if unreachable, go to urgent care or the emergency department."
        case .contactProvider: "Contact the provider during office hours within one to two days."
        case .selfCare:
            "An expected, usually short-lived effect: manage at home and watch for the listed warning signs."
        }
    }

    static func title(_ decision: ReviewDecision) -> String {
        switch decision {
        case .postpone: "Postpone"
        case .discussWithProvider: "Discuss with provider"
        case .ready: "Ready"
        }
    }

    static func meaning(_ decision: ReviewDecision) -> String {
        switch decision {
        case .postpone: "The planned injection should not go ahead now; the patient is told why and what to do."
        case .discussWithProvider:
            "The injection may go ahead, but the provider should discuss or plan something first."
        case .ready: "No review rule matched: nothing found stands in the way."
        }
    }

    static func title(_ kind: EvidenceKind) -> String {
        switch kind {
        case .guideline: "Guideline"
        case .peerReviewed: "Peer-reviewed"
        case .regulator: "Regulator"
        case .clinicLeaflet: "Clinic leaflet"
        case .secondaryCopy: "Secondary copy"
        }
    }

    static func meaning(_ kind: EvidenceKind) -> String {
        switch kind {
        case .guideline: "a professional society's guideline, advisory, standard of care or consensus criteria"
        case .peerReviewed: "a paper or case report in a peer-reviewed journal, read at the journal or its index record"
        case .regulator: "a drug regulator's own communication"
        case .clinicLeaflet: "patient information from a hospital, clinic or health service"
        case .secondaryCopy:
            "read second-hand: a copy or mirror, an encyclopaedia, a health-information site or clinician summary, a news item"
        }
    }

    /// `8760`, `0.5`: whole numbers without a decimal point.
    static func number(_ value: Double) -> String {
        if let whole = Int(exactly: value) { return String(whole) }
        return String(value)
    }

    static let style = """
        body { font: 16px/1.45 "DejaVu Sans", Arial, sans-serif; color: #111; max-width: 64em; margin: 1.5em auto; padding: 0 1em; }
        h1 { font-size: 1.9em; margin-bottom: .1em; }
        h2 { font-size: 1.45em; margin: 1.8em 0 .4em; border-bottom: 2px solid #444; padding-bottom: .1em; }
        h3 { font-size: 1.2em; margin: 1.4em 0 .3em; }
        h4 { font-size: 1.05em; margin: 0 0 .4em; }
        a { color: #0b4f9c; }
        code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
        .meta { color: #333; margin-top: 0; }
        .signoff { border: 3px solid; padding: .6em 1em; margin: 1em 0; }
        .signoff h2 { border: 0; margin: 0 0 .2em; font-size: 1.5em; }
        .signoff.unsigned { border-color: #b00020; background: #fdecee; }
        .signoff.unsigned h2 { color: #b00020; }
        .signoff.signed { border-color: #2e7d32; background: #edf7ee; }
        nav ol { margin: .2em 0; } nav li { margin: .15em 0; }
        .index { font-size: .9em; line-height: 1.7; }
        .index a { white-space: nowrap; margin-right: .6em; }
        table { border-collapse: collapse; width: 100%; margin: .4em 0 .8em; }
        th, td { border: 1px solid #bbb; padding: .25em .45em; text-align: left; vertical-align: top; }
        th { background: #f0f0f0; }
        .rule { border: 1px solid #999; border-left: .5em solid #777; padding: .6em .9em; margin: 1em 0; }
        .rule.emergency, .badge.emergency { border-color: #b00020; }
        .rule.urgent, .badge.urgent { border-color: #c25e00; }
        .rule.contact-provider, .badge.contact-provider, .rule.discuss-with-provider, .badge.discuss-with-provider { border-color: #1f5fa8; }
        .rule.self-care, .badge.self-care, .badge.ready { border-color: #2e7d32; }
        .rule.postpone, .badge.postpone { border-color: #b00020; }
        .badge { display: inline-block; border: 2px solid; border-radius: .3em; padding: 0 .35em; font-size: .85em; font-weight: bold; white-space: nowrap; }
        dl.fields { display: grid; grid-template-columns: 9.5em 1fr; gap: .25em .8em; margin: .3em 0; }
        dl.fields dt { font-weight: bold; color: #333; }
        dl.fields dd { margin: 0; }
        dt.choice, dd.choice { background: #fff6d6; }
        dt.choice { padding-left: .3em; }
        ul.sources { margin: 0; padding-left: 1.1em; }
        .evidence { font-size: .8em; font-weight: bold; text-transform: uppercase; letter-spacing: .03em; color: #444; border: 1px solid #999; border-radius: .25em; padding: 0 .3em; white-space: nowrap; }
        table.rows { font-size: .9em; }
        table.rows td.request code { overflow-wrap: anywhere; }
        table.rows td.fires { white-space: nowrap; font-weight: bold; }
        table.rows tr.no td.fires { color: #555; font-weight: normal; }
        .disclaimer { font-size: .9em; color: #333; border-top: 1px solid #999; padding-top: .6em; margin-top: 2em; }
        @media print {
          body { margin: 0; max-width: none; font-size: 11pt; }
          nav, .signoff, h4, tr { break-inside: avoid; }
          h2, h3, h4 { break-after: avoid; }
          ul.sources a::after { content: " <" attr(href) ">"; font-size: .85em; overflow-wrap: anywhere; }
        }
        """

    /// Builds the page in order; every text from the data goes through ``HTMLPage/escape(_:)``.
    struct Page {
        let knowledgeBase: KnowledgeBase
        var html = ""

        init(knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

        func text(_ value: String) -> String { HTMLPage.escape(value) }

        /// A condition sentence with each `[definition]` linked to its entry.
        func reads(_ sentence: String) -> String {
            var escaped = text(sentence)
            for definition in knowledgeBase.triageDefinitions {
                let name = text(definition.name)
                escaped = escaped.replacing("[\(name)]", with: "<a href=\"#definition-\(name)\">[\(name)]</a>")
            }
            return escaped
        }

        mutating func write() {
            let versions = knowledgeBase.changelog.versions
            let dated = versions.first.map { " of \(text($0.date))" } ?? ""
            let triageRows = knowledgeBase.triageRuleTable.rows.count
            let reviewRows = knowledgeBase.reviewRuleTable.rows.count
            html += """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Triage rule book \(text(KnowledgeBase.contentVersion))</title>
                <style>
                \(RuleBookPage.style)
                </style>
                </head>
                <body>
                <h1>Triage rule book</h1>
                <p class="meta">Knowledge base version <strong>\(text(KnowledgeBase.contentVersion))</strong>\
                \(dated) (data <code>\(text(knowledgeBase.version))</code>).
                \(knowledgeBase.triageRules.count) triage rules and \(knowledgeBase.reviewRules.count + 1) pre-procedure review rules,
                with \(triageRows + reviewRows) test requests.</p>

                """
            writeSignOff()
            writeContents()
            writeChangelog()
            writeLevels()
            writeNodeTypes()
            writeDefinitions()
            writePreExistingSymptoms()
            writeTriageRules()
            writeReviewRules()
            html += "<p class=\"disclaimer\">\(text(knowledgeBase.patientTexts.disclaimer))</p>\n</body>\n</html>\n"
        }

        mutating func writeSignOff() {
            let signOff = knowledgeBase.changelog.signOff
            if signOff.isSigned {
                html += """
                    <section class="signoff signed" id="sign-off">
                    <h2>Signed off</h2>
                    <p>Version \(text(KnowledgeBase.contentVersion)) was reviewed and signed off by \
                    <strong>\(text(signOff.reviewedBy ?? ""))</strong> on <strong>\(text(signOff.reviewedOn ?? ""))</strong>.</p>
                    </section>

                    """
            } else {
                html += """
                    <section class="signoff unsigned" id="sign-off">
                    <h2>Not yet signed off</h2>
                    <p>No clinician has signed off version \(text(KnowledgeBase.contentVersion)) of these rules. \
                    The sign-off is recorded in <code>changelog.json</code> (<code>reviewedBy</code> and \
                    <code>reviewedOn</code>), which are empty.</p>
                    </section>

                    """
            }
        }

        mutating func writeContents() {
            html += "<nav id=\"contents\">\n<h2>Contents</h2>\n<ol>\n"
            html += "<li><a href=\"#changelog\">Changelog</a></li>\n"
            html += "<li><a href=\"#levels\">Levels and decisions</a></li>\n"
            html += "<li><a href=\"#node-types\">How a condition is written</a></li>\n"
            html += "<li><a href=\"#definitions\">Definitions</a> (\(knowledgeBase.triageDefinitions.count))</li>\n"
            html += "<li><a href=\"#pre-existing-symptoms\">Symptoms the patient already had</a></li>\n"
            html += "<li><a href=\"#triage-rules\">Triage rules</a> (\(knowledgeBase.triageRules.count))\n<ol>\n"
            for level in TriageLevel.allCases {
                let count = knowledgeBase.triageRules.filter { $0.level == level }.count
                html +=
                    "<li><a href=\"#level-\(level.rawValue)\">\(text(RuleBookPage.title(level)))</a> (\(count))</li>\n"
            }
            html += "</ol></li>\n"
            html +=
                "<li><a href=\"#review-rules\">Pre-procedure review rules</a> (\(knowledgeBase.reviewRules.count + 1))\n<ol>\n"
            html +=
                "<li><a href=\"#rule-\(text(knowledgeBase.reviewSymptomTriage.ruleID))\">Reported symptoms</a></li>\n"
            for decision in ReviewDecision.allCases {
                let count = knowledgeBase.reviewRules.filter { $0.decision == decision }.count
                guard count > 0 else { continue }
                html +=
                    "<li><a href=\"#decision-\(decision.rawValue)\">\(text(RuleBookPage.title(decision)))</a> (\(count))</li>\n"
            }
            html += "</ol></li>\n</ol>\n</nav>\n"
        }

        mutating func writeChangelog() {
            html += "<section id=\"changelog\">\n<h2>Changelog</h2>\n"
            for version in knowledgeBase.changelog.versions {
                html +=
                    "<h3 id=\"version-\(text(version.version))\">\(text(version.version)) <span class=\"meta\">(\(text(version.date)))</span></h3>\n<ul>\n"
                for change in version.changes { html += "<li>\(text(change))</li>\n" }
                html += "</ul>\n"
            }
            html += "</section>\n"
        }

        mutating func writeLevels() {
            html += """
                <section id="levels">
                <h2>Levels and decisions</h2>
                <p>Every triage rule is evaluated for every request. The answer's level is the most urgent level of \
                any rule that matches, and every matching rule is listed as a reason. A symptom that no rule \
                explains adds a contact-provider reason (<code>\(text(TriageEngine.unexplainedSymptomRuleID))</code>). \
                Self-care advice is given at self-care and contact-provider; at urgent only first aid a matching rule \
                gives itself (fast sugar for a low blood sugar); none at emergency.</p>
                <table>
                <thead><tr><th>Level</th><th>Meaning</th><th>The patient is told</th></tr></thead>
                <tbody>

                """
            for level in TriageLevel.allCases {
                html += "<tr><td><span class=\"badge \(level.rawValue)\">\(text(RuleBookPage.title(level)))</span></td>"
                html +=
                    "<td>\(text(RuleBookPage.meaning(level)))</td><td>\(text(knowledgeBase.patientTexts.action(for: level)))</td></tr>\n"
            }
            html += """
                </tbody>
                </table>
                <p>The pre-procedure readiness review gives the most cautious decision of any review rule that \
                matches; when none does, the decision is ready.</p>
                <table>
                <thead><tr><th>Decision</th><th>Meaning</th></tr></thead>
                <tbody>

                """
            for decision in ReviewDecision.allCases {
                html +=
                    "<tr><td><span class=\"badge \(decision.rawValue)\">\(text(RuleBookPage.title(decision)))</span></td>"
                html += "<td>\(text(RuleBookPage.meaning(decision)))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n<p>Each source below is marked with the kind of publication it is:</p>\n<ul>\n"
            for kind in EvidenceKind.allCases {
                html +=
                    "<li><span class=\"evidence\">\(text(RuleBookPage.title(kind)))</span> \(text(RuleBookPage.meaning(kind)))</li>\n"
            }
            html += """
                </ul>
                <p>A <strong>product choice</strong> marks what in a rule is the service's own choice rather than \
                a source's (a number, a window, a reading where the contract is silent). Under each rule, the test \
                requests show a request where the rule fires and close ones where it does not; the answer column is \
                the level (or decision) of the whole answer, which other rules may raise. Fields a request leaves out \
                take their defaults: no region, the injection type's usual medicines, not sedated, symptoms new, \
                with no severity and not getting worse.</p>
                </section>

                """
        }

        mutating func writeNodeTypes() {
            html += """
                <section id="node-types">
                <h2>How a condition is written</h2>
                <p>Each rule's condition is a tree of these tests. Under each rule, <em>Looks at</em> reads the tree \
                as one sentence; a name in square brackets is one of the definitions below.</p>
                <table>
                <thead><tr><th>Test</th><th>Meaning</th></tr></thead>
                <tbody>

                """
            for node in TriageCondition.nodeTypes {
                html += "<tr><td><code>\(text(node.node))</code></td><td>\(text(node.meaning))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n</section>\n"
        }

        mutating func writeDefinitions() {
            html += """
                <section id="definitions">
                <h2>Definitions</h2>
                <p>Conditions the rules share, each reviewed once here. A definition may use the ones before it.</p>

                """
            for definition in knowledgeBase.triageDefinitions {
                html += "<div class=\"rule\" id=\"definition-\(text(definition.name))\">\n"
                html += "<h4><code>\(text(definition.name))</code></h4>\n<dl class=\"fields\">\n"
                html += "<dt>Meaning</dt><dd>\(text(definition.meaning))</dd>\n"
                html += "<dt>Looks at</dt><dd>\(reads(definition.when.reading))</dd>\n</dl>\n</div>\n"
            }
            html += "</section>\n"
        }

        mutating func writePreExistingSymptoms() {
            let policy = knowledgeBase.preExistingSymptoms
            html += """
                <section id="pre-existing-symptoms">
                <h2>Symptoms the patient already had</h2>
                <dl class="fields">
                <dt>Highest level</dt><dd><span class="badge \(policy.highestLevel.rawValue)">\
                \(text(RuleBookPage.title(policy.highestLevel)))</span> for a rule that matches only because of \
                symptoms sent with <code>new: false</code></dd>
                <dt>Count whatever their history</dt><dd>\(text(policy.countWhateverHistory.map(\.rawValue).joined(separator: ", ")))</dd>
                <dt>Meaning</dt><dd>\(text(policy.meaning))</dd>

                """
            writeSources(policy.sources)
            html += "</dl>\n</section>\n"
        }

        mutating func writeSources(_ ids: [String]) {
            html += "<dt>Sources</dt><dd><ul class=\"sources\">\n"
            for id in ids {
                guard let source = knowledgeBase.sources.first(where: { $0.id == id }) else {
                    html += "<li><code>\(text(id))</code></li>\n"
                    continue
                }
                html += "<li>[\(text(source.reference))] <a href=\"\(text(source.url))\">\(text(source.title))</a>. "
                html +=
                    "\(text(source.publisher)). <span class=\"evidence\">\(text(RuleBookPage.title(source.evidence)))</span></li>\n"
            }
            html += "</ul></dd>\n"
        }

        mutating func writeRows<Outcome>(_ rows: [RuleTableRow<Outcome>], title: (Outcome) -> String) {
            html +=
                "<table class=\"rows\">\n<thead><tr><th>This rule</th><th>Answer</th><th>Request</th><th>Why</th></tr></thead>\n<tbody>\n"
            if rows.isEmpty {
                html += "<tr><td colspan=\"4\">No test requests.</td></tr>\n"
            }
            for row in rows {
                html +=
                    "<tr class=\"\(row.fires ? "yes" : "no")\"><td class=\"fires\">\(row.fires ? "fires" : "does not fire")</td>"
                html +=
                    "<td><span class=\"badge \(text(row.outcome.rawValue))\">\(text(title(row.outcome)))</span></td>"
                html += "<td class=\"request\"><code>\(text(row.request))</code></td><td>\(text(row.why))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }

        mutating func writeTriageRules() {
            html += """
                <section id="triage-rules">
                <h2>Triage rules</h2>
                <p>After an injection (<code>POST /v1/triage</code>), grouped by the level each rule gives, in the \
                order of <code>triage-rules.json</code>.</p>

                """
            for level in TriageLevel.allCases {
                let rules = knowledgeBase.triageRules.filter { $0.level == level }
                html += "<section id=\"level-\(level.rawValue)\">\n"
                html += "<h3>\(text(RuleBookPage.title(level))): \(rules.count) rules</h3>\n"
                html += "<p>\(text(RuleBookPage.meaning(level)))</p>\n<p class=\"index\">"
                for rule in rules { html += "<a href=\"#rule-\(text(rule.id))\">\(text(rule.id))</a> " }
                html += "</p>\n"
                for rule in rules { writeTriageRule(rule) }
                html += "</section>\n"
            }
            html += "</section>\n"
        }

        mutating func writeTriageRule(_ rule: TriageRule) {
            html += "<article class=\"rule \(rule.level.rawValue)\" id=\"rule-\(text(rule.id))\">\n"
            html += "<h4><code>\(text(rule.id))</code> <span class=\"badge \(rule.level.rawValue)\">"
            html += "\(text(RuleBookPage.title(rule.level)))</span></h4>\n<dl class=\"fields\">\n"
            html += "<dt>Looks at</dt><dd>\(reads(rule.when.reading))</dd>\n"
            html += "<dt>Why</dt><dd>\(text(rule.explanation))</dd>\n"
            if let sign = rule.warningSign { html += "<dt>Warning sign</dt><dd>\(text(sign))</dd>\n" }
            if let id = rule.sideEffect {
                let name = knowledgeBase.sideEffect(id)?.name ?? id.rawValue
                html += "<dt>Side effect</dt><dd>\(text(name)) (<code>\(text(id.rawValue))</code>)</dd>\n"
            }
            if let advice = rule.selfCare {
                html += "<dt>Self-care advice</dt><dd>"
                html +=
                    advice.isEmpty
                    ? "None (the side effect's advice is not given)" : advice.map(text).joined(separator: " ")
                html += "</dd>\n"
            }
            if let choice = rule.productChoice {
                html += "<dt class=\"choice\">Product choice</dt><dd class=\"choice\">\(text(choice))</dd>\n"
            }
            writeSources(rule.sources)
            html += "</dl>\n"
            writeRows(knowledgeBase.triageRuleTable.rows(for: rule.id), title: RuleBookPage.title)
            html += "</article>\n"
        }

        mutating func writeReviewRules() {
            let triage = knowledgeBase.reviewSymptomTriage
            html += """
                <section id="review-rules">
                <h2>Pre-procedure review rules</h2>
                <p>Before a planned injection (<code>POST /v1/checklists/pre-procedure/review</code>), in the order \
                of <code>review-rules.json</code>. The answer's decision is the most cautious one of the rules that match.</p>
                <section id="reported-symptoms">
                <h3>Reported symptoms</h3>
                <article class="rule postpone" id="rule-\(text(triage.ruleID))">
                <h4><code>\(text(triage.ruleID))</code> <span class="badge postpone">\(text(RuleBookPage.title(.postpone)))</span></h4>
                <dl class="fields">
                <dt>Looks at</dt><dd>at least one symptom reported, triaged with the triage rules above, at a level of \
                \(text(triage.postponeAtLevels.map(\.rawValue).joined(separator: " or "))); without \
                hoursSinceInjection, triaged as if \
                \(text(triage.hoursWhenNotGiven.map(RuleBookPage.number).joined(separator: " and "))) hours \
                had passed, the more urgent answer kept</dd>
                <dt>Why</dt><dd>\(text(triage.explanation))</dd>
                <dt class="choice">Product choice</dt><dd class="choice">\(text(triage.productChoice))</dd>

                """
            writeSources(triage.sources)
            html += "</dl>\n"
            writeRows(knowledgeBase.reviewRuleTable.rows(for: triage.ruleID), title: RuleBookPage.title)
            html += "</article>\n</section>\n"
            for decision in ReviewDecision.allCases {
                let rules = knowledgeBase.reviewRules.filter { $0.decision == decision }
                guard !rules.isEmpty else { continue }
                html += "<section id=\"decision-\(decision.rawValue)\">\n"
                html += "<h3>\(text(RuleBookPage.title(decision))): \(rules.count) rules</h3>\n"
                html += "<p>\(text(RuleBookPage.meaning(decision)))</p>\n"
                for rule in rules {
                    html += "<article class=\"rule \(rule.decision.rawValue)\" id=\"rule-\(text(rule.id))\">\n"
                    html += "<h4><code>\(text(rule.id))</code> <span class=\"badge \(rule.decision.rawValue)\">"
                    html += "\(text(RuleBookPage.title(rule.decision)))</span></h4>\n<dl class=\"fields\">\n"
                    html += "<dt>Looks at</dt><dd>\(reads(rule.when.reading))</dd>\n"
                    html += "<dt>Why</dt><dd>\(text(rule.explanation))</dd>\n"
                    writeSources(rule.sources)
                    html += "</dl>\n"
                    writeRows(knowledgeBase.reviewRuleTable.rows(for: rule.id), title: RuleBookPage.title)
                    html += "</article>\n"
                }
                html += "</section>\n"
            }
            html += "</section>\n"
        }
    }
}

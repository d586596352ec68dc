import FoundationEssentials
import InjectionSafety

/// A checklist as one printable HTML page: no scripts, inline CSS, large
/// type, and the warning signs grouped by how urgently to act.
enum ChecklistHandout {
    /// - Parameter language: the texts' language (`lang` of the page).
    static func html(
        phase: ChecklistPhase, injectionName: String, items: [ChecklistBuilder.PersonalisedItem], texts: PatientTexts,
        language: String
    ) -> [UInt8] {
        let title = texts.handout.title(phase, injection: injectionName)
        var html = """
            <!doctype html>
            <html lang="\(HTMLPage.escape(language))">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLPage.escape(title))</title>
            <style>
            body { font: 20px/1.5 "DejaVu Sans", Arial, sans-serif; color: #111; max-width: 42em; margin: 1.5em auto; padding: 0 1em; }
            h1 { font-size: 1.7em; margin-bottom: .2em; }
            h2 { font-size: 1.25em; margin: 1.2em 0 .3em; }
            ul { padding-left: 1.2em; } li { margin: .35em 0; }
            .level > ul { list-style: none; padding-left: 0; } .level > ul > li { margin: .7em 0; }
            ul.signs { margin: .2em 0; } ul.signs li { margin: .15em 0; }
            .level { border-left: .5em solid; padding: .2em .8em; margin: .8em 0; }
            .emergency { border-color: #b00020; background: #fdecee; }
            .urgent { border-color: #c25e00; background: #fff4e5; }
            .contact-provider { border-color: #1f5fa8; background: #eaf2fb; }
            .disclaimer { font-size: .9em; color: #333; border-top: 1px solid #999; padding-top: .6em; margin-top: 2em; }
            @media print { body { margin: 0; max-width: none; } .level { break-inside: avoid; } }
            </style>
            </head>
            <body>
            <h1>\(HTMLPage.escape(title))</h1>

            """
        let warnings = items.filter { $0.category == .whenToCall && $0.warningLevel != nil }
        if !warnings.isEmpty {
            html += "<h2>\(HTMLPage.escape(texts.handout.warningSigns))</h2>\n"
            for level in [TriageLevel.emergency, .urgent, .contactProvider] {
                let signs = warnings.filter { $0.warningLevel == level }
                guard !signs.isEmpty else { continue }
                html +=
                    "<section class=\"level \(level.rawValue)\">\n<h3>\(HTMLPage.escape(texts.warningLead(level)))</h3>\n<ul>\n"
                for item in signs {
                    html += "<li><strong>\(HTMLPage.escape(item.title ?? ""))</strong>\n<ul class=\"signs\">\n"
                    html += item.signs.map { "<li>\(HTMLPage.escape($0))</li>\n" }.joined()
                    html += "</ul>\n</li>\n"
                }
                html += "</ul>\n</section>\n"
            }
        }
        for category in ChecklistCategory.allCases {
            let inCategory = items.filter { $0.category == category && $0.warningLevel == nil }
            guard !inCategory.isEmpty else { continue }
            html += "<h2>\(HTMLPage.escape(texts.handout.heading(category)))</h2>\n<ul>\n"
            for item in inCategory { html += "<li>\(HTMLPage.escape(item.text))</li>\n" }
            html += "</ul>\n"
        }
        html += "<p class=\"disclaimer\">\(HTMLPage.escape(texts.disclaimer))</p>\n</body>\n</html>\n"
        return Array(html.utf8)
    }
}

import Foundation
import Testing

@testable import InjectionSafety

/// The shipped knowledge base, and the integrity check on broken copies of it.
struct KnowledgeBaseTests {
    static func files() throws -> [String: Data] { try KnowledgeBase.bundledFiles() }

    /// The data the EmbedResources plugin builds into the library is the
    /// reviewed files, byte for byte, and every file in the folder is read.
    @Test func builtInDataIsTheReviewedFiles() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/InjectionSafety/Resources/knowledge")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(Set(names) == Set(KnowledgeBase.fileNames))
        let builtIn = try KnowledgeBase.bundledFiles()
        for name in KnowledgeBase.fileNames {
            let file = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(builtIn[name] == file, "\(name) differs from the built-in text")
        }
    }

    @Test func shippedDataPassesTheIntegrityCheck() throws {
        let knowledgeBase = try KnowledgeBase.bundled()
        #expect(knowledgeBase.integrityProblems() == [])
    }

    @Test func everyContractCodeHasAnEntry() throws {
        let knowledgeBase = try KnowledgeBase.bundled()
        #expect(Set(knowledgeBase.symptoms.map(\.code)) == Set(Symptom.allCases))
        #expect(Set(knowledgeBase.conditions.map(\.code)) == Set(Condition.allCases))
        #expect(Set(knowledgeBase.injections.map(\.id)) == Set(InjectionType.allCases))
        #expect(Set(knowledgeBase.sideEffects.map(\.id)) == Set(SideEffectID.allCases))
        #expect(Set(knowledgeBase.medications.map(\.code)) == Set(Medication.allCases))
        #expect(SideEffectID.allCases.count == 30)
    }

    /// `shared/domain.md`'s table of default medications.
    @Test func defaultMedicationsFollowTheContract() throws {
        let knowledgeBase = try KnowledgeBase.bundled()
        let expected: [InjectionType: Set<Medication>] = [
            .epiduralSteroid: [.corticosteroid, .localAnesthetic, .contrast],
            .selectiveNerveRootBlock: [.localAnesthetic, .corticosteroid, .contrast],
            .medialBranchBlock: [.localAnesthetic, .contrast],
            .facetJoint: [.corticosteroid, .localAnesthetic, .contrast],
            .sacroiliacJoint: [.corticosteroid, .localAnesthetic, .contrast],
            .triggerPoint: [.localAnesthetic],
        ]
        for (injection, medications) in expected {
            #expect(
                Set(try #require(knowledgeBase.injection(injection)).defaultMedications) == medications, "\(injection)")
        }
        #expect(
            try #require(knowledgeBase.injection(.epiduralSteroid)).approaches == [
                .interlaminar, .transforaminal, .caudal,
            ])
        #expect(try #require(knowledgeBase.injection(.triggerPoint)).optionalMedications.contains(.corticosteroid))
    }

    @Test func seedSideEffectsAreMarked() throws {
        let knowledgeBase = try KnowledgeBase.bundled()
        #expect(Set(knowledgeBase.sideEffects.filter(\.seed).map(\.id)) == KnowledgeBase.seedSideEffects)
    }

    @Test func steroidOnlyEffectsSaySo() throws {
        let knowledgeBase = try KnowledgeBase.bundled()
        for id in [SideEffectID.hyperglycemia, .facialFlushing, .insomniaMood, .boneSoftTissueWeakening] {
            #expect(try #require(knowledgeBase.sideEffect(id)).requiresCorticosteroid, "\(id)")
        }
        for id in [SideEffectID.injectionSitePain, .epiduralHematoma, .allergicReaction] {
            #expect(try #require(knowledgeBase.sideEffect(id)).requiresCorticosteroid == false, "\(id)")
        }
    }

    @Test func versionIsStableAndFollowsTheBytes() throws {
        let files = try Self.files()
        let first = try KnowledgeBase(files: files)
        let second = try KnowledgeBase(files: files)
        #expect(first.version == second.version)
        #expect(first.version.hasPrefix(KnowledgeBase.contentVersion + "+"))
        var changed = files
        changed["sources.json"]!.append(contentsOf: Array(" ".utf8))
        #expect(try KnowledgeBase(files: changed).version != first.version)
    }

    // MARK: - Broken copies

    /// Edits one file's JSON and returns the files.
    static func editing(
        _ name: String, _ edit: (inout [String: Any]) throws -> Void
    ) throws -> [String: Data] {
        var files = try Self.files()
        var object = try #require(try JSONSerialization.jsonObject(with: files[name]!) as? [String: Any])
        try edit(&object)
        files[name] = try JSONSerialization.data(withJSONObject: object)
        return files
    }

    static func editingFirst(
        _ name: String, key: String, index: Int = 0, _ edit: (inout [String: Any]) -> Void
    ) throws -> [String: Data] {
        try editing(name) { object in
            var list = try #require(object[key] as? [[String: Any]])
            edit(&list[index])
            object[key] = list
        }
    }

    static func problems(_ files: [String: Data]) throws -> [String] {
        try KnowledgeBase(files: files).integrityProblems().map(\.description)
    }

    /// The review's symptom triage is checked like a rule: its id is its own, its
    /// sources resolve, and it has levels and hours to work with.
    @Test func brokenReviewSymptomTriageIsReported() throws {
        let files = try Self.editing("review-rules.json") { object in
            var triage = try #require(object["symptomTriage"] as? [String: Any])
            triage["ruleId"] = "fever-postpone"
            triage["sources"] = ["no-such-source"]
            triage["postponeAtLevels"] = [String]()
            triage["hoursWhenNotGiven"] = [-1]
            object["symptomTriage"] = triage
        }
        let problems = try Self.problems(files)
        #expect(problems.contains("review-rules.json: fever-postpone: id listed more than once"), "\(problems)")
        #expect(problems.contains { $0.contains("fever-postpone: cites unknown source 'no-such-source'") })
        #expect(problems.contains("review-rules.json: symptomTriage: postponeAtLevels is empty"))
        #expect(problems.contains { $0.hasPrefix("review-rules.json: symptomTriage: hoursWhenNotGiven") })
        let missing = try Self.editing("review-rules.json") { $0["symptomTriage"] = nil }
        #expect {
            _ = try KnowledgeBase(files: missing)
        } throws: { error in
            "\(error)".contains("review-rules.json") && "\(error)".contains("symptomTriage")
        }
    }

    /// "This is expected" only inside a window, and the tests that are not
    /// monotone only where they cannot lower the level.
    @Test func selfCareRuleWithoutAnEndAndNonMonotoneTestsOutsideSelfCareAreReported() throws {
        let files = try Self.editing("triage-rules.json") { object in
            var rules = try #require(object["rules"] as? [[String: Any]])
            let nausea = try #require(rules.firstIndex { $0["id"] as? String == "nausea" })
            rules[nausea]["when"] = ["anySymptom": ["nausea"]]
            let flare = try #require(rules.firstIndex { $0["id"] as? String == "pain-flare" })
            rules[flare]["when"] = [
                "any": [
                    ["all": [["anySymptom": ["leg-pain"]], ["hoursAtMost": 120]]],
                    ["anySymptom": ["increased-back-pain"]],
                ]
            ]
            let vomiting = try #require(rules.firstIndex { $0["id"] as? String == "vomiting" })
            rules[vomiting]["when"] = ["anyNotSevere": ["vomiting"]]
            object["rules"] = rules
        }
        let problems = try Self.problems(files)
        #expect(
            problems.contains("triage-rules.json: nausea: a self-care rule needs a window that ends (hoursAtMost)"),
            "\(problems)")
        #expect(
            problems.contains("triage-rules.json: pain-flare: a self-care rule needs a window that ends (hoursAtMost)"))
        #expect(
            problems.contains("triage-rules.json: vomiting: anySteady and anyNotSevere belong in self-care rules only"))
        #expect(problems.count == 3, "\(problems)")
    }

    @Test func warningSignProblemsAreReported() throws {
        let files = try Self.editing("warning-signs.json") { object in
            var items = try #require(object["items"] as? [[String: Any]])
            var parts = try #require(items[0]["parts"] as? [[String: Any]])
            parts[0]["rules"] = ["fever", "no-such-rule"]  // fever is urgent, the item emergency
            parts[1]["when"] = ["anySymptom": ["fever"]]
            parts.remove(at: 2)  // severe back pain with a nerve sign loses its sign
            items[0]["parts"] = parts
            object["items"] = items
        }
        let problems = try Self.problems(files)
        #expect(
            problems.contains("warning-signs.json: new-weakness: rule 'fever' is urgent, the item is emergency"),
            "\(problems)")
        #expect(problems.contains("warning-signs.json: new-weakness: names unknown rule 'no-such-rule'"))
        #expect(
            problems.contains { $0.hasPrefix("warning-signs.json: saddle-bladder-bowel: when and unless test only") })
        #expect(
            problems.contains(
                "triage-rules.json: severe-back-pain-with-nerve-sign: an emergency rule needs a warning sign (warning-signs.json) or a notAtHome reason"
            ))
        #expect(
            problems.contains(
                "triage-rules.json: weakness-not-expected: an emergency rule needs a warning sign (warning-signs.json) or a notAtHome reason"
            ))
    }

    @Test func unknownOrLaterDefinitionFailsToLoad() throws {
        let files = try Self.editing("triage-rules.json") { object in
            var rules = try #require(object["rules"] as? [[String: Any]])
            rules[0]["when"] = ["definition": "no-such-definition"]
            object["rules"] = rules
        }
        #expect {
            _ = try KnowledgeBase(files: files)
        } throws: { error in
            "\(error)".contains("cauda-equina-signs") && "\(error)".contains("no-such-definition")
        }
    }

    @Test func unknownSymptomCodeFailsToLoadNamingTheField() throws {
        let files = try Self.editingFirst("side-effects.json", key: "sideEffects") {
            $0["patientNotices"] = ["no-such-symptom"]
        }
        #expect {
            _ = try KnowledgeBase(files: files)
        } throws: { error in
            "\(error)".contains("side-effects.json") && "\(error)".contains("patientNotices")
        }
    }

    @Test func unknownEvidenceKindFailsToLoadNamingTheField() throws {
        let files = try Self.editingFirst("sources.json", key: "sources", index: 3) { $0["evidence"] = "blog" }
        #expect {
            _ = try KnowledgeBase(files: files)
        } throws: { error in
            "\(error)".contains("sources.json") && "\(error)".contains("sources[3].evidence")
        }
        let missing = try Self.editingFirst("sources.json", key: "sources") { $0["evidence"] = nil }
        #expect {
            _ = try KnowledgeBase(files: missing)
        } throws: { error in
            "\(error)" == "sources.json: sources[0].evidence: missing"
        }
    }

    /// Every source says what kind of publication it is; the FDA's own communications are the regulator's.
    @Test func everySourceHasAnEvidenceKind() throws {
        let knowledgeBase = try KnowledgeBase.bundled()
        #expect(knowledgeBase.sources.count == 64)
        #expect(
            knowledgeBase.sources.filter { $0.evidence == .regulator }.map(\.id)
                == ["fda-2014-epidural-steroid-warning", "fda-2015-nsaid-heart-attack-stroke"])
        for id in [
            "fda-2014-warning-copy-event-list", "fda-2015-neurologic-events-risk-assessment",
            "asra-2018-bleeding-risk-table",
        ] {
            #expect(knowledgeBase.sources.first { $0.id == id }?.evidence == .secondaryCopy, "\(id) is a copy")
        }
    }

    @Test func missingSymptomEntryIsReported() throws {
        let files = try Self.editing("symptoms.json") { object in
            object["symptoms"] = Array(try #require(object["symptoms"] as? [Any]).dropFirst())
        }
        #expect(try Self.problems(files).contains { $0.contains("no entry for 'injection-site-pain'") })
    }

    @Test func missingSeedSideEffectIsReported() throws {
        let files = try Self.editing("side-effects.json") { object in
            let list = try #require(object["sideEffects"] as? [[String: Any]])
            object["sideEffects"] = list.filter { $0["id"] as? String != "pain-flare" }
        }
        #expect(try Self.problems(files).contains { $0.contains("no entry for 'pain-flare'") })
    }

    @Test func unmarkedSeedIsReported() throws {
        let files = try Self.editingFirst("side-effects.json", key: "sideEffects") { $0["seed"] = false }
        #expect(try Self.problems(files).contains { $0.contains("not marked seed") })
    }

    @Test func danglingSourceIsReported() throws {
        let files = try Self.editingFirst("side-effects.json", key: "sideEffects") {
            $0["sources"] = ["no-such-source"]
        }
        #expect(try Self.problems(files).contains { $0.contains("cites unknown source 'no-such-source'") })
    }

    @Test func sideEffectWithoutSourceIsReported() throws {
        let files = try Self.editingFirst("side-effects.json", key: "sideEffects") { $0["sources"] = [String]() }
        #expect(try Self.problems(files).contains { $0.contains("cites no source") })
    }

    @Test func unusedSourceIsReported() throws {
        let files = try Self.editing("sources.json") { object in
            var list = try #require(object["sources"] as? [[String: Any]])
            list.append([
                "id": "never-cited", "reference": "99", "title": "T", "publisher": "P", "evidence": "peer-reviewed",
                "url": "https://example.org",
            ])
            object["sources"] = list
        }
        #expect(try Self.problems(files).contains { $0.contains("never-cited: cited by no entry") })
    }

    @Test func duplicateAndBadlyFormedSourceIdsAreReported() throws {
        let files = try Self.editing("sources.json") { object in
            var list = try #require(object["sources"] as? [[String: Any]])
            list.append(list[0])
            var bad = list[0]
            bad["id"] = "Not_Kebab"
            list.append(bad)
            object["sources"] = list
        }
        let problems = try Self.problems(files)
        #expect(problems.contains { $0.contains("listed more than once") })
        #expect(problems.contains { $0.contains("Not_Kebab: id is not kebab-case") })
    }

    @Test func injectionWithNoSideEffectIsReported() throws {
        let files = try Self.editing("side-effects.json") { object in
            var list = try #require(object["sideEffects"] as? [[String: Any]])
            for index in list.indices {
                list[index]["injections"] = (list[index]["injections"] as? [String] ?? []).filter {
                    $0 != "trigger-point"
                }
            }
            object["sideEffects"] = list.filter { !($0["injections"] as? [String] ?? []).isEmpty }
        }
        #expect(try Self.problems(files).contains { $0.contains("trigger-point: no side effect applies to it") })
    }

    @Test func duplicateSideEffectIsReported() throws {
        let files = try Self.editing("side-effects.json") { object in
            var list = try #require(object["sideEffects"] as? [[String: Any]])
            list.append(list[0])
            object["sideEffects"] = list
        }
        #expect(try Self.problems(files).contains { $0.contains("listed more than once") })
    }

    // MARK: - Changelog and sign-off

    @Test func changelogStartsAtTheContentVersionAndIsNotYetSignedOff() throws {
        let changelog = try KnowledgeBase.bundled().changelog
        #expect(changelog.versions.map(\.version) == ["2026.12.4", "2026.12.3", "2026.12.2", "2026.12.1", "2026.11.1"])
        #expect(changelog.versions.first?.version == KnowledgeBase.contentVersion)
        #expect(changelog.versions.allSatisfy { !$0.changes.isEmpty })
        #expect(changelog.signOff == Changelog.SignOff(reviewedBy: nil, reviewedOn: nil))
        #expect(!changelog.signOff.isSigned)
    }

    /// Edits `changelog.json` and returns the integrity problems about it.
    static func changelogProblems(_ edit: (inout [String: Any]) throws -> Void) throws -> [String] {
        try problems(try editing("changelog.json", edit)).filter { $0.hasPrefix("changelog.json") }
    }

    static func editingVersions(_ edit: @escaping (inout [[String: Any]]) -> Void) -> (inout [String: Any]) throws ->
        Void
    {
        { object in
            var versions = try #require(object["versions"] as? [[String: Any]])
            edit(&versions)
            object["versions"] = versions
        }
    }

    @Test func newestVersionMustBeTheContentVersion() throws {
        let problems = try Self.changelogProblems(Self.editingVersions { $0[0]["version"] = "2026.12.5" })
        #expect(
            problems == [
                "changelog.json: the newest version is '2026.12.5', but the knowledge base's content version is '2026.12.4'"
            ])
        let empty = try Self.changelogProblems { $0["versions"] = [[String: Any]]() }
        #expect(
            empty == [
                "changelog.json: the newest version is 'none', but the knowledge base's content version is '2026.12.4'"
            ])
    }

    @Test func versionsMustBeUniqueAndNewestFirst() throws {
        let repeated = try Self.changelogProblems(Self.editingVersions { $0[1]["version"] = "2026.12.4" })
        #expect(repeated == ["changelog.json: 2026.12.4: version listed more than once"])
        let older = try Self.changelogProblems(
            Self.editingVersions { versions in
                var next = versions[4]
                next["version"] = "2026.11.2"
                versions.append(next)
            })
        #expect(older == ["changelog.json: 2026.11.2: versions are not newest first (2026.11.1 is listed before it)"])
        let badlyNamed = try Self.changelogProblems(Self.editingVersions { $0[4]["version"] = "November" })
        #expect(badlyNamed == ["changelog.json: November: version is not YEAR.MONTH.N"])
        let earlierDate = try Self.changelogProblems(Self.editingVersions { $0[0]["date"] = "2026-11-01" })
        #expect(
            earlierDate == [
                "changelog.json: 2026.12.3: dates are not newest first (2026.12.4 is dated 2026-11-01, before 2026-12-04)"
            ])
    }

    @Test func eachVersionNeedsADateAndAChange() throws {
        let problems = try Self.changelogProblems(
            Self.editingVersions { versions in
                versions[4]["date"] = "2026-02-30"
                versions[4]["changes"] = [String]()
            })
        #expect(
            problems == [
                "changelog.json: 2026.11.1: date '2026-02-30' is not a date (YYYY-MM-DD)",
                "changelog.json: 2026.11.1: lists no change",
            ])
        let blank = try Self.changelogProblems(Self.editingVersions { $0[0]["changes"] = ["Something.", " "] })
        #expect(blank == ["changelog.json: 2026.12.4: a change is empty"])
        let missing = try Self.editing("changelog.json", Self.editingVersions { $0[0]["date"] = nil })
        #expect {
            _ = try KnowledgeBase(files: missing)
        } throws: { error in
            "\(error)" == "changelog.json: versions[0].date: missing"
        }
    }

    @Test func signOffNamesBothReviewerAndDateOrNeither() throws {
        func signOff(_ by: Any, _ on: Any) throws -> [String] {
            try Self.changelogProblems { $0["signOff"] = ["reviewedBy": by, "reviewedOn": on] }
        }
        #expect(try signOff("Dr A. Example, pain medicine", "2026-12-05") == [])
        #expect(try signOff(NSNull(), NSNull()) == [])
        #expect(try signOff("", "") == [])
        #expect(
            try signOff("Dr A. Example", NSNull()) == [
                "changelog.json: signOff: reviewedBy is set but reviewedOn is empty"
            ])
        #expect(
            try signOff(NSNull(), "2026-12-05") == [
                "changelog.json: signOff: reviewedOn is set but reviewedBy is empty"
            ])
        #expect(
            try signOff("Dr A. Example", "5 December 2026") == [
                "changelog.json: signOff: reviewedOn '5 December 2026' is not a date (YYYY-MM-DD)"
            ])
        #expect(
            try signOff("Dr A. Example", "2026-12-04") == [
                "changelog.json: signOff: reviewedOn 2026-12-04 is before the newest version 2026.12.4 (2026-12-05)"
            ])
        let signed = try KnowledgeBase(
            files: try Self.editing("changelog.json") {
                $0["signOff"] = ["reviewedBy": "Dr A. Example", "reviewedOn": "2026-12-05"]
            })
        #expect(signed.changelog.signOff.isSigned)
    }

    @Test func datesAndVersionNumbers() {
        for good in ["2026-12-04", "2024-02-29", "2000-02-29", "1999-12-31"] {
            #expect(Changelog.isDate(good), "\(good)")
        }
        for bad in [
            "", "2026-1-04", "2026-13-01", "2026-00-10", "2026-04-31", "2023-02-29", "1900-02-29", "2026/12/04",
            "２026-12-04", "2026-12-04T00:00",
        ] {
            #expect(!Changelog.isDate(bad), "\(bad)")
        }
        #expect(Changelog.versionNumbers("2026.12.1") == [2026, 12, 1])
        for bad in ["", "2026.12", "2026.12.1.1", "2026..1", "v2026.12.1", "2026.12.-1"] {
            #expect(Changelog.versionNumbers(bad) == nil, "\(bad)")
        }
    }

    // MARK: - Rule tables

    @Test func ruleTablesKeepEachRequestAsWritten() throws {
        let knowledgeBase = try KnowledgeBase.bundled()
        #expect(knowledgeBase.triageRuleTable.rows.count >= 2 * knowledgeBase.triageRules.count)
        let first = try #require(knowledgeBase.triageRuleTable.rows.first)
        #expect(first.rule == "cauda-equina-signs" && first.fires && first.outcome == .emergency)
        #expect(
            first.request
                == #"{"injection":"epidural-steroid","hoursSinceInjection":30,"symptoms":["saddle-numbness"]}"#)
        let fever = try #require(knowledgeBase.reviewRuleTable.rows(for: "fever-postpone").first)
        #expect(fever.request == #"{"injection":"facet-joint","temperatureC":38.0}"#)
        #expect(fever.outcome == .postpone)
    }

    @Test func ruleTableRowNamingAnUnknownRuleIsReported() throws {
        let files = try Self.editing("triage-rule-table.json") { object in
            var rows = try #require(object["rows"] as? [[String: Any]])
            rows[2]["rule"] = "no-such-rule"
            rows[3]["why"] = " "
            object["rows"] = rows
        }
        #expect(
            try Self.problems(files) == [
                "triage-rule-table.json: rows[2]: names unknown rule 'no-such-rule'",
                "triage-rule-table.json: rows[3]: why is empty",
            ])
        let review = try Self.editing("review-rule-table.json") { object in
            var rows = try #require(object["rows"] as? [[String: Any]])
            rows[0]["rule"] = "cauda-equina-signs"
            object["rows"] = rows
        }
        #expect(
            try Self.problems(review) == ["review-rule-table.json: rows[0]: names unknown rule 'cauda-equina-signs'"])
    }

    @Test func ruleTableRowWithAWrongFieldFailsToLoadNamingIt() throws {
        func loadError(_ name: String, _ edit: @escaping (inout [String: Any]) -> Void) throws -> String {
            let files = try Self.editing(name) { object in
                var rows = try #require(object["rows"] as? [[String: Any]])
                edit(&rows[1])
                object["rows"] = rows
            }
            do {
                _ = try KnowledgeBase(files: files)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        #expect(
            try loadError("triage-rule-table.json") { $0["level"] = "soon" }.hasPrefix(
                "triage-rule-table.json: rows[1].level: "))
        #expect(
            try loadError("review-rule-table.json") { $0["level"] = $0.removeValue(forKey: "decision") }
                == "review-rule-table.json: rows[1].level: not a field of a row (the fields are rule, fires, decision, request, why)"
        )
        #expect(
            try loadError("triage-rule-table.json") { $0["request"] = "{}" }.hasPrefix(
                "triage-rule-table.json: rows[1].request: "))
        #expect(
            try loadError("triage-rule-table.json") { $0["fires"] = nil }
                == "triage-rule-table.json: rows[1].fires: missing")
    }

    @Test func jsonTextKeepsMembersNumbersAndStringsAsWritten() {
        let text =
            #"{"about": "x", "rows": [ {"request": { "a" : 38.0, "b": [1 , "s p\"a{c}e" ], "c": {}}, "why": "w"}, {"why": 1}, 7 ], "z": []}"#
        #expect(
            JSONText.members("request", ofElementsOf: "rows", in: Array(text.utf8)) == [
                #"{"a":38.0,"b":[1,"s p\"a{c}e"],"c":{}}"#, nil, nil,
            ])
        #expect(JSONText.members("request", ofElementsOf: "none", in: Array(text.utf8)) == [])
        #expect(JSONText.members("request", ofElementsOf: "rows", in: Array("[]".utf8)) == [])
    }

    /// Self-care lines are a string (everyone) or an object naming the
    /// conditions they are for or not for; a line for some conditions says
    /// whom it is for, because the catalogue shows it to every reader.
    @Test func selfCareLinesByConditionAreDecodedAndChecked() throws {
        let knowledgeBase = try KnowledgeBase.bundled()
        let soreness = try #require(knowledgeBase.sideEffect(.injectionSitePain))
        #expect(soreness.selfCare.contains { $0.conditions.isEmpty && $0.unlessConditions.isEmpty })
        #expect(soreness.selfCare.contains { $0.conditions.contains(.anticoagulant) })
        #expect(soreness.selfCare.contains { $0.unlessConditions.contains(.heartFailure) })
        let files = try Self.editingFirst("side-effects.json", key: "sideEffects") { effect in
            effect["selfCare"] = [
                ["text": "Do not take ibuprofen.", "conditions": ["anticoagulant"]],
                [
                    "text": "If you take a blood thinner, ask first.", "conditions": ["anticoagulant"],
                    "unlessConditions": ["pregnant"],
                ],
                ["text": " ", "unlessConditions": ["pregnant"]],
            ]
        }
        let problems = try Self.problems(files)
        #expect(problems.contains { $0.contains("a selfCare line for some conditions begins 'If you") })
        #expect(problems.contains { $0.contains("names both conditions and unlessConditions") })
        #expect(problems.contains { $0.contains("a selfCare line is empty") })
    }

    @Test func emptyChecklistExclusionAndReviewNoteAreReported() throws {
        var files = try Self.editingFirst("checklist-items.json", key: "items") { item in
            var applies = item["appliesTo"] as? [String: Any] ?? [:]
            applies["unless"] = [String: Any]()
            item["appliesTo"] = applies
        }
        var problems = try Self.problems(files)
        #expect(problems.contains { $0.contains("appliesTo.unless excludes no one") })
        files = try Self.editingFirst("side-effects.json", key: "sideEffects") { $0["reviewNote"] = " " }
        problems = try Self.problems(files)
        #expect(problems.contains { $0.contains("reviewNote is empty") })
    }

    @Test func kebabCase() {
        #expect(KnowledgeBase.isKebabCase("fda-2014-warning"))
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a b", "é"] {
            #expect(!KnowledgeBase.isKebabCase(bad), "\(bad)")
        }
    }
}

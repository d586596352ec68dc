import Foundation
import Testing

@testable import InjectionSafety

/// The shipped knowledge base, and the integrity check on broken copies of it.
struct KnowledgeBaseTests {
    static func files() throws -> [String: Data] { try KnowledgeBase.bundledFiles() }

    /// The data built into the library is the reviewed files, byte for byte, and
    /// every file in the folder is read (scripts/embed-resources keeps them so).
    @Test func builtInDataIsTheReviewedFiles() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/InjectionSafety/Resources/knowledge")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(Set(names) == Set(KnowledgeBase.fileNames))
        let builtIn = try KnowledgeBase.bundledFiles()
        for name in KnowledgeBase.fileNames {
            let file = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(builtIn[name] == file, "\(name) differs from the built-in copy: run scripts/embed-resources")
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
            #expect(Set(try #require(knowledgeBase.injection(injection)).defaultMedications) == medications, "\(injection)")
        }
        #expect(try #require(knowledgeBase.injection(.epiduralSteroid)).approaches == [.interlaminar, .transforaminal, .caudal])
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
            rules[flare]["when"] = ["any": [["all": [["anySymptom": ["leg-pain"]], ["hoursAtMost": 120]]], ["anySymptom": ["increased-back-pain"]]]]
            let vomiting = try #require(rules.firstIndex { $0["id"] as? String == "vomiting" })
            rules[vomiting]["when"] = ["anyNotSevere": ["vomiting"]]
            object["rules"] = rules
        }
        let problems = try Self.problems(files)
        #expect(problems.contains("triage-rules.json: nausea: a self-care rule needs a window that ends (hoursAtMost)"), "\(problems)")
        #expect(problems.contains("triage-rules.json: pain-flare: a self-care rule needs a window that ends (hoursAtMost)"))
        #expect(problems.contains("triage-rules.json: vomiting: anySteady and anyNotSevere belong in self-care rules only"))
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
        #expect(problems.contains("warning-signs.json: new-weakness: rule 'fever' is urgent, the item is emergency"), "\(problems)")
        #expect(problems.contains("warning-signs.json: new-weakness: names unknown rule 'no-such-rule'"))
        #expect(problems.contains { $0.hasPrefix("warning-signs.json: saddle-bladder-bowel: when and unless test only") })
        #expect(problems.contains("triage-rules.json: severe-back-pain-with-nerve-sign: an emergency rule needs a warning sign (warning-signs.json) or a notAtHome reason"))
        #expect(problems.contains("triage-rules.json: weakness-not-expected: an emergency rule needs a warning sign (warning-signs.json) or a notAtHome reason"))
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
        let files = try Self.editingFirst("side-effects.json", key: "sideEffects") { $0["patientNotices"] = ["no-such-symptom"] }
        #expect {
            _ = try KnowledgeBase(files: files)
        } throws: { error in
            "\(error)".contains("side-effects.json") && "\(error)".contains("patientNotices")
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
        let files = try Self.editingFirst("side-effects.json", key: "sideEffects") { $0["sources"] = ["no-such-source"] }
        #expect(try Self.problems(files).contains { $0.contains("cites unknown source 'no-such-source'") })
    }

    @Test func sideEffectWithoutSourceIsReported() throws {
        let files = try Self.editingFirst("side-effects.json", key: "sideEffects") { $0["sources"] = [String]() }
        #expect(try Self.problems(files).contains { $0.contains("cites no source") })
    }

    @Test func unusedSourceIsReported() throws {
        let files = try Self.editing("sources.json") { object in
            var list = try #require(object["sources"] as? [[String: Any]])
            list.append(["id": "never-cited", "reference": "99", "title": "T", "publisher": "P", "url": "https://example.org"])
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
                list[index]["injections"] = (list[index]["injections"] as? [String] ?? []).filter { $0 != "trigger-point" }
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
                ["text": "If you take a blood thinner, ask first.", "conditions": ["anticoagulant"], "unlessConditions": ["pregnant"]],
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

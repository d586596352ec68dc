import InjectionSafety

/// What the catalogue's filters and search look at for one side effect, built
/// once at start-up: a small reference type, so filtering a page copies no
/// strings or arrays of the full entry.
final class IndexedSideEffect: Sendable {
    let id: SideEffectID
    let injections: Set<InjectionType>
    let causes: Set<Cause>
    let frequency: FrequencyClass
    let level: TriageLevel
    let seed: Bool
    /// Name, description, and the labels and everyday words of its symptoms, folded (``SideEffectQuery/fold(_:)``).
    let searchText: String
    /// Name, folded.
    let nameText: String
    /// Labels and everyday words of its symptoms, folded.
    let symptomText: String
    /// Its place in the catalogue.
    let position: Int
    /// The side effect's JSON object.
    let json: [UInt8]

    init(_ effect: SideEffect, knowledgeBase: KnowledgeBase, json: [UInt8], position: Int) {
        id = effect.id
        injections = Set(effect.injections)
        causes = Set(effect.causes)
        frequency = effect.frequency.class
        level = effect.usualLevel
        seed = effect.seed
        var symptomParts: [String] = []
        for code in effect.patientNotices + effect.seriousWhen.symptoms {
            if let symptom = knowledgeBase.symptom(code) { symptomParts += [symptom.label] + symptom.synonyms }
        }
        searchText = SideEffectQuery.fold(
            ([effect.name, effect.description] + symptomParts).joined(separator: " \u{1F} "))
        nameText = SideEffectQuery.fold(effect.name)
        symptomText = SideEffectQuery.fold(symptomParts.joined(separator: " \u{1F} "))
        self.position = position
        self.json = json
    }
}

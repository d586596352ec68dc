import Testing

@testable import InjectionSafety

/// The hand-written ordinals of the vocabulary: unique, dense and in the
/// contract's order, so a table indexed by them never merges two codes.
struct VocabularyTests {
    static func checkOrdinals<Code: ContractCode & CaseIterable & RawRepresentable & Hashable>(_: Code.Type)
    where Code.RawValue == String {
        let ordinals = Code.allCases.map(\.ordinal)
        #expect(ordinals == Array(0..<Code.allCases.count), "\(Code.self): \(ordinals)")
        // Codes hash their ordinals: a set keeps every code apart, and finds each by a copy made from its text.
        let set = Set(Code.allCases)
        #expect(set.count == Code.allCases.count, "\(Code.self)")
        #expect(Code.allCases.allSatisfy { Code(rawValue: $0.rawValue).map(set.contains) == true }, "\(Code.self)")
        for code in Code.allCases {
            var ordinalHasher = Hasher()
            ordinalHasher.combine(code.ordinal)
            var codeHasher = Hasher()
            codeHasher.combine(code)
            #expect(codeHasher.finalize() == ordinalHasher.finalize(), "\(Code.self) hashes its ordinal")
        }
    }

    @Test func ordinalsAreUniqueDenseAndInContractOrder() {
        Self.checkOrdinals(Approach.self)
        Self.checkOrdinals(BleedingRisk.self)
        Self.checkOrdinals(Cause.self)
        Self.checkOrdinals(ChecklistCategory.self)
        Self.checkOrdinals(ChecklistPhase.self)
        Self.checkOrdinals(Condition.self)
        Self.checkOrdinals(EvidenceKind.self)
        Self.checkOrdinals(FrequencyClass.self)
        Self.checkOrdinals(InjectionType.self)
        Self.checkOrdinals(Medication.self)
        Self.checkOrdinals(ReviewDecision.self)
        Self.checkOrdinals(SideEffectID.self)
        Self.checkOrdinals(SpinalRegion.self)
        Self.checkOrdinals(Symptom.self)
        Self.checkOrdinals(TriageLevel.self)
    }
}

import Testing

@testable import InjectionSafety

/// The hand-written ordinals of the vocabulary: unique, dense and in the
/// contract's order, so a table indexed by them never merges two codes.
struct VocabularyTests {
    static func checkOrdinals<Code: ContractCode & CaseIterable & RawRepresentable>(_: Code.Type)
    where Code.RawValue == String {
        let ordinals = Code.allCases.map(\.ordinal)
        #expect(ordinals == Array(0..<Code.allCases.count), "\(Code.self): \(ordinals)")
    }

    @Test func ordinalsAreUniqueDenseAndInContractOrder() {
        Self.checkOrdinals(Approach.self)
        Self.checkOrdinals(BleedingRisk.self)
        Self.checkOrdinals(Cause.self)
        Self.checkOrdinals(ChecklistCategory.self)
        Self.checkOrdinals(ChecklistPhase.self)
        Self.checkOrdinals(Condition.self)
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

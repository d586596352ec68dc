import InjectionSafety
import Testing

struct InjectionSafetyTests {
    /// The version is semantic (MAJOR.MINOR.PATCH), as logs and responses report it.
    @Test func versionIsSemantic() {
        let parts = InjectionSafety.version.split(separator: ".")
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { Int($0) != nil })
    }
}

import Testing

@testable import InjectionSafety

/// Readings in the other units: converted and rounded so that no threshold flips.
struct ReadingUnitsTests {
    /// mmol/L to mg/dL at each glucose threshold of the rules (54, 70, 200, 300) and beside it.
    @Test(arguments: [
        (2.9, 52.0), (3.0, 54.0), (3.8, 68.0), (3.9, 70.0), (11.0, 198.0), (11.1, 200.0), (16.6, 299.0),
        (16.7, 301.0), (0.6, 11.0), (111.0, 2000.0),
    ])
    func glucose(millimoles: Double, milligrams: Double) {
        #expect(ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: millimoles) == milligrams)
    }

    /// °F to °C at the fever threshold (38.0 °C is 100.4 °F) and beside it, and at the range's ends.
    @Test(arguments: [
        (100.4, 38.0), (100.3, 37.9), (100.5, 38.1), (98.6, 37.0), (77.0, 25.0), (113.0, 45.0), (104.0, 40.0),
    ])
    func temperature(fahrenheit: Double, celsius: Double) {
        #expect(ReadingUnits.celsius(fromFahrenheit: fahrenheit) == celsius)
    }

    /// The same reading in either unit gives the same triage.
    @Test(arguments: [(2.9, 52.0), (3.0, 54.0), (3.8, 68.0), (3.9, 70.0), (16.7, 301.0), (16.6, 299.0)])
    func glucoseInEitherUnitTriagesAlike(millimoles: Double, milligrams: Double) {
        func level(_ glucose: Double) -> TriageLevel {
            TriageEngineTests.engine.triage(
                TriageRequest(
                    injection: .epiduralSteroid, hoursSinceInjection: 30, bloodGlucoseMgDl: glucose,
                    conditions: [.diabetes])
            ).level
        }
        #expect(level(ReadingUnits.milligramsPerDecilitre(fromMillimolesPerLitre: millimoles)) == level(milligrams))
    }
}

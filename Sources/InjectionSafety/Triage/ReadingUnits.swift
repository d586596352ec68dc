/// Readings sent in the other common units, converted to the ones the rules use.
///
/// The results are rounded as the devices show them (a glucose meter whole
/// mg/dL, a thermometer tenths of a degree), so that a reading at a threshold in
/// one unit is at the same threshold in the other: 3.9 mmol/L is 70 mg/dL, 3.0
/// is 54, 11.1 is 200 and 16.7 is 301 (not 70.26, 54.05, 199.98 and 300.87);
/// 100.4 °F is 38.0 °C. Halves round away from zero.
public enum ReadingUnits {
    /// mg/dL per mmol/L of glucose (molar mass 180.16 g/mol).
    public static let milligramsPerDecilitrePerMillimole = 18.016

    /// Glucose in mg/dL, whole, from mmol/L.
    public static func milligramsPerDecilitre(fromMillimolesPerLitre value: Double) -> Double {
        (value * milligramsPerDecilitrePerMillimole).rounded()
    }

    /// Temperature in °C, to a tenth, from °F.
    public static func celsius(fromFahrenheit value: Double) -> Double {
        ((value - 32) * 5 / 9 * 10).rounded() / 10
    }
}

/// The service's medical knowledge and rules. Imports nothing of the HTTP layer.
public enum InjectionSafety {
    /// The service's version.
    public static let version = "0.1.0"
}

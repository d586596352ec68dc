/// A published source that a statement of the service rests on.
public struct Source: Sendable, Codable, Hashable, Identifiable {
    /// Stable kebab-case id, cited by the other entries.
    public var id: String
    /// Its number in the team's clinical-facts list (e.g. `17b`).
    public var reference: String
    public var title: String
    public var publisher: String
    /// What kind of publication it is.
    public var evidence: EvidenceKind
    public var url: String
}

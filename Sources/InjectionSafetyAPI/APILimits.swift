/// The API's own limits. They are part of its contract (`openapi.yaml` states
/// them), so they are listed with the server's limits but not configurable.
public struct APILimits: Sendable, Equatable {
    /// Deepest nesting of arrays and objects in a JSON body (requests need 3).
    /// Deeper: `400`, malformed JSON.
    public var maxJSONDepth = 16
    /// Most symptoms in one triage or review body. More: `422`.
    public var maxSymptoms = 64

    public init() {}
}

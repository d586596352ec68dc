import Synchronization

/// Whether the service should receive traffic: the knowledge base is loaded
/// and checked (it is, once a router exists) and the server is not draining.
/// `GET /readyz` answers from it, so a proxy stops sending new requests as
/// soon as a shutdown begins.
public final class Readiness: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    /// A graceful shutdown has begun.
    public func markDraining() { draining.store(true, ordering: .releasing) }

    public var isReady: Bool { !draining.load(ordering: .acquiring) }
}

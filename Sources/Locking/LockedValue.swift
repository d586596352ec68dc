import Glibc

/// A pthread mutex: a lock that ThreadSanitizer models (it does not model the
/// futex under `Synchronization.Mutex` on Linux), without Foundation's `NSLock`.
public final class PthreadLock: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    @inlinable
    public func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A value behind a ``PthreadLock``: `Synchronization.Mutex`'s shape, with a
/// lock ThreadSanitizer understands.
public final class LockedValue<Value>: @unchecked Sendable {
    @usableFromInline let lock = PthreadLock()
    @usableFromInline var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    /// Inlinable, so that callers get it specialized (no generic metadata per call).
    @inlinable
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(&value) }
    }
}

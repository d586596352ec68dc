import Glibc

/// Every size and every wait the server enforces, in one value.
///
/// Each field states its unit, its default, and what the server answers when a
/// client goes over it. The defaults are the ones a reverse-proxied JSON API
/// needs; the executable lets each one be overridden by flag or environment.
public struct ServerLimits: Sendable, Equatable {
    /// Longest request-target (the path and query, or the absolute URI), in bytes.
    /// Default 8 KiB. Over it: `414 URI Too Long`, then close.
    public var maxRequestTargetBytes: Int = 8 * 1024

    /// Largest header section (all field lines, not the request line, plus
    /// any chunked trailers), in bytes. Default 16 KiB. Over it:
    /// `431 Request Header Fields Too Large`, then close.
    public var maxHeaderBytes: Int = 16 * 1024

    /// Most header field lines in one request. Default 100. Over it:
    /// `431 Request Header Fields Too Large`, then close.
    public var maxHeaderFields: Int = 100

    /// Largest request body after chunked decoding, in bytes. Default 1 MiB.
    /// Over it: `413 Content Too Large` (by Content-Length before any body byte is
    /// read, or as soon as the chunks add up past it), then close.
    public var maxBodyBytes: Int = 1024 * 1024

    /// Time from a request's first byte (or from accepting the connection) until
    /// its head is complete. Default 10 s. Over it: `408 Request Timeout`, then close
    /// (a connection that sent nothing is closed without a response).
    public var headerReadTimeout: Duration = .seconds(10)

    /// Time from the end of a request's head until its body is complete.
    /// Default 30 s. Over it: `408 Request Timeout`, then close.
    public var bodyReadTimeout: Duration = .seconds(30)

    /// Time a keep-alive connection may wait for the next request after a
    /// response is written. Default 75 s. Over it: closed without a response.
    public var idleTimeout: Duration = .seconds(75)

    /// Time a response may take to be taken by a slow client once writing it
    /// blocks. Default 30 s. Over it: the connection is closed.
    public var writeTimeout: Duration = .seconds(30)

    /// Most responses a connection may have waiting to be written. Once reached,
    /// the server stops reading that connection until the client takes them.
    /// Default 16.
    public var maxPipelinedRequests: Int = 16

    /// Most bytes of answers a connection may have waiting to be written before
    /// the server stops answering its further pipelined requests (and reading
    /// it) until the client takes them. With `maxPipelinedRequests` alone, a
    /// client that pipelines requests for large pages and never reads would make
    /// the server hold sixteen pages for it; with this, about 64 KiB and one
    /// answer. Default 64 KiB.
    public var maxQueuedOutputBytes: Int = 64 * 1024

    /// The kernel send buffer of each connection (`SO_SNDBUF`), in bytes.
    /// Default 256 KiB (Linux reserves twice this). Bounding it keeps a client
    /// that never reads from parking megabytes in the kernel (autotuning grows
    /// a loopback buffer to several MiB), and makes such a client hit the write
    /// timeout instead. Every answer of this API is far smaller.
    public var sendBufferBytes: Int = 256 * 1024

    /// Most open client connections. Default: the process's open-file limit
    /// (`RLIMIT_NOFILE`) less a reserve for the listener, logs and files.
    /// Over it: `503 Service Unavailable`, then close.
    public var maxConnections: Int = ServerLimits.defaultMaxConnections()

    /// Time a graceful shutdown waits for in-flight requests before closing
    /// what is left. Default 10 s.
    public var drainTimeout: Duration = .seconds(10)

    /// Once a graceful shutdown has begun, how long after its accept a
    /// connection that has sent nothing yet may still send its first request
    /// (its client has just connected, so the request is on its way); it is
    /// answered with `Connection: close`. Default 1 s.
    public var drainFirstRequestGrace: Duration = .seconds(1)

    /// Once a graceful shutdown has begun, how long a kept-alive connection
    /// with nothing in flight stays open: a request a client (a proxy reusing
    /// its upstream connection) sends on it meanwhile is answered with
    /// `Connection: close`, instead of meeting a connection closed under it.
    /// Zero closes such connections at once. Default 1 s.
    public var drainIdleGrace: Duration = .seconds(1)

    /// After the last response of a connection that must close (an error, a
    /// drain), how long the server waits for the client's end of stream
    /// before closing, so unread input does not turn the close into a reset.
    /// Default 2 s.
    public var lingerTimeout: Duration = .seconds(2)

    /// Most connections over `maxConnections` answered with `503` at once;
    /// past it, new sockets are closed without an answer. Default 32.
    public var maxRejectingConnections: Int = 32

    /// How often each event loop checks its connections' deadlines: every
    /// timeout above may run over by up to this. Default 250 ms.
    public var deadlineSweepInterval: Duration = .milliseconds(250)

    /// Bytes each event loop reads from a socket at once (one buffer per loop,
    /// shared by its connections). Default 64 KiB.
    public var readBufferBytes: Int = 64 * 1024

    /// Most connections whose responses an event loop holds before it writes
    /// them (each holds its answers to one read: one, or a few pipelined): it
    /// writes the responses of a pass over the ready sockets together, at the
    /// pass's end or when this many connections wait, so that a client
    /// answered on many connections is woken once for them (1 writes each at
    /// once). Bounds how long a response waits for the others. Default 16.
    public var writeBatchResponses: Int = 16

    public init() {}

    /// File descriptors kept free for the listener, logging and the process itself.
    static let reservedFileDescriptors = 64

    /// The open-file soft limit less a reserve, never below 1.
    public static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let soft = limit.rlim_cur == rlim_t.max ? UInt64(1 << 20) : UInt64(limit.rlim_cur)
        return max(1, Int(clamping: soft) - reservedFileDescriptors)
    }
}

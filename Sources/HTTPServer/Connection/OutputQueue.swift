import Glibc

/// Where the serializer puts a response's bytes.
protocol ResponseOutput {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: some Sequence<UInt8>)
    /// A response body: the bytes are written after everything appended so far.
    mutating func appendBody(_ body: [UInt8])
    /// The bytes appended so far (bodies included).
    var count: Int { get }
}

extension Array: ResponseOutput where Element == UInt8 {
    mutating func appendBody(_ body: [UInt8]) { append(contentsOf: body) }
}

extension ResponseOutput {
    /// Appends a literal's bytes with one copy (a `String`'s UTF-8 view is
    /// appended byte by byte, several times slower for the short literals of
    /// every response and log line).
    mutating func append(literal: StaticString) {
        literal.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends a string's UTF-8 bytes with one copy from its storage.
    mutating func append(string: String) {
        var string = string
        string.withUTF8 { append(contentsOf: $0) }
    }
}

/// The bytes of a connection's responses not yet written.
///
/// Status lines, header fields and small bodies are copied into one reused
/// buffer; a large body is kept by reference (a cached catalogue page is shared
/// by every connection that sends it, never copied) and the pieces go out
/// together in one `sendmsg`. A connection therefore holds a few hundred bytes of
/// its own per response, not a copy of each body.
struct OutputQueue: ResponseOutput {
    /// Bodies at least this long are written from their own storage.
    static let referencedBodyBytes = 2048
    /// The most pieces given to one `sendmsg` call (well under `IOV_MAX`).
    static let maxPiecesPerWrite = 64

    /// Everything but the referenced bodies, in order.
    private var inline: [UInt8] = []
    /// Referenced bodies: each goes after `inline[..<position]` (and after the
    /// bodies listed before it).
    private var bodies: [(position: Int, bytes: [UInt8])] = []
    private var referencedCount = 0
    /// Bytes of the whole stream already written.
    private(set) var writtenCount = 0

    /// Bytes appended since the queue was last empty, written or not.
    var count: Int { inline.count + referencedCount }
    var isEmpty: Bool { writtenCount == count }
    /// Bytes not yet written.
    var unwrittenCount: Int { count - writtenCount }

    mutating func append(_ byte: UInt8) { inline.append(byte) }

    mutating func append(contentsOf bytes: some Sequence<UInt8>) { inline.append(contentsOf: bytes) }

    mutating func appendBody(_ body: [UInt8]) {
        if body.count < Self.referencedBodyBytes {
            inline.append(contentsOf: body)
        } else {
            bodies.append((inline.count, body))
            referencedCount += body.count
        }
    }

    /// An inline buffer grown past this is released when the queue empties.
    static let keptInlineCapacity = 64 * 1024

    /// Drops everything, written or not.
    mutating func removeAll() {
        if inline.capacity > Self.keptInlineCapacity {
            inline = []
        } else {
            inline.removeAll(keepingCapacity: true)
        }
        bodies.removeAll(keepingCapacity: bodies.capacity <= 64)
        referencedCount = 0
        writtenCount = 0
    }

    /// The unwritten bytes, copied in order (for tests; `write` copies nothing).
    var unwrittenBytes: [UInt8] {
        var all: [UInt8] = []
        var inlineStart = 0
        for referenced in bodies {
            all += inline[inlineStart..<referenced.position]
            all += referenced.bytes
            inlineStart = referenced.position
        }
        all += inline[inlineStart...]
        return Array(all[writtenCount...])
    }

    enum WriteResult: Equatable {
        /// Everything is written (the queue is empty).
        case complete
        /// The socket is full; some bytes remain.
        case wouldBlock
        /// The socket failed (`errno` says why).
        case failed
    }

    /// Writes as much as `fileDescriptor` takes.
    mutating func write(to fileDescriptor: Int32) -> WriteResult {
        while !isEmpty {
            let written: Int
            if bodies.isEmpty {
                written = inline.withUnsafeBytes { bytes in
                    send(
                        fileDescriptor, bytes.baseAddress! + writtenCount, bytes.count - writtenCount,
                        Int32(MSG_NOSIGNAL))
                }
            } else {
                written = writeReferenced(to: fileDescriptor)
            }
            if written > 0 {
                writtenCount += written
                continue
            }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .wouldBlock }
            return .failed
        }
        removeAll()
        return .complete
    }

    /// One `sendmsg` of the next unwritten pieces: inline parts and referenced bodies.
    private func writeReferenced(to fileDescriptor: Int32) -> Int {
        inline.withUnsafeBytes { inlineBytes in
            withUnsafeTemporaryAllocation(of: iovec.self, capacity: Self.maxPiecesPerWrite) { vectors in
                var gather = Gather(vectors: vectors, skip: writtenCount)
                return gather.send(bodies: bodies[...], inline: inlineBytes, inlineStart: 0, to: fileDescriptor)
            }
        }
    }

    /// Collects the pieces of one `sendmsg` into `vectors`, skipping the bytes already written.
    private struct Gather {
        let vectors: UnsafeMutableBufferPointer<iovec>
        var skip: Int
        var used = 0

        mutating func add(_ piece: UnsafeRawBufferPointer) {
            if piece.count <= skip {
                skip -= piece.count
                return
            }
            guard used < vectors.count else { return }
            vectors[used] = iovec(
                iov_base: UnsafeMutableRawPointer(mutating: piece.baseAddress! + skip), iov_len: piece.count - skip)
            skip = 0
            used += 1
        }

        /// Each body's pointer is used only inside its own `withUnsafeBytes`, so the
        /// recursion (one level per body, at most one per queued response) sends
        /// from within all of them.
        mutating func send(
            bodies: ArraySlice<(position: Int, bytes: [UInt8])>, inline: UnsafeRawBufferPointer, inlineStart: Int,
            to fileDescriptor: Int32
        ) -> Int {
            guard let next = bodies.first, used < vectors.count else {
                if used < vectors.count { add(UnsafeRawBufferPointer(rebasing: inline[inlineStart...])) }
                var message = msghdr()
                message.msg_iov = vectors.baseAddress
                message.msg_iovlen = used
                return sendmsg(fileDescriptor, &message, Int32(MSG_NOSIGNAL))
            }
            add(UnsafeRawBufferPointer(rebasing: inline[inlineStart..<next.position]))
            return next.bytes.withUnsafeBytes { body in
                add(body)
                return send(bodies: bodies.dropFirst(), inline: inline, inlineStart: next.position, to: fileDescriptor)
            }
        }
    }
}

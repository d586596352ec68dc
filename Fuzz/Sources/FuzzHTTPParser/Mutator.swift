// An HTTP-aware mutator: half of the mutations are libFuzzer's byte-level ones;
// the others pick new limits or new cuts, repeat a slice of the request many
// times (hundreds of fields, empty lines, chunks or target bytes: the limits
// and counters), or insert a whole field line, chunk or request at a line
// boundary. Byte-level mutations reach those only by many small steps.

import FuzzSupport

let insertions: [[UInt8]] = [
    "Host: a\r\n", "Host: [::1]:8080\r\n", "Content-Length: 0\r\n", "Content-Length: 5\r\n", "Content-Length: 33\r\n",
    "Content-Length: 5, 5\r\n", "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip, chunked\r\n",
    "Connection: close\r\n", "Connection: keep-alive\r\n", "Expect: 100-continue\r\n", "X-A: 1\r\n", " folded\r\n",
    "\r\n", "5\r\nhello\r\n", "0\r\n\r\n", "1;a=b\r\nx\r\n", "0\r\nX-Trailer: t\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "POST /v1/triage HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", "GET / HTTP/1.0\r\n\r\n",
].map { Array($0.utf8) }

@_cdecl("LLVMFuzzerCustomMutator")
public func customMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    var rng = SplitMix(state: UInt64(seed))
    guard rng.next() % 2 == 0, size >= 2, maxSize >= 2 else { return libFuzzerMutate(data, size, maxSize) }
    var input = Array(UnsafeBufferPointer(start: data, count: size))
    let prefix = min(input.count, 2 + Int(input[1] & 0x0F))
    switch rng.next() % 4 {
    case 0:
        // New limits, new cuts.
        input[0] = UInt8(truncatingIfNeeded: rng.next())
        if rng.next() % 2 == 0 {
            let cuts = (0..<(rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 64) }
            input.replaceSubrange(1..<prefix, with: [UInt8(cuts.count)] + cuts)
        }
    case 1 where input.count > prefix:
        // Repeat a short slice of the request.
        let start = prefix + Int(rng.next() % UInt64(input.count - prefix))
        let length = 1 + Int(rng.next() % UInt64(min(32, input.count - start)))
        let times = 2 + Int(rng.next() % 600)
        let slice = input[start..<(start + length)]
        input.insert(contentsOf: repeatElement(slice, count: times).joined(), at: start)
    default:
        // A whole line, chunk or request, at the start of a line.
        let lineStarts =
            [input.count] + (prefix..<input.count).filter { $0 == prefix || input[$0 - 1] == UInt8(ascii: "\n") }
        let at = lineStarts.randomElement(using: &rng)!
        var inserted = insertions.randomElement(using: &rng)!
        if rng.next() % 4 == 0 { inserted = Array(repeatElement(inserted, count: 2 + Int(rng.next() % 200)).joined()) }
        input.insert(contentsOf: inserted, at: at)
    }
    if input.count > maxSize { input.removeLast(input.count - maxSize) }
    input.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: input.count) }
    return input.count
}

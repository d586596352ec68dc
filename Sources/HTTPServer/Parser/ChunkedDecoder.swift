/// Decodes the chunked transfer coding (RFC 9112 §7.1) incrementally.
///
///     chunked-body = *chunk last-chunk trailer-section CRLF
///     chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
///
/// Extensions and trailer fields are read, bounded, and ignored.
struct ChunkedDecoder: Sendable {
    enum State: Sendable, Equatable {
        case size(value: Int, digits: Int)
        case sizeExtension(value: Int)
        case sizeLineFeed(value: Int)
        case data(remaining: Int)
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerLine
        case trailerLineFeed
        case finalLineFeed
        case done
    }

    /// Hex digits accepted in one chunk size: 15 keeps the value far below `Int.max`.
    static let maxSizeDigits = 15

    private(set) var state: State = .size(value: 0, digits: 0)
    /// Decoded body bytes so far.
    var body: [UInt8] = []
    /// Bytes of extensions and trailers so far, bounded by the header limit.
    private var metadataBytes = 0
    let maxBodyBytes: Int
    let maxMetadataBytes: Int

    init(maxBodyBytes: Int, maxMetadataBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxMetadataBytes = maxMetadataBytes
    }

    var isDone: Bool { state == .done }

    /// Whether any byte of the chunked body has been read.
    var hasStarted: Bool { state != .size(value: 0, digits: 0) || !body.isEmpty }

    /// Decodes from `bytes`, returning how many it consumed; stops at the end of
    /// the chunked body, leaving any following bytes (a pipelined request) alone.
    mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Int, ParseError> {
        var index = 0
        let lineFeed = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        while index < bytes.count {
            let byte = bytes[index]
            switch state {
            case .size(let value, let digits):
                if let digit = ByteClass.hexValue(byte) {
                    guard digits < Self.maxSizeDigits else { return .failure(.chunkSizeOverflow) }
                    state = .size(value: value << 4 | digit, digits: digits + 1)
                } else if digits == 0 {
                    return .failure(.invalidChunkSize)
                } else if byte == carriageReturn {
                    state = .sizeLineFeed(value: value)
                } else if byte == UInt8(ascii: ";") || ByteClass.isWhitespace(byte) {
                    state = .sizeExtension(value: value)
                } else {
                    return .failure(.invalidChunkSize)
                }
                index += 1
            case .sizeExtension(let value):
                if byte == carriageReturn {
                    state = .sizeLineFeed(value: value)
                } else if byte == lineFeed || !ByteClass.isFieldValueByte(byte) {
                    return .failure(.invalidChunkSize)
                } else {
                    metadataBytes += 1
                    if metadataBytes > maxMetadataBytes { return .failure(.headerSectionTooLarge) }
                }
                index += 1
            case .sizeLineFeed(let value):
                guard byte == lineFeed else { return .failure(.invalidChunkSize) }
                if value > maxBodyBytes - body.count { return .failure(.bodyTooLarge) }
                state = value == 0 ? .trailerLineStart : .data(remaining: value)
                index += 1
            case .data(let remaining):
                let take = min(remaining, bytes.count - index)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + take)]))
                index += take
                state = remaining == take ? .dataCarriageReturn : .data(remaining: remaining - take)
            case .dataCarriageReturn:
                guard byte == carriageReturn else { return .failure(.missingChunkTerminator) }
                state = .dataLineFeed
                index += 1
            case .dataLineFeed:
                guard byte == lineFeed else { return .failure(.missingChunkTerminator) }
                state = .size(value: 0, digits: 0)
                index += 1
            case .trailerLineStart:
                if byte == carriageReturn {
                    state = .finalLineFeed
                } else if byte == lineFeed || byte == 0 {
                    return .failure(.bareLineBreak)
                } else {
                    state = .trailerLine
                    metadataBytes += 1
                }
                index += 1
            case .trailerLine:
                if byte == carriageReturn {
                    state = .trailerLineFeed
                } else if byte == lineFeed || byte == 0 {
                    return .failure(byte == 0 ? .nulInHead : .bareLineBreak)
                } else {
                    metadataBytes += 1
                    if metadataBytes > maxMetadataBytes { return .failure(.headerSectionTooLarge) }
                }
                index += 1
            case .trailerLineFeed:
                guard byte == lineFeed else { return .failure(.bareLineBreak) }
                state = .trailerLineStart
                index += 1
            case .finalLineFeed:
                guard byte == lineFeed else { return .failure(.bareLineBreak) }
                state = .done
                return .success(index + 1)
            case .done:
                return .success(index)
            }
        }
        return .success(index)
    }
}

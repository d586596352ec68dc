/// An incremental HTTP/1.1 request parser (RFC 9112), separate from all I/O.
///
/// Feed it bytes with ``append(_:)`` as they arrive, then call ``next()`` until
/// it answers ``ParseResult/needMoreData``. It keeps the unconsumed bytes, so
/// pipelined requests come out one by one, and it remembers how far it has
/// scanned a partial head so a client that sends one byte at a time costs one
/// byte of work per byte. Every length is checked against ``ServerLimits``
/// before it is trusted. After a failure it stays failed.
public struct RequestParser: Sendable {
    /// A parsed head waiting for its body.
    struct Head: Sendable {
        var method: HTTPMethod
        var target: String
        var version: HTTPVersion
        var headers: HTTPHeaders
        var keepAlive: Bool
        var expectsContinue: Bool
    }

    enum State: Sendable {
        /// Reading a head, scanned so far.
        case head(HeadScan)
        case fixedBody(Head, length: Int, continueSent: Bool)
        case chunkedBody(Head, ChunkedDecoder, continueSent: Bool)
        case failed(ParseError)
    }

    public let limits: ServerLimits
    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes in `buffer`.
    private var readIndex = 0
    private var state: State = .head(HeadScan())

    public init(limits: ServerLimits) {
        self.limits = limits
    }

    /// Bytes received and not yet consumed by a returned request.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Whether the parser is between requests with nothing buffered.
    public var isIdle: Bool {
        if case .head = state, bufferedByteCount == 0 { return true }
        return false
    }

    /// Whether a request's head is complete and its body is being read.
    public var isReadingBody: Bool {
        switch state {
        case .fixedBody, .chunkedBody: true
        case .head, .failed: false
        }
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes.bindMemory(to: UInt8.self))
    }

    /// Adds received bytes.
    public mutating func append<Bytes: Sequence<UInt8>>(contentsOf bytes: Bytes) {
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes)
    }

    /// Parses as far as the buffered bytes allow.
    public mutating func next() -> ParseResult {
        switch state {
        case .failed(let error):
            return .failure(error)
        case .head(let scan):
            switch scanHead(scan) {
            case .failure(let error):
                return fail(error)
            case .success(nil):
                return .needMoreData
            case .success(let headLength?):
                let parsed = buffer.withUnsafeBufferPointer { all in
                    parseHead(UnsafeBufferPointer(rebasing: all[readIndex..<(readIndex + headLength)]))
                }
                readIndex += headLength
                switch parsed {
                case .failure(let error):
                    return fail(error)
                case .success(let (head, framing)):
                    switch framing {
                    case .none:
                        return complete(head, body: [])
                    case .length(let length):
                        state = .fixedBody(head, length: length, continueSent: false)
                    case .chunked:
                        let decoder = ChunkedDecoder(
                            maxBodyBytes: limits.maxBodyBytes, maxMetadataBytes: limits.maxHeaderBytes)
                        state = .chunkedBody(head, decoder, continueSent: false)
                    }
                    return next()
                }
            }
        case .fixedBody(let head, let length, let continueSent):
            if bufferedByteCount >= length {
                let body = Array(buffer[readIndex..<(readIndex + length)])
                readIndex += length
                return complete(head, body: body)
            }
            if head.expectsContinue && !continueSent && bufferedByteCount == 0 {
                state = .fixedBody(head, length: length, continueSent: true)
                return .continueExpected
            }
            return .needMoreData
        case .chunkedBody(let head, var decoder, let continueSent):
            if head.expectsContinue && !continueSent && bufferedByteCount == 0 && !decoder.hasStarted {
                state = .chunkedBody(head, decoder, continueSent: true)
                return .continueExpected
            }
            // Release the state's copy so the decoder's body is not copied on write.
            state = .head(HeadScan())
            let decoded = buffer.withUnsafeBufferPointer { all in
                decoder.decode(UnsafeBufferPointer(rebasing: all[readIndex...]))
            }
            switch decoded {
            case .failure(let error):
                return fail(error)
            case .success(let consumed):
                readIndex += consumed
                if decoder.isDone { return complete(head, body: decoder.body) }
                state = .chunkedBody(head, decoder, continueSent: true)
                return .needMoreData
            }
        }
    }

    // MARK: - Head scanning

    /// Where a partial head's scan stopped, relative to the request's start.
    struct HeadScan: Sendable {
        /// Bytes already checked.
        var scanned = 0
        /// Where the current line began.
        var lineStart = 0
        /// Complete lines so far (the request line included).
        var lines = 0
        /// Where the header section began (after the request line).
        var sectionStart = 0
        /// Bytes of empty lines before the request line consumed by earlier
        /// calls, so their limit holds however the bytes arrive.
        var skippedBefore = 0
    }

    /// Checks line breaks and NULs of the new bytes of a head, enforces the size
    /// limits while it grows, and finds its end. Returns the head's length
    /// (through the empty line) once complete.
    private mutating func scanHead(_ scan: HeadScan) -> Result<Int?, ParseError> {
        let limits = self.limits
        let start = readIndex
        var scan = scan
        var skippedEmptyLines = 0
        let carriageReturn = UInt8(ascii: "\r")
        let lineFeed = UInt8(ascii: "\n")
        let outcome: Result<Int?, ParseError> = buffer.withUnsafeBufferPointer { all in
            let available = all.count - start
            while scan.scanned < available {
                let position = scan.scanned
                let byte = all[start + position]
                if byte == carriageReturn {
                    guard position + 1 < available else { return .success(nil) }  // wait for the next byte
                    guard all[start + position + 1] == lineFeed else { return .failure(.bareLineBreak) }
                    scan.scanned += 1
                    continue
                }
                if byte == lineFeed {
                    guard position > 0, all[start + position - 1] == carriageReturn else {
                        return .failure(.bareLineBreak)
                    }
                    scan.scanned += 1
                    if position - 1 == scan.lineStart {  // an empty line
                        if scan.lines == 0 {
                            // RFC 9112 §2.2: ignore empty lines before the request line.
                            skippedEmptyLines = scan.scanned
                            scan.lineStart = scan.scanned
                            if scan.skippedBefore + skippedEmptyLines > 1024 { return .failure(.invalidRequestLine) }
                            continue
                        }
                        return .success(scan.scanned)
                    }
                    scan.lines += 1
                    if scan.lines == 1 { scan.sectionStart = scan.scanned }
                    if scan.lines > limits.maxHeaderFields + 1 { return .failure(.tooManyHeaderFields) }
                    scan.lineStart = scan.scanned
                    continue
                }
                if byte == 0 { return .failure(.nulInHead) }
                scan.scanned += 1
                if scan.lines == 0 {
                    // The request line: method SP target SP HTTP/x.y, with room for a long method.
                    let slack = 32 + 1 + 1 + 8
                    if scan.scanned - scan.lineStart > limits.maxRequestTargetBytes + slack {
                        return .failure(.targetTooLong)
                    }
                } else if scan.scanned - scan.sectionStart > limits.maxHeaderBytes {
                    return .failure(.headerSectionTooLarge)
                }
            }
            return .success(nil)
        }
        if case .success(nil) = outcome {
            // Empty lines before the request line are consumed, not kept.
            readIndex += skippedEmptyLines
            scan.skippedBefore += skippedEmptyLines
            scan.scanned -= skippedEmptyLines
            scan.lineStart -= skippedEmptyLines
            scan.sectionStart = max(0, scan.sectionStart - skippedEmptyLines)
            state = .head(scan)
        }
        return outcome
    }

    // MARK: - Head parsing

    enum Framing {
        case none
        case length(Int)
        case chunked
    }

    /// Parses a complete head (which ends with CRLF CRLF and may begin with
    /// empty lines) into its parts and the body framing.
    private func parseHead(_ head: UnsafeBufferPointer<UInt8>) -> Result<(Head, Framing), ParseError> {
        var start = 0
        while start + 1 < head.count && head[start] == UInt8(ascii: "\r") && head[start + 1] == UInt8(ascii: "\n") {
            start += 2
        }
        guard let requestLineEnd = Self.lineEnd(head, from: start) else { return .failure(.invalidRequestLine) }
        let requestLine: (method: HTTPMethod, target: Range<Int>, version: HTTPVersion)
        switch parseRequestLine(head, start..<requestLineEnd) {
        case .failure(let error): return .failure(error)
        case .success(let line): requestLine = line
        }

        // Header section: from after the request line's CRLF to before the final CRLF.
        let sectionStart = requestLineEnd + 2
        let sectionEnd = head.count - 2
        if sectionEnd - sectionStart > limits.maxHeaderBytes { return .failure(.headerSectionTooLarge) }
        let storage = Array(head[sectionStart..<sectionEnd])
        var fields: [HTTPHeaders.Field] = []
        var lineStart = 0
        while lineStart < storage.count {
            guard let end = Self.lineEnd(storage, from: lineStart) else { return .failure(.invalidFieldValue) }
            switch Self.parseField(storage, lineStart..<end) {
            case .failure(let error): return .failure(error)
            case .success(let field): fields.append(field)
            }
            if fields.count > limits.maxHeaderFields { return .failure(.tooManyHeaderFields) }
            lineStart = end + 2
        }
        let headers = HTTPHeaders(storage: storage, fields: fields)
        let target = String(decoding: head[requestLine.target], as: UTF8.self)
        return interpret(method: requestLine.method, target: target, version: requestLine.version, headers: headers)
    }

    /// The index of the CR that ends the line starting at `from`.
    private static func lineEnd<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, from: Int) -> Int?
    where Bytes.Index == Int {
        var index = from
        while index + 1 < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\r") && bytes[index + 1] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        return nil
    }

    /// request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
    private func parseRequestLine(
        _ head: UnsafeBufferPointer<UInt8>, _ line: Range<Int>
    ) -> Result<(method: HTTPMethod, target: Range<Int>, version: HTTPVersion), ParseError> {
        let space = UInt8(ascii: " ")
        guard let firstSpace = head[line].firstIndex(of: space) else { return .failure(.invalidRequestLine) }
        let methodRange = line.lowerBound..<firstSpace
        let afterMethod = firstSpace + 1
        guard let secondSpace = head[afterMethod..<line.upperBound].firstIndex(of: space) else {
            return .failure(.invalidRequestLine)
        }
        let targetRange = afterMethod..<secondSpace
        let versionRange = (secondSpace + 1)..<line.upperBound
        guard !methodRange.isEmpty, !targetRange.isEmpty else { return .failure(.invalidRequestLine) }
        guard head[methodRange].allSatisfy(ByteClass.isToken) else { return .failure(.invalidMethod) }
        guard !head[versionRange].contains(space) else { return .failure(.invalidRequestLine) }
        if targetRange.count > limits.maxRequestTargetBytes { return .failure(.targetTooLong) }
        guard head[targetRange].allSatisfy(ByteClass.isTargetByte) else { return .failure(.invalidTarget) }

        // HTTP-version = "HTTP" "/" DIGIT "." DIGIT (case-sensitive, RFC 9112 §2.3)
        let version = head[versionRange]
        guard version.count == 8, version.starts(with: "HTTP/".utf8),
            ByteClass.isDigit(version[versionRange.lowerBound + 5]),
            version[versionRange.lowerBound + 6] == UInt8(ascii: "."),
            ByteClass.isDigit(version[versionRange.lowerBound + 7])
        else { return .failure(.invalidVersion) }
        let major = version[versionRange.lowerBound + 5] - UInt8(ascii: "0")
        let minor = version[versionRange.lowerBound + 7] - UInt8(ascii: "0")
        let httpVersion: HTTPVersion
        switch (major, minor) {
        case (1, 1): httpVersion = .http1_1
        case (1, 0): httpVersion = .http1_0
        default: return .failure(.unsupportedVersion)
        }

        guard let method = HTTPMethod(bytes: UnsafeBufferPointer(rebasing: head[methodRange])) else {
            return .failure(.unknownMethod)
        }
        // Request-target forms (RFC 9112 §3.2).
        let first = head[targetRange.lowerBound]
        let isOriginForm = first == UInt8(ascii: "/")
        let isAsterisk = targetRange.count == 1 && first == UInt8(ascii: "*")
        let isAbsolute = Self.hasHTTPScheme(head[targetRange])
        switch method {
        case .connect:
            break  // authority-form; answered by the router
        case .options:
            guard isOriginForm || isAsterisk || isAbsolute else { return .failure(.invalidTarget) }
        default:
            guard isOriginForm || isAbsolute else { return .failure(.invalidTarget) }
        }
        return .success((method, targetRange, httpVersion))
    }

    private static func hasHTTPScheme(_ target: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let lowered = target.prefix(8).map(ByteClass.lowercased)
        return lowered.starts(with: "http://".utf8) || lowered.starts(with: "https://".utf8)
    }

    /// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5)
    private static func parseField(_ storage: [UInt8], _ line: Range<Int>) -> Result<HTTPHeaders.Field, ParseError> {
        guard let first = storage[line].first else { return .failure(.invalidFieldName) }
        if ByteClass.isWhitespace(first) { return .failure(.obsoleteLineFolding) }
        var colon = line.lowerBound
        while colon < line.upperBound && storage[colon] != UInt8(ascii: ":") {
            let byte = storage[colon]
            if ByteClass.isWhitespace(byte) { return .failure(.whitespaceBeforeColon) }
            if !ByteClass.isToken(byte) { return .failure(.invalidFieldName) }
            colon += 1
        }
        guard colon < line.upperBound, colon > line.lowerBound else { return .failure(.invalidFieldName) }
        var valueStart = colon + 1
        var valueEnd = line.upperBound
        while valueStart < valueEnd && ByteClass.isWhitespace(storage[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart && ByteClass.isWhitespace(storage[valueEnd - 1]) { valueEnd -= 1 }
        for index in valueStart..<valueEnd where !ByteClass.isFieldValueByte(storage[index]) {
            return .failure(.invalidFieldValue)
        }
        return .success(HTTPHeaders.Field(name: line.lowerBound..<colon, value: valueStart..<valueEnd))
    }

    // MARK: - Semantics of the head

    /// Applies RFC 9112's framing rules and RFC 9110's field semantics.
    private func interpret(
        method: HTTPMethod, target: String, version: HTTPVersion, headers: HTTPHeaders
    ) -> Result<(Head, Framing), ParseError> {
        var hostCount = 0
        var contentLength: Int?
        var hasTransferEncoding = false
        var codings: [Range<Int>] = []
        var closeRequested = false
        var keepAliveRequested = false
        var expectsContinue = false
        let storage = headers.storage

        for field in headers.fields {
            switch field.name.count {
            case 4 where headers.nameMatches(field, "host"):
                hostCount += 1
                guard Self.isValidHost(storage[field.value]) else { return .failure(.invalidFieldValue) }
            case 14 where headers.nameMatches(field, "content-length"):
                switch Self.parseContentLength(storage[field.value]) {
                case .failure(let error):
                    return .failure(error)
                case .success(let length):
                    if let existing = contentLength, existing != length {
                        return .failure(.conflictingContentLength)
                    }
                    contentLength = length
                }
            case 17 where headers.nameMatches(field, "transfer-encoding"):
                hasTransferEncoding = true
                codings.append(contentsOf: HTTPHeaders.listElements(storage, field.value))
            case 10 where headers.nameMatches(field, "connection"):
                if headers.listContains(field.value, token: "close") { closeRequested = true }
                if headers.listContains(field.value, token: "keep-alive") { keepAliveRequested = true }
            case 6 where headers.nameMatches(field, "expect"):
                // RFC 9110 §10.1.1: an HTTP/1.0 server ignores expectations.
                guard version == .http1_1 else { continue }
                guard headers.equalsIgnoringCase(field.value, "100-continue") else {
                    return .failure(.unsupportedExpectation)
                }
                expectsContinue = true
            default:
                continue
            }
        }

        // RFC 9112 §3.2: exactly one Host in HTTP/1.1 (at most one in 1.0).
        if hostCount > 1 { return .failure(.duplicateHost) }
        if hostCount == 0 && version == .http1_1 { return .failure(.missingHost) }

        let framing: Framing
        if hasTransferEncoding {
            // RFC 9112 §6.1 and §6.3: reject what could smuggle a request.
            if version == .http1_0 { return .failure(.transferEncodingInHTTP10) }
            if contentLength != nil { return .failure(.contentLengthWithTransferEncoding) }
            guard let last = codings.last, headers.equalsIgnoringCase(last, "chunked") else {
                return .failure(.chunkedNotFinal)
            }
            for coding in codings.dropLast() {
                if headers.equalsIgnoringCase(coding, "chunked") { return .failure(.chunkedNotFinal) }
                return .failure(.unsupportedTransferCoding)
            }
            framing = .chunked
        } else if let length = contentLength {
            if length > limits.maxBodyBytes { return .failure(.bodyTooLarge) }
            framing = length == 0 ? .none : .length(length)
        } else {
            framing = .none
        }
        if case .none = framing { expectsContinue = false }

        let keepAlive = version == .http1_1 ? !closeRequested : (keepAliveRequested && !closeRequested)
        let head = Head(
            method: method, target: target, version: version, headers: headers,
            keepAlive: keepAlive, expectsContinue: expectsContinue)
        return .success((head, framing))
    }

    /// Content-Length = 1*DIGIT (RFC 9110 §8.6), parsed digit by digit: no sign,
    /// no hex, no spaces inside. A list of identical values is accepted as one.
    static func parseContentLength<Bytes: Collection<UInt8>>(_ value: Bytes) -> Result<Int, ParseError> {
        var result: Int?
        var current = 0
        var digits = 0
        var elementEnded = false
        func finishElement() -> ParseError? {
            guard digits > 0 else { return .invalidContentLength }
            if let previous = result, previous != current { return .conflictingContentLength }
            result = current
            current = 0
            digits = 0
            elementEnded = false
            return nil
        }
        for byte in value {
            if ByteClass.isDigit(byte) {
                guard !elementEnded else { return .failure(.invalidContentLength) }
                let (multiplied, overflow1) = current.multipliedReportingOverflow(by: 10)
                let (added, overflow2) = multiplied.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return .failure(.invalidContentLength) }
                current = added
                digits += 1
            } else if byte == UInt8(ascii: ",") {
                if let error = finishElement() { return .failure(error) }
            } else if ByteClass.isWhitespace(byte) {
                if digits > 0 { elementEnded = true }
            } else {
                return .failure(.invalidContentLength)
            }
        }
        if let error = finishElement() { return .failure(error) }
        return .success(result ?? 0)
    }

    /// Host = uri-host [ ":" port ] (RFC 9110 §7.2): letters, digits, the
    /// unreserved and sub-delims characters, "%", ":" and IPv6 brackets.
    static func isValidHost<Bytes: Collection<UInt8>>(_ value: Bytes) -> Bool {
        value.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "-._~!$&'()*+,;=:%[]".utf8.contains(byte)
            }
        }
    }

    // MARK: - Bookkeeping

    private mutating func complete(_ head: Head, body: [UInt8]) -> ParseResult {
        state = .head(HeadScan())
        let request = HTTPRequest(
            method: head.method, target: head.target, version: head.version,
            headers: head.headers, body: body, keepAlive: head.keepAlive)
        return .request(request)
    }

    private mutating func fail(_ error: ParseError) -> ParseResult {
        state = .failed(error)
        return .failure(error)
    }

    /// Drops consumed bytes: all of them when everything is consumed, otherwise
    /// when they are more than half the buffer.
    private mutating func compactIfWorthwhile() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex > 4096 && readIndex * 2 > buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}

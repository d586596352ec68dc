import CCurl
import Foundation

/// A libcurl easy handle, reused across requests so that its connection is kept alive.
///
/// Each request records the status, every header line received (interim
/// responses included), the body, the request head libcurl actually sent, how
/// the upload was handed over, and `CURLINFO_NUM_CONNECTS`.
final class CurlClient {
    struct Response {
        var status: Int
        /// Header lines of every response received, interim ones included, in order, without CRLF.
        var headerLines: [String]
        var body: [UInt8]
        /// The request head lines libcurl sent (for every request of the transfer), without CRLF.
        var sentHeadLines: [String]
        /// New connections libcurl opened for this request (`CURLINFO_NUM_CONNECTS`): 0 means reused.
        var newConnections: Int
        /// Read-callback calls that handed libcurl body bytes.
        var uploadPieces: Int
        /// Body bytes handed to libcurl.
        var uploadedBytes: Int

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The status lines received, e.g. `["HTTP/1.1 100 Continue", "HTTP/1.1 405 Method Not Allowed"]`.
        var statusLines: [String] { headerLines.filter { $0.hasPrefix("HTTP/") } }

        /// The value of a header field of the final response (case-insensitive name).
        func header(_ name: String) -> String? {
            let finalStart = headerLines.lastIndex { $0.hasPrefix("HTTP/") } ?? 0
            return Self.field(name, in: headerLines[finalStart...])
        }

        /// The value of a header field libcurl sent in the request head (case-insensitive name).
        func sentHeader(_ name: String) -> String? {
            Self.field(name, in: sentHeadLines[...])
        }

        private static func field(_ name: String, in lines: ArraySlice<String>) -> String? {
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                if line[..<colon].lowercased() == name.lowercased() {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    struct CurlError: Error, CustomStringConvertible {
        let code: CURLcode
        var context = ""
        /// No byte of an answer came back (no status line, no body).
        var receivedNothing = false
        var description: String {
            "libcurl error \(code.rawValue): \(String(cString: curl_easy_strerror(code)))"
                + (context.isEmpty ? "" : " (\(context))")
        }
    }

    enum Upload {
        case none
        /// A body with `Content-Length`.
        case fixed([UInt8])
        /// A body sent with `Transfer-Encoding: chunked`, handed to libcurl at most `pieceSize` bytes per read callback.
        case chunked([UInt8], pieceSize: Int)
    }

    /// State of one transfer, reached from libcurl's C callbacks through the context pointer.
    private final class Transfer {
        var headerLines: [String] = []
        var body: [UInt8] = []
        var sentHead: [UInt8] = []
        var upload: [UInt8] = []
        var uploadOffset = 0
        var uploadPieceSize = Int.max
        var uploadPieces = 0
    }

    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    private let handle: UnsafeMutableRawPointer

    init() throws {
        let initCode = Self.globalInit
        guard initCode == CURLE_OK else { throw CurlError(code: initCode) }
        guard let handle = curl_easy_init() else { throw CurlError(code: CURLE_FAILED_INIT) }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Performs one request on this handle (reusing its connection when libcurl may).
    /// Gives up after `timeout` seconds, so a hung server fails the test instead of hanging it.
    func request(
        _ method: String = "GET", _ url: String, headers: [String] = [], upload: Upload = .none,
        http10: Bool = false, timeout: Int = 10
    ) throws -> Response {
        curl_easy_reset(handle)  // options back to defaults; the connection cache stays
        let transfer = Transfer()
        // `transfer` outlives curl_easy_perform below, so an unretained pointer is enough.
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try check(ccurl_setopt_string(handle, CURLOPT_URL, url))
        try check(ccurl_setopt_long(handle, CURLOPT_TIMEOUT, timeout))
        try check(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))

        try check(ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        try check(
            ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
                let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
                transfer.headerLines.append(line.trimmingCharacters(in: .newlines))
                return size * count
            })
        try check(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
        try check(
            ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
                transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            })
        // The debug callback (active only with CURLOPT_VERBOSE) sees the request head as sent.
        try check(ccurl_setopt_long(handle, CURLOPT_VERBOSE, 1))
        try check(ccurl_setopt_pointer(handle, CURLOPT_DEBUGDATA, context))
        try check(
            ccurl_setopt_debug_callback(handle) { _, type, data, size, context in
                guard type == CURLINFO_HEADER_OUT, let data, let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                transfer.sentHead.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size))
                return 0
            })

        if http10 { try check(ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_0))) }
        switch method {
        case "GET": break
        case "HEAD": try check(ccurl_setopt_long(handle, CURLOPT_NOBODY, 1))
        case "POST": try check(ccurl_setopt_long(handle, CURLOPT_POST, 1))
        default: try check(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method))
        }

        var allHeaders = headers
        switch upload {
        case .none:
            if method == "POST" { try check(ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0)) }
        case .fixed(let bytes):
            transfer.upload = bytes
            if method != "POST" { try check(ccurl_setopt_long(handle, CURLOPT_POST, 1)) }
            try check(ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count))
            try setReadCallback(context)
        case .chunked(let bytes, let pieceSize):
            transfer.upload = bytes
            transfer.uploadPieceSize = max(1, pieceSize)
            if method != "POST" { try check(ccurl_setopt_long(handle, CURLOPT_POST, 1)) }
            allHeaders.append("Transfer-Encoding: chunked")
            try setReadCallback(context)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in allHeaders { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        if let list { try check(ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))) }

        let performed = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        guard performed == CURLE_OK else {
            throw CurlError(
                code: performed,
                context:
                    "\(method) \(url); sent \(transfer.sentHead.count) head bytes, \(transfer.uploadOffset) body bytes;"
                    + " received \(transfer.headerLines.filter { !$0.isEmpty }) and \(transfer.body.count) body bytes",
                receivedNothing: transfer.headerLines.allSatisfy(\.isEmpty) && transfer.body.isEmpty)
        }
        var status = 0
        var connects = 0
        try check(ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status))
        try check(ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects))
        let sentHeadLines = String(decoding: transfer.sentHead, as: UTF8.self)
            .components(separatedBy: "\r\n").filter { !$0.isEmpty }
        return Response(
            status: status, headerLines: transfer.headerLines, body: transfer.body, sentHeadLines: sentHeadLines,
            newConnections: connects, uploadPieces: transfer.uploadPieces, uploadedBytes: transfer.uploadOffset)
    }

    private func setReadCallback(_ context: UnsafeMutableRawPointer) throws {
        try check(ccurl_setopt_pointer(handle, CURLOPT_READDATA, context))
        try check(
            ccurl_setopt_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
                let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
                let take = min(size * count, transfer.uploadPieceSize, transfer.upload.count - transfer.uploadOffset)
                guard take > 0, let buffer else { return 0 }  // 0: end of the body
                transfer.upload.withUnsafeBytes { bytes in
                    UnsafeMutableRawPointer(buffer).copyMemory(
                        from: bytes.baseAddress! + transfer.uploadOffset, byteCount: take)
                }
                transfer.uploadOffset += take
                transfer.uploadPieces += 1
                return take
            })
        // Rewinding: libcurl resends the body when it retries a request whose
        // reused connection was closed before any answer (as a browser does).
        try check(ccurl_setopt_pointer(handle, CURLOPT_SEEKDATA, context))
        try check(
            ccurl_setopt_seek_callback(handle) { context, offset, origin in
                let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
                guard origin == SEEK_SET, offset >= 0, offset <= transfer.upload.count else {
                    return Int32(CURL_SEEKFUNC_CANTSEEK)
                }
                transfer.uploadOffset = Int(offset)
                return Int32(CURL_SEEKFUNC_OK)
            })
    }

    private func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else { throw CurlError(code: code) }
    }
}

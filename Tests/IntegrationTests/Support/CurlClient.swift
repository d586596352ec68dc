import CCurl
import Foundation

/// A libcurl easy handle, reused across requests so its connection is kept alive.
final class CurlClient {
    struct Response {
        var status: Int
        /// Header lines of every response received, interim ones included, in order.
        var headerLines: [String]
        var body: [UInt8]
        /// New connections libcurl opened for this request (`CURLINFO_NUM_CONNECTS`).
        var newConnections: Int

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The value of a header of the final response (case-insensitive name).
        func header(_ name: String) -> String? {
            let finalStart = headerLines.lastIndex { $0.hasPrefix("HTTP/") } ?? 0
            for line in headerLines[finalStart...] {
                guard let colon = line.firstIndex(of: ":") else { continue }
                if line[..<colon].lowercased() == name.lowercased() {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
            return nil
        }

        /// The status lines received, e.g. `["HTTP/1.1 100 Continue", "HTTP/1.1 405 Method Not Allowed"]`.
        var statusLines: [String] {
            headerLines.filter { $0.hasPrefix("HTTP/") }.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
    }

    struct CurlError: Error, CustomStringConvertible {
        let code: CURLcode
        var description: String { String(cString: curl_easy_strerror(code)) }
    }

    /// Body and upload state for one transfer, reached from libcurl's C callbacks.
    private final class Transfer {
        var headerLines: [String] = []
        var body: [UInt8] = []
        var upload: [UInt8] = []
        var uploadOffset = 0
        var uploadPieceSize = Int.max
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
    private let handle: UnsafeMutableRawPointer

    init() {
        _ = Self.globalInit
        handle = curl_easy_init()
    }

    deinit { curl_easy_cleanup(handle) }

    enum Upload {
        case none
        /// A body with Content-Length.
        case fixed([UInt8])
        /// A body sent with `Transfer-Encoding: chunked`, handed to libcurl `pieceSize` bytes at a time.
        case chunked([UInt8], pieceSize: Int)
    }

    /// Performs one request. Times out after `timeout` seconds, so a hung server fails the test.
    func request(
        _ method: String = "GET", _ url: String, headers: [String] = [], upload: Upload = .none,
        http10: Bool = false, timeout: Int = 10
    ) throws -> Response {
        curl_easy_reset(handle)  // keeps the connection cache
        let transfer = Transfer()
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        ccurl_setopt_string(handle, CURLOPT_URL, url)
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT, timeout)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
            transfer.headerLines.append(String(decoding: bytes, as: UTF8.self))
            return size * count
        }
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        if http10 { ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_0)) }
        switch method {
        case "GET": break
        case "HEAD": ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
        case "POST": ccurl_setopt_long(handle, CURLOPT_POST, 1)
        default: ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        }

        var allHeaders = headers
        switch upload {
        case .none:
            if method == "POST" { ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0) }
        case .fixed(let bytes):
            transfer.upload = bytes
            ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
            setReadCallback(context)
        case .chunked(let bytes, let pieceSize):
            transfer.upload = bytes
            transfer.uploadPieceSize = pieceSize
            allHeaders.append("Transfer-Encoding: chunked")
            setReadCallback(context)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in allHeaders { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        if let list { ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list)) }

        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { throw CurlError(code: code) }
        var status = 0
        var connects = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        return Response(
            status: status, headerLines: transfer.headerLines, body: transfer.body, newConnections: connects)
    }

    private func setReadCallback(_ context: UnsafeMutableRawPointer) {
        ccurl_setopt_pointer(handle, CURLOPT_READDATA, context)
        ccurl_setopt_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let room = min(size * count, transfer.uploadPieceSize)
            let take = min(room, transfer.upload.count - transfer.uploadOffset)
            transfer.upload.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer!).copyMemory(
                    from: bytes.baseAddress! + transfer.uploadOffset, byteCount: take)
            }
            transfer.uploadOffset += take
            return take
        }
    }
}

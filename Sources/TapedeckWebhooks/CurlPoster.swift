import CCurl
import Foundation

/// ``HTTPPoster`` on libcurl (one easy handle per request: no state kept between
/// deliveries). Redirects are not followed: a 3xx is an answer like any other non-2xx.
public struct CurlPoster: HTTPPoster {
    private static let initialised: Bool = { tapedeck_curl_global_init() == CURLE_OK }()

    public init() { _ = Self.initialised }

    public func post(_ request: HTTPRequest) -> HTTPOutcome {
        guard let h = curl_easy_init() else { return .failed("libcurl: cannot create a handle") }
        defer { curl_easy_cleanup(h) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers + [("Content-Type", "application/json"), ("Expect", "")] {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        let body = Array(request.body.utf8)
        let code: CURLcode = body.withUnsafeBufferPointer { bytes in
            errorBuffer.withUnsafeMutableBufferPointer { err in
                _ = tapedeck_curl_set_string(h, CURLOPT_URL, request.url)
                _ = tapedeck_curl_set_long(h, CURLOPT_NOSIGNAL, 1)
                _ = tapedeck_curl_set_long(h, CURLOPT_POST, 1)
                _ = tapedeck_curl_set_pointer(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                _ = tapedeck_curl_set_long(h, CURLOPT_POSTFIELDSIZE, body.count)
                _ = tapedeck_curl_set_pointer(h, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
                _ = tapedeck_curl_set_long(h, CURLOPT_TIMEOUT_MS, max(1, Int(request.timeoutSeconds * 1000)))
                _ = tapedeck_curl_set_long(h, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(request.timeoutSeconds * 1000)))
                _ = tapedeck_curl_set_long(h, CURLOPT_FOLLOWLOCATION, 0)
                _ = tapedeck_curl_set_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
                _ = tapedeck_curl_set_pointer(h, CURLOPT_ERRORBUFFER, err.baseAddress)
                _ = tapedeck_curl_set_write_function(h, { _, size, count, _ in size * count })  // the answer's body is not kept
                if let ca = request.caFile { _ = tapedeck_curl_set_string(h, CURLOPT_CAINFO, ca) }
                return curl_easy_perform(h)
            }
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            return .failed(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
        var status = 0
        _ = tapedeck_curl_response_code(h, &status)
        return .status(status)
    }
}

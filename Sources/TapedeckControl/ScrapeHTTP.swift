/// The HTTP the optional metrics listener speaks, so Prometheus can scrape
/// without the control socket: one request per connection, `GET` (or `HEAD`) of
/// `/metrics` (the same exposition as `function=metrics`) or `/health` (the health JSON:
/// 200 when ok, 503 when degraded or down, for HTTP probes). Pure: the listener hands it
/// the bytes received and writes back what it renders.
public enum ScrapeHTTP {
    /// A request head longer than this is refused (431).
    public static let maximumHeadBytes = 8192

    /// What the bytes received so far hold.
    public enum Head: Equatable, Sendable {
        /// No blank line yet: read more.
        case incomplete
        case request(method: String, path: String)
        /// Not an HTTP/1.x request line.
        case invalid
        case tooLarge
    }

    /// Reads a request head (the request line and headers up to the blank line; CRLF or LF).
    public static func head(_ bytes: [UInt8]) -> Head {
        guard let end = headEnd(bytes) else { return bytes.count > maximumHeadBytes ? .tooLarge : .incomplete }
        if end > maximumHeadBytes { return .tooLarge }
        let lineEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? end
        var line = bytes[..<lineEnd]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ (65...90).contains($0) }),
              parts[1].first == UInt8(ascii: "/"), parts[2].starts(with: Array("HTTP/1.".utf8)) else { return .invalid }
        var target = String(decoding: parts[1], as: UTF8.self)
        if let q = target.firstIndex(of: "?") { target = String(target[..<q]) }
        return .request(method: String(decoding: parts[0], as: UTF8.self), path: target)
    }

    /// Index just past the blank line that ends the head, if it has arrived.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") {
                if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { return i + 2 }
                if i + 2 < bytes.count && bytes[i + 1] == UInt8(ascii: "\r") && bytes[i + 2] == UInt8(ascii: "\n") { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    public struct Response: Equatable, Sendable {
        public var status: Int
        public var reason: String
        public var contentType: String
        public var body: String
        /// False for HEAD: the headers describe the body, which is not sent.
        public var sendsBody = true
        public var allow: String?

        /// The whole response: status line, headers (`Connection: close`), body.
        public var rendered: String {
            var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\n"
                + "Content-Length: \(body.utf8.count)\r\n"
            if let allow { head += "Allow: \(allow)\r\n" }
            head += "Connection: close\r\n\r\n"
            return sendsBody ? head + body : head
        }
    }

    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The answer to a complete (or refused) head; nil while it is incomplete.
    public static func respond(to head: Head, metrics: () -> String, health: () -> HealthSnapshot) -> Response? {
        switch head {
        case .incomplete: return nil
        case .invalid: return plain(400, "Bad Request", "not an HTTP/1.x request")
        case .tooLarge: return plain(431, "Request Header Fields Too Large", "request head over \(maximumHeadBytes) bytes")
        case .request(let method, let path):
            guard method == "GET" || method == "HEAD" else {
                var r = plain(405, "Method Not Allowed", "\(method): only GET and HEAD")
                r.allow = "GET, HEAD"
                return r
            }
            var response: Response
            switch path {
            case "/metrics":
                response = Response(status: 200, reason: "OK", contentType: metricsContentType, body: metrics())
            case "/health":
                let h = health()
                let ok = h.status == .ok
                response = Response(status: ok ? 200 : 503, reason: ok ? "OK" : "Service Unavailable",
                                    contentType: "application/json", body: h.json.rendered + "\n")
            default:
                response = plain(404, "Not Found", "\(path): this listener serves /metrics and /health")
            }
            response.sendsBody = method == "GET"
            return response
        }
    }

    static func plain(_ status: Int, _ reason: String, _ text: String) -> Response {
        Response(status: status, reason: reason, contentType: "text/plain; charset=utf-8", body: text + "\n")
    }

    /// The answer to a connection beyond the listener's limit (sent at once, then closed).
    public static func busy(limit: Int) -> Response {
        plain(503, "Service Unavailable", "too many connections: this listener serves at most \(limit) at once")
    }

    /// The answer to a connection whose request head has not arrived within the deadline.
    public static func timedOut(seconds: Int) -> Response {
        plain(408, "Request Timeout", "no complete request within \(seconds) seconds")
    }

    /// The answer when the daemon is out of file descriptors.
    public static let outOfDescriptors = plain(503, "Service Unavailable", "the daemon is out of file descriptors")
}

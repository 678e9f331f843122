import Testing
import TapedeckControl

/// The metrics listener's HTTP, byte for byte.
@Suite struct ScrapeHTTPTests {
    func head(_ text: String) -> ScrapeHTTP.Head { ScrapeHTTP.head(Array(text.utf8)) }

    static let healthy = HealthSnapshot(devices: [.init(name: "card1", pcm: "hw:1", up: true)],
                                        stations: [.init(name: "st1", device: "card1", up: true)],
                                        recordingsActive: 0, uptimeSeconds: 5)

    func respond(_ text: String, health: HealthSnapshot = healthy) -> String? {
        ScrapeHTTP.respond(to: head(text), metrics: { "tapedeck_up 1\n" }, health: { health })?.rendered
    }

    @Test func heads() {
        #expect(head("GET /metrics HTTP/1.1\r\nHost: box\r\n\r\n") == .request(method: "GET", path: "/metrics"))
        #expect(head("GET /metrics?x=1 HTTP/1.0\n\n") == .request(method: "GET", path: "/metrics"))
        #expect(head("GET /metrics HTTP/1.1\r\nHost: box\r\n") == .incomplete)
        #expect(head("") == .incomplete)
        #expect(head("GET metrics HTTP/1.1\r\n\r\n") == .invalid)
        #expect(head("GET /metrics\r\n\r\n") == .invalid)
        #expect(head("get /metrics HTTP/1.1\r\n\r\n") == .invalid)
        #expect(head("GET /metrics SPDY/3\r\n\r\n") == .invalid)
        #expect(head("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 9000)) == .tooLarge)
    }

    @Test func metrics() {
        #expect(respond("GET /metrics HTTP/1.1\r\n\r\n") == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                + "Content-Length: 14\r\nConnection: close\r\n\r\ntapedeck_up 1\n")
        // HEAD: the same headers, no body.
        #expect(respond("HEAD /metrics HTTP/1.1\r\n\r\n") == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                + "Content-Length: 14\r\nConnection: close\r\n\r\n")
        #expect(respond("GET /metrics HTTP/1.1\r\n") == nil)
    }

    @Test func health() {
        let ok = respond("GET /health HTTP/1.1\r\n\r\n") ?? ""
        #expect(ok.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"))
        #expect(ok.hasSuffix("\r\n\r\n" + Self.healthy.json.rendered + "\n"))
        var down = Self.healthy
        down.devices[0].up = false
        down.devices[0].error = "gone"
        let failing = respond("GET /health HTTP/1.1\r\n\r\n", health: down) ?? ""
        #expect(failing.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(failing.contains(#""status":"down""#))
    }

    @Test func refusals() {
        #expect(respond("POST /metrics HTTP/1.1\r\n\r\n") == "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 24\r\nAllow: GET, HEAD\r\nConnection: close\r\n\r\nPOST: only GET and HEAD\n")
        #expect(respond("GET / HTTP/1.1\r\n\r\n")?.hasPrefix("HTTP/1.1 404 Not Found\r\n") == true)
        #expect(respond("GET /metricsx HTTP/1.1\r\n\r\n")?.hasSuffix("/metricsx: this listener serves /metrics and /health\n") == true)
        #expect(respond("BREW /pot HTCPCP/1.0\r\n\r\n")?.hasPrefix("HTTP/1.1 400 Bad Request\r\n") == true)
        #expect(respond("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 9000))?
            .hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n") == true)
    }

    @Test func listenerRefusals() {
        #expect(ScrapeHTTP.busy(limit: 64).rendered == "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 62\r\nConnection: close\r\n\r\ntoo many connections: this listener serves at most 64 at once\n")
        #expect(ScrapeHTTP.timedOut(seconds: 2).rendered == "HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 37\r\nConnection: close\r\n\r\nno complete request within 2 seconds\n")
        #expect(ScrapeHTTP.outOfDescriptors.rendered.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
    }
}

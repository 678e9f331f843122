import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 6: function=metrics and function=health against a real tapedeckd on a virtual
/// device, and `tapedeck metrics` / `tapedeck health`. (A device going down is covered by
/// the unit tests: TapedeckDaemonTests and TapedeckControlTests.)
@Suite struct ObservabilityTests {
    /// Sends function=metrics (text form) and reads the exposition up to its empty line:
    /// samples by `name{labels}`.
    func scrape(_ c: ControlClient) -> [String: Double] {
        c.sendRaw(Array("function=metrics\n".utf8))
        var samples: [String: Double] = [:]
        var lines = 0
        while let line = c.readLine() {
            if line.isEmpty { break }
            lines += 1
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                Issue.record("not a sample line: \(line)")
                continue
            }
            samples[String(line[..<space])] = value
        }
        #expect(lines > 40)
        return samples
    }

    @Test func metricsCountARecording() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        let before = scrape(c)
        #expect(before[#"tapedeck_device_up{device="virt"}"#] == 1)
        #expect(before[#"tapedeck_agents_logged_in"#] == 1)
        // Four stations' rings alone are 4 MiB of heap at the default 30 s of history.
        #expect((before["tapedeck_heap_in_use_bytes"] ?? 0) > 4 * 1_048_576)
        #expect(before[#"tapedeck_recordings_started_total{kind="mono"}"#] == 0)

        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        // Half a second of audio in the file (mono 16-bit at 8 kHz after the 44-byte header);
        // read from the spool, since a STATUS or a scrape would change the counts below.
        #expect(waitUntil { daemon.partFileSizes().values.contains { $0 >= 44 + 8000 } })
        let during = scrape(c)
        #expect(during[#"tapedeck_recordings_active{kind="mono"}"#] == 1)
        let lag = during["tapedeck_writer_lag_seconds"] ?? -1
        #expect(lag >= 0 && lag < 5)
        let fill = during[#"tapedeck_ring_fill_ratio{station="st1"}"#] ?? -1
        #expect(fill >= 0 && fill <= 1)

        #expect(c.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
        let after = scrape(c)
        #expect(after[#"tapedeck_recordings_active{kind="mono"}"#] == 0)
        #expect(after[#"tapedeck_recordings_started_total{kind="mono"}"#] == 1)
        #expect(after[#"tapedeck_recordings_completed_total{kind="mono",cause="stopped"}"#] == 1)
        #expect((after["tapedeck_bytes_written_total"] ?? 0) > 7000)
        let frames = #"tapedeck_device_frames_captured_total{device="virt"}"#
        #expect((after[frames] ?? 0) > (before[frames] ?? .infinity))
        #expect(after[#"tapedeck_device_overruns_total{device="virt"}"#] != nil)
        #expect(after[#"tapedeck_command_duration_seconds_count{function="recording"}"#] == 2)
        #expect(after[#"tapedeck_command_duration_seconds_bucket{function="recording",le="+Inf"}"#] == 2)
        #expect(after[#"tapedeck_command_duration_seconds_count{function="metrics"}"#] == 2)
        #expect(after["tapedeck_event_subscribers"] == 0)

        // The JSON form: the same text in one string.
        let json = c.request(#"{"function":"metrics","source":"test"}"#) ?? ""
        #expect(json.hasPrefix(##"{"data":{"metrics":"# HELP tapedeck_recordings_active "##))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let text = (object?["data"] as? [String: Any])?["metrics"] as? String ?? ""
        #expect(text.contains("tapedeck_recordings_completed_total{kind=\"mono\",cause=\"stopped\"} 1\n"))
        // The connection is still in step: the next request gets its own reply.
        #expect(c.request("function=logout&agent_user=1000")?.hasPrefix("SUCCESS: logout") == true)
        daemon.stop()
    }

    @Test func healthReply() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st2&session_id=8600051")
        _ = c.request("function=recording&agent_user=1000&value=START")
        #expect(c.request("function=health") == "OK: tapedeckd healthy - devices 1/1 up|stations 4|recordings 1")
        let json = c.request(#"{"function":"health"}"#) ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let data = object?["data"] as? [String: Any] ?? [:]
        #expect(data["status"] as? String == "ok")
        #expect(data["recordings_active"] as? Int == 1)
        #expect((data["uptime_seconds"] as? Double ?? -1) >= 0)
        let devices = data["devices"] as? [[String: Any]] ?? []
        #expect(devices.count == 1)
        #expect(devices.first?["state"] as? String == "up")
        let stations = data["stations"] as? [[String: Any]] ?? []
        #expect(stations.map { $0["name"] as? String } == ["st1", "st2", "st3", "st4"])
        #expect(stations[1]["agent_user"] as? String == "1000")
        #expect(stations[1]["recordings_active"] as? Int == 1)
        _ = c.request("function=recording&agent_user=1000&value=STOP")
        daemon.stop()
    }

    @Test func clientCommands() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let health = try runTapedeck(["health", "--socket", daemon.socketPath])
        #expect(health.status == 0)
        #expect(health.stdout == "OK: tapedeckd healthy - devices 1/1 up|stations 4|recordings 0\n")
        let healthJSON = try runTapedeck(["health", "--json", "--socket", daemon.socketPath])
        #expect(healthJSON.status == 0)
        #expect(healthJSON.stdout.hasPrefix(#"{"data":{"status":"ok","devices":["#))

        let metrics = try runTapedeck(["metrics", "--socket", daemon.socketPath])
        #expect(metrics.status == 0)
        #expect(metrics.stdout.hasPrefix("# HELP tapedeck_recordings_active "))
        #expect(metrics.stdout.contains("\ntapedeck_device_up{device=\"virt\"} 1\n"))
        #expect(metrics.stdout.hasSuffix("\n") && !metrics.stdout.hasSuffix("\n\n"))

        // `send` reads the multi-line metrics reply to its end and the health line alone.
        let send = try runTapedeck(["send", "--socket", daemon.socketPath, "function=metrics", "function=health"])
        #expect(send.status == 0)
        #expect(send.stdout.hasSuffix("tapedeck_agents_logged_in 0\n\nOK: tapedeckd healthy - devices 1/1 up|stations 4|recordings 0\n"))
        daemon.stop()

        // Unreachable: CRITICAL, exit 2 (the Nagios convention).
        let down = try runTapedeck(["health", "--socket", daemon.socketPath])
        #expect(down.status == 2)
        #expect(down.stdout.hasPrefix("CRITICAL: tapedeckd unreachable - cannot connect to \(daemon.socketPath)"))
    }
}

/// `[metrics] listen`: Prometheus scrapes over HTTP, as it would from another box.
@Suite struct ScrapeListenerTests {
    /// A TCP port free right now (bound to port 0, then released).
    func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in bind(fd, p, len) == 0 ? getsockname(fd, p, &len) : -1 }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Sends `request` to 127.0.0.1:`port` and reads the whole response (the server closes).
    func fetch(_ port: Int, _ request: String) -> String {
        guard let fd = connectTCP(port) else { return "connect: \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A daemon on a virtual device with its metrics listener on a free port, started.
    func startedWithListener() throws -> (DaemonHarness, Int) {
        let daemon = try DaemonHarness.virtual()
        let port = freePort()
        let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try (config + "\n[metrics]\nlisten = \"127.0.0.1:\(port)\"\n").write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.start()
        return (daemon, port)
    }

    @Test func prometheusScrapesOverHTTP() throws {
        let (daemon, port) = try startedWithListener()
        let c = try daemon.connect()
        #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)

        let metrics = fetch(port, "GET /metrics HTTP/1.1\r\nHost: box\r\nAccept: text/plain\r\n\r\n")
        #expect(metrics.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: "), "\(metrics.prefix(200))")
        let parts = metrics.components(separatedBy: "\r\n\r\n")
        let length = parts.first?.components(separatedBy: "\r\n").first { $0.hasPrefix("Content-Length: ") }?.dropFirst(16)
        #expect(parts.count == 2 && Int(length ?? "") == parts.last?.utf8.count)
        #expect(metrics.contains("\ntapedeck_recordings_active{kind=\"mono\"} 1\n"))
        #expect(metrics.contains("\ntapedeck_device_up{device=\"virt\"} 1\n"))

        let health = fetch(port, "GET /health HTTP/1.0\r\n\r\n")
        #expect(health.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"))
        #expect(health.contains(#"{"status":"ok","devices":[{"name":"virt","pcm":"virtual","state":"up","error":null}]"#))
        #expect(fetch(port, "DELETE /metrics HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        #expect(fetch(port, "GET /nothing HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        // The control socket is not disturbed by any of it.
        #expect(c.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
        #expect(daemon.stop()?.status == 0)
        #expect(fetch(port, "GET /metrics HTTP/1.1\r\n\r\n").hasPrefix("connect: "))
    }

    /// A TCP connection to 127.0.0.1:`port` whose reads give up after 10 s (nil, errno set, when refused).
    func connectTCP(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { let e = errno; close(fd); errno = e; return nil }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Slow and silent clients never hold up a scrape: it is answered within the 2 s
    /// each connection is given, and they are closed when their 2 s are up.
    @Test func slowAndSilentClientsDoNotDelayAScrape() throws {
        let (daemon, port) = try startedWithListener()
        // A slowloris: one byte of a request head every 0.5 s, until the server closes.
        let slow = try #require(connectTCP(port))
        let slowDone = DispatchSemaphore(value: 0)
        Thread {
            for byte in Array("GET /metrics HTTP/1.1\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 200) {
                var b = byte
                if send(slow, &b, 1, Int32(MSG_NOSIGNAL)) != 1 { break }
                usleep(500_000)   // the client's pace, not a wait for the daemon
            }
            slowDone.signal()
        }.start()
        let silent = (0..<16).compactMap { _ in connectTCP(port) }
        #expect(silent.count == 16)
        defer { for fd in silent + [slow] { close(fd) } }
        let began = Date()
        let metrics = fetch(port, "GET /metrics HTTP/1.1\r\n\r\n")
        let took = Date().timeIntervalSince(began)
        #expect(metrics.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(metrics.prefix(100))")
        #expect(took < 2, "the scrape took \(took) s")
        // The silent ones get a 408 and are closed; the slow one is cut off too.
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(silent[0], &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(slowDone.wait(timeout: .now() + 20) == .success)
        #expect(Date().timeIntervalSince(began) < 15)
        #expect(daemon.stop()?.status == 0)
    }

    @Test func aPortInUseStopsTheStart() throws {
        let daemon = try DaemonHarness.virtual()
        let blocker = try DaemonHarness.virtual()
        let port = freePort()
        for d in [daemon, blocker] {
            let config = try String(contentsOfFile: d.configPath, encoding: .utf8)
            try (config + "\n[metrics]\nlisten = \"127.0.0.1:\(port)\"\n").write(toFile: d.configPath, atomically: true, encoding: .utf8)
        }
        try blocker.start()
        #expect(throws: DaemonHarness.DaemonFailed.self) { try daemon.start() }
        let r = daemon.stop()
        #expect(r?.stderr.contains("metrics listener 127.0.0.1:\(port): bind: Address already in use") == true, "\(r?.stderr ?? "")")
        blocker.stop()
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP(S) server for webhook tests: Python's threaded `http.server`, which checks
/// each request's signature with Python's own `hmac` (an implementation independent of
/// the daemon's) and appends what it got to a JSON-lines file the test reads. What it
/// answers is scripted: `answers` lists the first replies (`500`, `hang`), then 200.
public final class WebhookReceiver: @unchecked Sendable {
    public struct Request: @unchecked Sendable {
        public let path: String
        public let eventID: String
        public let event: String
        /// The HMAC-SHA256 signature checked out and its timestamp is recent.
        public let verified: Bool
        /// What the receiver answered (0: it hung and answered nothing in time).
        public let status: Int
        public let body: [String: Any]
        public let rawBody: String
        public var recording: [String: Any] { body["recording"] as? [String: Any] ?? [:] }
    }

    public let dir: TestDirectory
    public let secret: String
    public private(set) var port: Int = 0
    let tls: (cert: String, key: String)?
    var process: RunningProcess?
    var logPath: String { dir.file("received.jsonl") }
    var portPath: String { dir.file("receiver.port") }

    public init(dir: TestDirectory, secret: String, tls: (cert: String, key: String)? = nil) {
        self.dir = dir
        self.secret = secret
        self.tls = tls
    }

    deinit { stop() }

    public var url: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// Starts the server (on its earlier port after a ``stop()``) and waits until it listens.
    public func start(answers: [String] = []) throws {
        try? FileManager.default.removeItem(atPath: portPath)
        let script = dir.file("receiver.py")
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        var args = [script, String(port), logPath, portPath, secret, answers.joined(separator: ",")]
        if let tls { args += [tls.cert, tls.key] }
        process = try Subprocess.launch("python3", args)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portPath, encoding: .utf8), text.hasSuffix("\n"), let p = Int(text.dropLast()) {
                port = p
                return
            }
            var status: Int32 = 0
            if let p = process, waitpid(p.pid, &status, WNOHANG) == p.pid {
                process = nil
                throw DaemonHarness.DaemonFailed(message: "the webhook receiver exited: \(p.stderrSoFar)")
            }
            usleep(10_000)
        }
        throw DaemonHarness.DaemonFailed(message: "the webhook receiver did not start")
    }

    /// Kills the server: connections are refused until ``start(answers:)``.
    public func stop() {
        guard let p = process else { return }
        process = nil
        p.signal(SIGKILL)
        _ = p.wait()
    }

    /// Every request received so far, in arrival order.
    public func received() -> [Request] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let raw = o["body"] as? String ?? ""
            let body = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]
            return Request(path: o["path"] as? String ?? "", eventID: o["event_id"] as? String ?? "",
                           event: o["event"] as? String ?? "", verified: o["verified"] as? Bool ?? false,
                           status: o["status"] as? Int ?? -1, body: body, rawBody: raw)
        }
    }

    /// The requests answered 200, once `done` holds for them (at most `seconds`).
    public func waitForDelivered(seconds: Double = 60, until done: ([Request]) -> Bool) -> [Request] {
        let deadline = Date().addingTimeInterval(seconds)
        var delivered: [Request] = []
        while Date() < deadline {
            delivered = received().filter { $0.status == 200 }
            if done(delivered) { return delivered }
            usleep(20_000)
        }
        return delivered
    }

    static let script = #"""
    import hashlib, hmac, json, os, ssl, sys, threading, time
    from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

    port, log_path, port_path, secret, answers = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4].encode(), sys.argv[5]
    answers = [a for a in answers.split(",") if a]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            fields = dict(p.split("=", 1) for p in self.headers.get("Tapedeck-Signature", "").split(",") if "=" in p)
            t = fields.get("t", "0")
            expected = hmac.new(secret, t.encode() + b"." + body, hashlib.sha256).hexdigest()
            verified = (hmac.compare_digest(expected, fields.get("v1", ""))
                        and t == self.headers.get("Tapedeck-Timestamp") and abs(time.time() - int(t)) < 300)
            with lock:
                answer = answers.pop(0) if answers else "200"
            record = {"path": self.path, "event_id": self.headers.get("Tapedeck-Event-Id"),
                      "event": self.headers.get("Tapedeck-Event"), "verified": verified,
                      "status": 0 if answer == "hang" else int(answer), "body": body.decode()}
            if answer == "hang":
                with lock, open(log_path, "a") as f:
                    f.write(json.dumps(record) + "\n")
                time.sleep(30)
                return
            self.send_response(int(answer))
            self.send_header("Content-Length", "0")
            self.end_headers()
            with lock, open(log_path, "a") as f:
                f.write(json.dumps(record) + "\n")

    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    if len(sys.argv) > 7:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[6], sys.argv[7])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(port_path + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(port_path + ".tmp", port_path)
    server.serve_forever()
    """#
}

/// A test certificate authority and a server certificate for 127.0.0.1 it signed, made
/// with `openssl` in the test's folder.
public struct TestCertificates {
    public let caFile: String
    public let cert: String
    public let key: String

    public init(dir: TestDirectory) throws {
        caFile = dir.file("ca.pem")
        cert = dir.file("server.pem")
        key = dir.file("server.key")
        let caKey = dir.file("ca.key"), csr = dir.file("server.csr"), ext = dir.file("san.ext")
        try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n".write(toFile: ext, atomically: true, encoding: .utf8)
        for args in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", caFile, "-days", "2",
             "-subj", "/CN=Tapedeck Test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", csr, "-CA", caFile, "-CAkey", caKey, "-CAcreateserial", "-out", cert, "-days", "2",
             "-extfile", ext],
        ] {
            let r = try Subprocess.run("openssl", args)
            guard r.status == 0 else { throw DaemonHarness.DaemonFailed(message: "openssl \(args[0]): \(r.stderr)") }
        }
    }
}

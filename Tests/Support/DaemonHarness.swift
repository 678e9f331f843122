import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real tapedeckd for a test: its own folder, configuration, spool, database and
/// control socket; stopped (SIGTERM, then SIGKILL) when the test is done.
public final class DaemonHarness: @unchecked Sendable {
    public let dir: TestDirectory
    public let configPath: String
    public let socketPath: String
    public let spool: String
    public let database: String
    public private(set) var process: RunningProcess?
    public var extraEnvironment: [String: String]
    /// The umask the daemon runs under (nil: the test runner's).
    public var umask: String?

    /// `devices` and `stations` are TOML tables (`[[device]]…`, `[[station]]…`);
    /// `recording` is the body of the `[recording]` table, `top` more top-level keys and
    /// `control` more `[control]` keys. The spool, database and socket are in `dir` unless given.
    public init(dir: TestDirectory, devices: String, stations: String, recording: String = "", top: String = "",
                control: String = "", spool: String? = nil, database: String? = nil, socket: String? = nil,
                environment: [String: String] = [:]) throws {
        self.dir = dir
        self.extraEnvironment = environment
        self.spool = spool ?? dir.path + "/spool"
        self.database = database ?? dir.path + "/recordings.sqlite"
        self.socketPath = socket ?? dir.path + "/control.sock"
        configPath = dir.file("tapedeck.toml")
        let toml = """
        server_ip = "10.0.0.5"
        spool = "\(self.spool)"
        database = "\(self.database)"
        \(top)
        [control]
        socket = "\(socketPath)"
        mode = "0600"
        \(control)
        [recording]
        \(recording)
        \(devices)
        \(stations)
        """
        try toml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// A daemon on one virtual device with `stations` stations (st1, st2, …).
    public static func virtual(stations: Int = 4, recording: String = "", top: String = "", control: String = "",
                               spool: String? = nil, database: String? = nil, socket: String? = nil) throws -> DaemonHarness {
        let dir = try TestDirectory("tapedeckd")
        let channels = max(2, 2 * stations)
        var st = ""
        for i in 0..<stations {
            st += "[[station]]\nname = \"st\(i + 1)\"\ndevice = \"virt\"\nagent_channel = \(2 * i)\ncustomer_channel = \(2 * i + 1)\n"
        }
        return try DaemonHarness(dir: dir, devices: "[[device]]\nname = \"virt\"\npcm = \"virtual\"\nchannels = \(channels)\n",
                                 stations: st, recording: recording, top: top, control: control,
                                 spool: spool, database: database, socket: socket)
    }

    /// The spool's entries without the hidden ones (the daemon's `.tapedeck.lock`).
    public func recordings() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: spool).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The sizes of the spool's `.part` files (the running recordings' files), by name.
    public func partFileSizes() -> [String: Int] {
        var sizes: [String: Int] = [:]
        for name in (try? recordings()) ?? [] where name.hasSuffix(".part") {
            sizes[name] = (try? FileManager.default.attributesOfItem(atPath: spool + "/" + name))?[.size] as? Int ?? 0
        }
        return sizes
    }

    /// Launches the daemon on this configuration without waiting for anything.
    public func launch() throws -> RunningProcess {
        let environment = dir.environment.merging(extraEnvironment) { _, b in b }
        let arguments = ["--config", configPath, "--log-level", "info"]
        guard let umask else { return try Subprocess.launch(Binaries.tapedeckd, arguments, environment: environment) }
        // The shell sets the umask, then becomes the daemon (same pid).
        return try Subprocess.launch("/bin/sh", ["-c", "umask \(umask) && exec \"$0\" \"$@\"", Binaries.tapedeckd] + arguments,
                                     environment: environment)
    }

    /// Starts the daemon and waits (at most 10 s) for its socket.
    public func start() throws {
        let p = try launch()
        process = p
        for _ in 0..<1000 {
            if FileManager.default.fileExists(atPath: socketPath), (try? connect()) != nil { return }
            var status: Int32 = 0
            if waitpid(p.pid, &status, WNOHANG) == p.pid {
                throw DaemonFailed(message: "tapedeckd exited at start (status \(status))")
            }
            usleep(10_000)
        }
        throw DaemonFailed(message: "tapedeckd did not open its socket")
    }

    /// Stops the daemon with SIGTERM and returns its result (what it logged, its exit).
    @discardableResult
    public func stop() -> ProcessResult? {
        guard let p = process else { return nil }
        process = nil
        p.signal(SIGTERM)
        return p.wait()
    }

    deinit {
        if let p = process { p.signal(SIGKILL); _ = p.wait() }
    }

    public func connect() throws -> ControlClient { try ControlClient(path: socketPath) }

    public struct DaemonFailed: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}

/// A connection to the control socket: send lines, read reply lines.
public final class ControlClient: @unchecked Sendable {
    public let fd: Int32
    private var pending = [UInt8]()

    public init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            path.utf8CString.withUnsafeBytes { raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(raw.count))) }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { close(fd); throw DaemonHarness.DaemonFailed(message: "connect \(path): \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    public func sendRaw(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends one request line and returns the reply line (without its newline).
    public func request(_ line: String) -> String? {
        sendRaw(Array((line + "\n").utf8))
        return readLine()
    }

    /// Half-closes the sending side (EOF for the daemon).
    public func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// The next line, or nil at EOF / timeout.
    public func readLine() -> String? {
        while true {
            if let nl = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                return line
            }
            var buf = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { return nil }
            pending += buf[0..<n]
        }
    }

    /// True when the daemon closed the connection (EOF within 5 s).
    public func isClosedByPeer() -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 5000) > 0 else { return false }
        var b: UInt8 = 0
        return recv(fd, &b, 1, Int32(MSG_PEEK)) == 0
    }
}

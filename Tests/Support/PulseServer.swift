import Foundation
import Synchronization

/// One private PulseAudio server per test process, started on first use and killed at
/// exit. Each test adds null sinks of its own: real-time paced capture of real signal,
/// read through ALSA's `pulse` plugin from the sink's monitor.
public final class PulseServer: Sendable {
    public let runtimeDirectory: String
    public let pid: Int32

    private static let shared = Mutex<Result<PulseServer, Error>?>(nil)

    /// The process's server, started now if needed.
    public static func start() throws -> PulseServer {
        try shared.withLock { slot in
            if let slot { return try slot.get() }
            let result = Result { try PulseServer() }
            slot = result
            return try result.get()
        }
    }

    /// A server of the caller's own, with no other test's sinks. (When a source vanishes,
    /// PulseAudio moves its recording streams to another source if there is one; a test of
    /// a vanishing device needs a server where there is none.)
    public static func startDedicated() throws -> PulseServer { try PulseServer(label: "-" + UUID().uuidString.prefix(8)) }

    private init(label: String = "") throws {
        let dir = FileManager.default.temporaryDirectory.path + "/tapedeck-pulse-\(getpid())" + label
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o700)
        runtimeDirectory = dir
        let p = try Subprocess.launch("pulseaudio", [
            "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
            "--disable-shm=yes", "-L", "module-native-protocol-unix",
        ], environment: ["XDG_RUNTIME_DIR": dir, "HOME": dir, "PULSE_RUNTIME_PATH": dir + "/pulse"])
        pid = p.pid
        PulseServer.registerKillAtExit(pid)
        PulseServer.recordPid(pid)
        let socket = dir + "/pulse/native"
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) {
            usleep(50_000)
        }
        guard FileManager.default.fileExists(atPath: socket) else {
            p.signal(SIGKILL)
            let r = p.wait()
            throw ServerFailed(message: "pulseaudio did not start: \(r.stderr)")
        }
    }

    public struct ServerFailed: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Environment that points PulseAudio clients (paplay, pactl, ALSA's pulse plugin) here.
    public var environment: [String: String] {
        ["PULSE_SERVER": "unix:\(runtimeDirectory)/pulse/native", "XDG_RUNTIME_DIR": runtimeDirectory]
    }

    /// Adds a null sink; returns its module index (for `unloadModule`).
    @discardableResult
    public func addNullSink(_ name: String, channels: Int = 2, rate: Int = 8000) throws -> Int {
        let r = try Subprocess.run("pactl", ["load-module", "module-null-sink", "sink_name=\(name)",
                                             "channels=\(channels)", "rate=\(rate)", "format=s16le"],
                                   environment: environment)
        guard r.status == 0, let index = Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ServerFailed(message: "pactl load-module failed: \(r.stderr)")
        }
        return index
    }

    public func unloadModule(_ index: Int) throws {
        try Subprocess.run("pactl", ["unload-module", String(index)], environment: environment)
    }

    /// Plays a WAV file into a sink (returns the running paplay) and waits (at most 10 s)
    /// until the sink runs, so audio is flowing when this returns.
    public func play(_ wav: String, sink: String) throws -> RunningProcess {
        let player = try Subprocess.launch("paplay", ["-d", sink, wav], environment: environment)
        for _ in 0..<200 {
            let r = try Subprocess.run("pactl", ["list", "short", "sinks"], environment: environment)
            if r.stdout.split(separator: "\n").contains(where: { $0.split(separator: "\t").dropFirst().first == Substring(sink) && $0.hasSuffix("RUNNING") }) {
                return player
            }
            usleep(50_000)
        }
        return player
    }

    private static let pidsToKill = Mutex<[Int32]>([])

    /// Writes the server's pid into `$TAPEDECK_TEST_PIDS` (a folder `scripts/test` makes), so
    /// that a test process that dies before its `atexit` runs still leaves a server that
    /// the script can end by pid, and only the servers the tests started.
    private static func recordPid(_ pid: Int32) {
        guard let dir = ProcessInfo.processInfo.environment["TAPEDECK_TEST_PIDS"], !dir.isEmpty else { return }
        FileManager.default.createFile(atPath: dir + "/pulseaudio.\(pid)", contents: Data("\(pid)\n".utf8))
    }

    private static func registerKillAtExit(_ pid: Int32) {
        pidsToKill.withLock { $0.append(pid) }
        atexit {
            PulseServer.pidsToKill.withLock { pids in for p in pids { kill(p, SIGKILL) } }
        }
    }
}

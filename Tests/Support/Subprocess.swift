import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs programs for the tests and captures what they print.
///
/// Built on posix_spawn and waitpid, with the child's output going to files: no pipes to
/// drain and no run loop, so long-lived children (a PulseAudio server) and many parallel
/// tests cannot wedge each other.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let terminatedBySignal: Bool
}

public enum Subprocess {
    /// Runs `executable` (a path, or a name looked up on PATH) to completion.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try launch(executable, arguments, environment: environment).wait()
    }

    /// Starts `executable`; its output is kept in files until `wait()`.
    public static func launch(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> RunningProcess {
        let path = try resolve(executable)
        let base = FileManager.default.temporaryDirectory.path + "/tapedeck-proc-\(UUID().uuidString)"
        let outPath = base + ".out", errPath = base + ".err"
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        // The child starts with no blocked signals and default dispositions, whatever
        // the test runner's threads had.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
        guard rc == 0 else { throw SpawnFailed(program: path, code: rc) }
        return RunningProcess(pid: pid, outPath: outPath, errPath: errPath)
    }

    /// The full path of a program on PATH; a missing tool fails the test with its name.
    public static func resolve(_ name: String) throws -> String {
        if name.contains("/") { return name }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw MissingTool(name: name)
    }

    public struct MissingTool: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "'\(name)' is not installed (scripts/test installs the test tools)" }
    }

    public struct SpawnFailed: Error, CustomStringConvertible {
        public let program: String
        public let code: Int32
        public var description: String { "cannot start \(program): \(String(cString: strerror(code)))" }
    }
}

public final class RunningProcess: Sendable {
    public let pid: Int32
    let outPath: String
    let errPath: String

    init(pid: Int32, outPath: String, errPath: String) {
        self.pid = pid
        self.outPath = outPath
        self.errPath = errPath
    }

    public func signal(_ sig: Int32) { kill(pid, sig) }

    /// What the process has printed on stdout so far.
    public var stdoutSoFar: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }

    /// What the process has printed on stderr so far.
    public var stderrSoFar: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    /// Waits at most `seconds` for the process to end: its result, or nil if it still runs.
    public func wait(seconds: Double) -> ProcessResult? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while Date() < deadline {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return collect(status) }
            if rc < 0 && errno != EINTR { return nil }
            usleep(10_000)
        }
        return nil
    }

    /// Waits for the process to end and collects its output.
    public func wait() -> ProcessResult {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return collect(status)
    }

    private func collect(_ status: Int32) -> ProcessResult {
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        unlink(outPath)
        unlink(errPath)
        let signalled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
        return ProcessResult(status: signalled ? 128 + (status & 0x7F) : (status >> 8) & 0xFF,
                             stdout: out, stderr: err, terminatedBySignal: signalled)
    }
}

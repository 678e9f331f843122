import Foundation

/// Runs programs for the tests and captures what they print.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let terminatedBySignal: Bool
}

public enum Subprocess {
    /// Runs `executable` (a path, or a name looked up on PATH) to completion.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           directory: String? = nil) throws -> ProcessResult {
        let p = try launch(executable, arguments, environment: environment, directory: directory)
        return p.wait()
    }

    public static func launch(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                              directory: String? = nil) throws -> RunningProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try resolve(executable))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningProcess(process: process, out: out, err: err)
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
}

public final class RunningProcess: @unchecked Sendable {
    public let process: Process
    private let out: Pipe
    private let err: Pipe
    private var outData = Data()
    private var errData = Data()
    private let group = DispatchGroup()

    init(process: Process, out: Pipe, err: Pipe) {
        self.process = process
        self.out = out
        self.err = err
        // Drain both pipes while the process runs so it never blocks on a full pipe.
        group.enter()
        DispatchQueue.global().async { self.outData = out.fileHandleForReading.readDataToEndOfFile(); self.group.leave() }
        group.enter()
        DispatchQueue.global().async { self.errData = err.fileHandleForReading.readDataToEndOfFile(); self.group.leave() }
    }

    public var pid: Int32 { process.processIdentifier }

    public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    public func wait() -> ProcessResult {
        process.waitUntilExit()
        group.wait()
        return ProcessResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self),
                             terminatedBySignal: process.terminationReason == .uncaughtSignal)
    }
}

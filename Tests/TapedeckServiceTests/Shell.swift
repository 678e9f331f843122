import Foundation
import Testing

/// The repository's root (this file is Tests/TapedeckServiceTests/Shell.swift; symlinks resolved).
let repositoryRoot: String = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }
}

/// Runs a program to completion (output collected through files: no pipe deadlocks).
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
         directory: String? = nil) throws -> RunResult {
    let scratch = try Scratch("run")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = environment }
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    _ = FileManager.default.createFile(atPath: scratch.file("out"), contents: nil)
    _ = FileManager.default.createFile(atPath: scratch.file("err"), contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("out")))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("err")))
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    try out.close(); try err.close()
    return RunResult(status: p.terminationStatus,
                     stdout: (try? String(contentsOfFile: scratch.file("out"), encoding: .utf8)) ?? "",
                     stderr: (try? String(contentsOfFile: scratch.file("err"), encoding: .utf8)) ?? "")
}

/// Finds a program on the usual paths, or nil.
func which(_ name: String) -> String? {
    for dir in ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        if FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
    }
    return nil
}

/// A program the tests need; a missing one is a failure that says how to get it.
func require(_ name: String, package: String) throws -> String {
    guard let path = which(name) else {
        Issue.record("\(name) is missing: apt-get install -y \(package)")
        throw CancellationError()
    }
    return path
}

/// A fresh temporary folder per test, removed afterwards.
final class Scratch: @unchecked Sendable {
    let path: String
    init(_ label: String) throws {
        path = FileManager.default.temporaryDirectory.path + "/tapedeck-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Writes `text` to `name` (folders created), with `mode`.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String {
        let f = file(name)
        try FileManager.default.createDirectory(atPath: (f as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: f, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: f)
        return f
    }

    func read(_ name: String) -> String? { try? String(contentsOfFile: file(name), encoding: .utf8) }

    /// Every path under the folder, relative, sorted; folders end in "/".
    func tree(_ sub: String = "") -> [String] {
        let base = sub.isEmpty ? path : file(sub)
        guard let e = FileManager.default.enumerator(atPath: base) else { return [] }
        var all: [String] = []
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: base + "/" + rel, isDirectory: &isDir)
            all.append(isDir.boolValue ? rel + "/" : rel)
        }
        return all.sorted()
    }

    func mode(_ name: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: file(name)))?[.posixPermissions] as? Int
    }
}

/// The unit's `Key=Value` settings (all values of repeated keys), comments skipped.
func unitSettings(_ text: String) -> [String: [String]] {
    var settings: [String: [String]] = [:]
    for raw in text.split(separator: "\n") {
        let line = raw.trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";"), !line.hasPrefix("["),
              let eq = line.firstIndex(of: "=") else { continue }
        settings[String(line[..<eq]), default: []].append(String(line[line.index(after: eq)...]))
    }
    return settings
}

/// `systemd-analyze verify` on a copy of `unitText` whose ExecStart program is replaced by
/// `executable` (verify insists that the program exists). Returns the verifier's result.
func verifyUnit(_ unitText: String, execStartProgram original: String, executable: String) throws -> RunResult {
    let analyze = try require("systemd-analyze", package: "systemd")
    let scratch = try Scratch("verify")
    let copy = unitText.replacingOccurrences(of: "ExecStart=\(original)", with: "ExecStart=\(executable)")
    #expect(copy != unitText, "ExecStart=\(original) not found in the unit")
    let path = try scratch.write("tapedeck.service", copy)
    return try run(analyze, ["verify", "--man=no", path], directory: scratch.path)
}

import Foundation

/// A fresh temporary directory per test (parallel-safe), with an ALSA configuration
/// of its own: child processes get `XDG_CONFIG_HOME` pointing here.
public final class TestDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "tapedeck") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path + "/alsa", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Environment for children: this directory's ALSA configuration only.
    public var environment: [String: String] { ["XDG_CONFIG_HOME": path] }

    /// Appends PCM definitions to this directory's asoundrc.
    public func defineALSA(_ text: String) throws {
        let rc = file("alsa/asoundrc")
        let old = (try? String(contentsOfFile: rc, encoding: .utf8)) ?? ""
        try (old + text + "\n").write(toFile: rc, atomically: true, encoding: .utf8)
    }

    /// Defines `name` as an unpaced capture device that returns `raw`'s bytes exactly.
    public func defineFileDevice(_ name: String, raw: String) throws {
        try defineALSA("""
        pcm.\(name) {
            type file
            slave.pcm "null"
            file "/dev/null"
            infile "\(raw)"
            format "raw"
        }
        """)
    }

    /// Writes interleaved S16_LE samples to a raw file.
    public func writeRaw(_ name: String, samples: [Int16]) throws -> String {
        let data = samples.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: URL(fileURLWithPath: file(name)))
        return file(name)
    }
}

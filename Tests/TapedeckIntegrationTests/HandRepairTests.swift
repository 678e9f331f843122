import Foundation
import Testing
import TapedeckLog
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `tapedeck repair --database`: a repair of a recorded file is checked against the log
/// first, recorded in its hash chain after, and `tapedeck verify` (and the Python of
/// docs/validate.md) then tell it from tampering; a daemon started on the log afterwards
/// chains its rows after the repair.
@Suite struct HandRepairTests {
    /// A 16-bit mono 8 kHz WAV whose header says 0 bytes of audio (as a writer killed
    /// before its first checkpoint leaves it) over one second of a ramp.
    static func brokenWAV(_ path: String) throws -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        var header = Array("RIFF".utf8) + le32(36) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        header += le32(8000) + le32(16000) + le16(2) + le16(16) + Array("data".utf8) + le32(0)
        let audio = (0..<8000).flatMap { le16(UInt16(truncatingIfNeeded: $0 * 7)) }
        try Data(header + audio).write(to: URL(fileURLWithPath: path))
        return audio
    }

    static func lines(_ r: ProcessResult) -> [String] { r.stdout.split(separator: "\n").map(String.init) }

    static func userName() -> String {
        getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(getuid())"
    }

    @Test func aRecordedRepairVerifiesAsARepairAndAChangedFileIsRefusedUntouched() throws {
        let dir = try TestDirectory("hand-repair")
        let spool = dir.path + "/spool", database = dir.path + "/log.sqlite"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let path = spool + "/20261202-091312__1000.wav"
        let audio = try Self.brokenWAV(path)
        // The row an older tapedeck closed over the broken file, with its hash.
        let before = try VerifyCommandTests.sha256sum(path)
        let id: Int64
        do {
            let log = try RecordingLog.open(path: database)
            id = try log.insertStarted(NewRecording(
                station: "st1", serverIP: "10.0.0.5", sessionID: "8600051", agentUser: "1000", startedAt: Date(),
                filename: "20261202-091312__1000", location: path, kind: "mono", function: "recording", format: "wav"))
            try log.complete(id: id, end: Date(), status: .completed, cause: .stopped, durationSeconds: 0,
                             sizeBytes: 44 + 16000, sha256: before)
            try log.close()
        }
        let verify = { (json: Bool) in
            try Subprocess.run(Binaries.tapedeck, ["verify", "--database", database, "--spool", spool] + (json ? ["--json"] : []))
        }
        #expect(try verify(false).status == 0)

        var r = try Subprocess.run(Binaries.tapedeck, ["repair", "--database", database, path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let after = try VerifyCommandTests.sha256sum(path)
        #expect(after != before)
        #expect(Self.lines(r) == [
            "\(path): repaired: data size 0 → 16000 bytes (8000 frames); RIFF size 36 → 16036",
            "\(path): recorded: repair 1 of recording \(id) in the log, sha256 \(after)",
        ])
        // The samples are the ones written; only the sizes changed.
        let repaired = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(repaired[44...]) == audio)
        #expect(Array(repaired[40..<44]) == [0x80, 0x3E, 0, 0])

        r = try verify(false)
        #expect(r.status == 0, "\(r.stdout)")
        let out = Self.lines(r)
        #expect(out.count == 2, "\(out)")
        let prefix = "row \(id): repaired by tapedeck repair (\(Self.userName())) at "
        let suffix = ": \(path): sha256 \(before) before, sha256 \(after) after"
        #expect(out.first?.hasPrefix(prefix) == true && out.first?.hasSuffix(suffix) == true, "\(out)")
        let head = String(out.last?.split(separator: " ").last ?? "")
        #expect(out.last == "clean: 1 row, 2 in the hash chain, 1 file checked, head \(head)")
        let py = try Subprocess.run("/usr/bin/env", ["python3", "-c", try VerifyCommandTests.pythonSnippet(), database])
        #expect(py.stdout == "head \(head)\n", "\(py.stdout)\(py.stderr)")
        let j = try verify(true)
        #expect(Self.lines(j).first?.hasPrefix(#"{"kind":"repaired","problem":false,"recording_id":\#(id),"path":"#) == true)

        // A daemon started on this log chains its rows after the repair.
        let daemon = try DaemonHarness.virtual(spool: spool, database: database)
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1001&station=st1&session_id=8600052")
        let started = VerifyCommandTests.recordings(c.request(#"{"function":"recording","agent_user":"1001","value":"START","format":"wav"}"#))
        #expect(VerifyCommandTests.waitForSize((started.first?["file_path"] as? String ?? "") + ".part", 44 + 1600))
        _ = c.request(#"{"function":"recording","agent_user":"1001","value":"STOP"}"#)
        _ = daemon.stop()
        r = try verify(false)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(Self.lines(r).last?.hasPrefix("clean: 2 rows, 3 in the hash chain, 2 files checked, head ") == true, "\(r.stdout)")
        let newHead = String(Self.lines(r).last?.split(separator: " ").last ?? "")
        let py2 = try Subprocess.run("/usr/bin/env", ["python3", "-c", try VerifyCommandTests.pythonSnippet(), database])
        #expect(py2.stdout == "head \(newHead)\n", "\(py2.stdout)\(py2.stderr)")

        // One byte changed behind the log's back: a repair is refused and the file left as it is.
        let fd = open(path, O_RDWR)
        var byte: UInt8 = 0
        #expect(pread(fd, &byte, 1, 1000) == 1)
        byte ^= 0x01
        #expect(pwrite(fd, &byte, 1, 1000) == 1)
        // The header broken too, so that repair would change it.
        var zero: [UInt8] = [0, 0, 0, 0]
        #expect(pwrite(fd, &zero, 4, 40) == 4)
        close(fd)
        let changed = try VerifyCommandTests.sha256sum(path)
        r = try Subprocess.run(Binaries.tapedeck, ["repair", "--database", database, path])
        #expect(r.status == 1)
        #expect(r.stdout == "\(path): refused: its sha256 \(changed) is not the \(after) the log has for recording \(id): "
                + "it was changed since it was recorded (see tapedeck verify); left untouched\n", "\(r.stdout)")
        #expect(try VerifyCommandTests.sha256sum(path) == changed)
        r = try verify(false)
        #expect(r.status == 1)
        #expect(Self.lines(r).contains("row \(id): file altered: \(path): sha256 \(changed), the log has \(after)"), "\(r.stdout)")
    }

    @Test func aFileTheLogDoesNotKnowAndCopiesAreRefused() throws {
        let dir = try TestDirectory("hand-repair")
        let database = dir.path + "/log.sqlite"
        try RecordingLog.open(path: database).close()
        let stray = dir.path + "/stray.wav"
        _ = try HandRepairTests.brokenWAV(stray)
        let original = try VerifyCommandTests.sha256sum(stray)
        var r = try Subprocess.run(Binaries.tapedeck, ["repair", "--database", database, stray])
        #expect(r.status == 1)
        #expect(r.stdout == "\(stray): refused: not a recording of the log \(database)\n")
        #expect(try VerifyCommandTests.sha256sum(stray) == original)

        r = try Subprocess.run(Binaries.tapedeck, ["repair", "--database", database, "--output", dir.path, stray])
        #expect(r.status == 2)
        #expect(r.stderr == "tapedeck repair: --output writes copies, which change nothing the log recorded: drop --config/--database\n")
        r = try Subprocess.run(Binaries.tapedeck, ["repair", "--database", dir.path + "/none.sqlite", stray])
        #expect(r.status == 2)
        #expect(r.stderr == "tapedeck repair: recording log \(dir.path)/none.sqlite: cannot open: No such file or directory\n")
        // A dry run checks the log but records nothing.
        r = try Subprocess.run(Binaries.tapedeck, ["repair", "--dry-run", "--database", database, stray])
        #expect(r.status == 1 && r.stdout.hasSuffix("refused: not a recording of the log \(database)\n"))
    }
}

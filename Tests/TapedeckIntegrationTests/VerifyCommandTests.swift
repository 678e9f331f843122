import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Tamper evidence end to end: the SHA-256 in STOP's reply is the file's, the log's hash
/// chain re-verifies with the Python of docs/validate.md, and `tapedeck verify` names
/// each change made behind the daemon's back (an altered byte, an edited or a deleted
/// row, a stray file) and tells the daemon's own repairs after a crash from tampering.
@Suite struct VerifyCommandTests {
    static func json(_ line: String?) -> [String: Any] {
        (line.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any]) ?? [:]
    }

    static func recordings(_ line: String?) -> [[String: Any]] {
        let data = json(line)["data"] as? [String: Any]
        return data?["recordings"] as? [[String: Any]] ?? (data?["recording"] as? [String: Any]).map { [$0] } ?? []
    }

    /// `sha256sum`'s digest of a file, computed outside Tapedeck.
    static func sha256sum(_ path: String) throws -> String {
        let r = try Subprocess.run("/usr/bin/sha256sum", [path])
        return String(r.stdout.prefix(64))
    }

    static func verify(_ daemon: DaemonHarness, json: Bool = false) throws -> ProcessResult {
        try Subprocess.run(Binaries.tapedeck, ["verify", "--database", daemon.database, "--spool", daemon.spool]
                           + (json ? ["--json"] : []))
    }

    static func sql(_ daemon: DaemonHarness, _ statement: String) throws {
        let r = try Subprocess.run("/usr/bin/sqlite3", [daemon.database, statement])
        #expect(r.status == 0, "\(r.stderr)")
    }

    static func lines(_ r: ProcessResult) -> [String] { r.stdout.split(separator: "\n").map(String.init) }

    /// Waits until `path` holds at least `bytes` bytes (audio is being written).
    static func waitForSize(_ path: String, _ bytes: Int) -> Bool {
        waitUntil { ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int ?? 0) >= bytes }
    }

    /// The Python snippet of docs/validate.md that re-verifies the chain.
    static func pythonSnippet() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/validate.md"), encoding: .utf8)
        guard let start = doc.range(of: "```python\n"),
              let end = doc.range(of: "\n```", range: start.upperBound..<doc.endIndex) else {
            Issue.record("no python snippet in docs/validate.md")
            return ""
        }
        return String(doc[start.upperBound..<end.lowerBound])
    }

    /// Records a mono WAV with split legs (three files) and a stereo MP3, stops them,
    /// and returns the four recordings of the replies, in the order the rows were closed.
    static func recordFourFiles(_ daemon: DaemonHarness) throws -> [[String: Any]] {
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        let mono = recordings(c.request(#"{"function":"recording","agent_user":"1000","value":"START","format":"wav","legs":"split"}"#))
        let stereo = recordings(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"BEGIN","format":"mp3"}"#))
        #expect(mono.count == 1 && stereo.count == 1, "\(mono) \(stereo)")
        // One second of 8 kHz 16-bit mono in the WAV, and some MP3 frames.
        #expect(waitForSize((mono.first?["file_path"] as? String ?? "") + ".part", 44 + 16_000))
        #expect(waitForSize((stereo.first?["file_path"] as? String ?? "") + ".part", 2_000))
        let stopped = recordings(c.request(#"{"function":"recording","agent_user":"1000","value":"STOP"}"#))
        let ended = recordings(c.request(#"{"function":"stereo_recording","agent_user":"1000","value":"END"}"#))
        return stopped + ended
    }

    @Test func stopRepliesCarryTheFilesSHA256AndACleanSpoolVerifiesClean() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let files = try Self.recordFourFiles(daemon)
        #expect(files.map { $0["kind"] as? String ?? "" } == ["mono", "agent_leg", "customer_leg", "stereo"])
        for f in files {
            let path = f["file_path"] as? String ?? ""
            #expect(f["status"] as? String == "completed", "\(f)")
            #expect(f["sha256"] as? String == (try Self.sha256sum(path)), "\(path)")
        }
        // recording_lookup carries the same hash; the text reply stays VICIdial's.
        let c = try daemon.connect()
        let id = files[3]["id"] as? Int ?? -1
        let looked = Self.recordings(c.request(#"{"function":"recording_lookup","recording_id":"\#(id)"}"#))
        #expect(looked.first?["sha256"] as? String == files[3]["sha256"] as? String)
        let text = c.request("function=recording_lookup&recording_id=\(id)") ?? ""
        #expect(!text.contains(files[3]["sha256"] as? String ?? "-"), "\(text)")

        let r = try Self.verify(daemon)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let out = Self.lines(r)
        #expect(out.count == 1, "\(out)")
        let head = String(out.last?.split(separator: " ").last ?? "")
        #expect(out.last == "clean: 4 rows, 4 in the hash chain, 4 files checked, head \(head)")
        // A third party re-verifies the chain with the documented serialisation.
        let py = try Subprocess.run("/usr/bin/env", ["python3", "-c", try Self.pythonSnippet(), daemon.database])
        #expect(py.status == 0, "\(py.stderr)")
        #expect(py.stdout == "head \(head)\n", "\(py.stdout)\(py.stderr)")

        let j = try Self.verify(daemon, json: true)
        #expect(j.status == 0)
        #expect(j.stdout == #"{"kind":"summary","clean":true,"problems":0,"rows":4,"chained":4,"files_checked":4,"head":"\#(head)"}"# + "\n")
        daemon.stop()
    }

    @Test func eachChangeBehindTheDaemonsBackIsReportedPrecisely() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let files = try Self.recordFourFiles(daemon)
        _ = daemon.stop()
        #expect(try Self.verify(daemon).status == 0)
        let ids = files.map { $0["id"] as? Int ?? -1 }
        let paths = files.map { $0["file_path"] as? String ?? "" }
        let summary = { (problems: Int, rows: Int) in
            "\(problems) problem\(problems == 1 ? "" : "s"): \(rows) rows, \(rows) in the hash chain, \(rows) files checked, head "
        }

        // One byte of the stereo MP3, near its end, changed.
        let original = try Self.sha256sum(paths[3])
        let fd = open(paths[3], O_RDWR)
        var byte: UInt8 = 0
        let end = lseek(fd, -100, SEEK_END)
        #expect(pread(fd, &byte, 1, end) == 1)
        byte ^= 0x01
        #expect(pwrite(fd, &byte, 1, end) == 1)
        close(fd)
        let altered = try Self.sha256sum(paths[3])
        var r = try Self.verify(daemon)
        #expect(r.status == 1)
        #expect(Self.lines(r).dropLast() == ["row \(ids[3]): file altered: \(paths[3]): sha256 \(altered), the log has \(original)"])
        #expect(Self.lines(r).last?.hasPrefix(summary(1, 4)) == true, "\(r.stdout)")

        // The agent leg's duration edited in the log.
        try Self.sql(daemon, "UPDATE recording_log SET duration_seconds = 99.5 WHERE recording_id = \(ids[1])")
        r = try Self.verify(daemon)
        #expect(r.status == 1)
        #expect(Self.lines(r).dropLast() == [
            "row \(ids[1]): edited: its fields do not match its row_hash",
            "row \(ids[3]): file altered: \(paths[3]): sha256 \(altered), the log has \(original)",
        ])

        // The customer leg's row deleted: a hole in the chain, and its file is now unknown.
        try Self.sql(daemon, "DELETE FROM recording_log WHERE recording_id = \(ids[2])")
        // A file the log never wrote.
        let stray = daemon.spool + "/planted.wav"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: stray))
        r = try Self.verify(daemon)
        #expect(r.status == 1)
        #expect(Self.lines(r).dropLast() == [
            "row \(ids[1]): edited: its fields do not match its row_hash",
            "chain position 3 missing: 1 closed row deleted (after row \(ids[1]), before row \(ids[3]))",
            "row \(ids[3]): file altered: \(paths[3]): sha256 \(altered), the log has \(original)",
        ] + [paths[2], stray].sorted().map { "stray file: \($0) (not in the log)" })
        #expect(Self.lines(r).last?.hasPrefix(summary(5, 3)) == true, "\(r.stdout)")
        // The JSON form: one object per problem, then the summary.
        let j = try Self.verify(daemon, json: true)
        #expect(j.status == 1)
        let objects = Self.lines(j).map { Self.json($0) }
        #expect(objects.map { $0["kind"] as? String ?? "" }
                == ["row_edited", "rows_deleted", "file_altered", "stray_file", "stray_file", "summary"])
        #expect(objects[2]["recording_id"] as? Int == ids[3] && objects[2]["path"] as? String == paths[3])
        #expect(objects.last?["problems"] as? Int == 5 && objects.last?["clean"] as? Bool == false)
    }

    @Test func aSpoolRecoveredAfterKill9VerifiesCleanAndShowsTheRepair() throws {
        let daemon = try DaemonHarness.virtual()
        try daemon.start()
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        let started = Self.recordings(c.request(#"{"function":"recording","agent_user":"1000","value":"START","format":"wav"}"#))
        let path = started.first?["file_path"] as? String ?? ""
        let id = started.first?["id"] as? Int ?? -1
        // Past the first checkpoint (1.5 s): the header on disk describes some audio.
        #expect(Self.waitForSize(path + ".part", 44 + 2 * 8000 * 2))
        daemon.process?.signal(SIGKILL)
        _ = daemon.process?.wait()
        let before = try Self.sha256sum(path + ".part")

        try daemon.start()
        _ = daemon.stop()
        let after = try Self.sha256sum(path)
        let r = try Self.verify(daemon)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let out = Self.lines(r)
        #expect(out.count == 2, "\(out)")
        let note = out.first ?? ""
        let prefix = "row \(id): repaired by tapedeckd at "
        let suffix = ": \(path): sha256 \(before) before, sha256 \(after) after"
        #expect(note.hasPrefix(prefix) && note.hasSuffix(suffix), "\(note)")
        // The time between is the row's close time, ISO 8601.
        let at = note.dropFirst(prefix.count).dropLast(suffix.count)
        #expect(at.count == 25 && at.contains("T"), "\(at)")
        #expect(out.last?.hasPrefix("clean: 1 row, 1 in the hash chain, 1 file checked, head ") == true, "\(out)")
    }

    @Test func usageAndIOErrorsExitWithTwo() throws {
        let dir = try TestDirectory("verify")
        let cases: [([String], String)] = [
            ([], "tapedeck verify: give --config FILE, or --database PATH and --spool PATH\n"),
            (["--database", dir.path + "/x.sqlite"], "tapedeck verify: give --config FILE, or --database PATH and --spool PATH\n"),
            (["--spool"], "tapedeck verify: --spool needs a value\n"),
            (["--bogus"], "tapedeck verify: unknown argument '--bogus'\n"),
            (["--database", dir.path + "/missing.sqlite", "--spool", dir.path],
             "tapedeck verify: recording log \(dir.path)/missing.sqlite: cannot open: No such file or directory\n"),
        ]
        for (arguments, message) in cases {
            let r = try Subprocess.run(Binaries.tapedeck, ["verify"] + arguments)
            #expect(r.status == 2, "\(arguments)")
            #expect(r.stderr == message, "\(arguments): \(r.stderr)")
            #expect(r.stdout == "")
        }
    }
}

import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A spool on a 1 MiB tmpfs: the recording that fills it ends with cause disk_full and a
/// valid file, the daemon keeps answering, START is refused while the disk is full and
/// works again once there is space.
@Suite(.serialized) struct DiskFullTests {
    /// A daemon on one 48 kHz virtual station whose spool is a 1 MiB tmpfs (unmounted
    /// when `body` returns), with an event subscription and agent 1000 logged in.
    func withFullableSpool(_ body: (_ daemon: DaemonHarness, _ spool: String, _ events: ControlClient, _ c: ControlClient) throws -> Void) throws {
        try #require(getuid() == 0, "mounting a tmpfs needs root (CI runs as root)")
        let dir = try TestDirectory("tapedeckd")
        let spool = dir.path + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let mount = try Subprocess.run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", spool])
        try #require(mount.status == 0, "mount: \(mount.stderr)")
        defer { _ = try? Subprocess.run("umount", ["-l", spool]) }
        let daemon = try DaemonHarness(
            dir: dir, devices: "[[device]]\nname = \"virt\"\npcm = \"virtual\"\nrate = 48000\n",
            stations: "[[station]]\nname = \"st1\"\ndevice = \"virt\"\nagent_channel = 0\ncustomer_channel = 1\n",
            recording: "mono_bitrate = 32\nstereo_bitrate = 64")
        try daemon.start()
        let events = try daemon.connect()
        _ = events.request("function=subscribe")
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        try body(daemon, spool, events, c)
        daemon.stop()
    }

    @Test func aFullSpoolEndsRecordingsCleanlyAndRefusesNewOnes() throws {
        try withFullableSpool { daemon, spool, events, c in
            // 48 kHz stereo: 192 KB a second fills 1 MiB in about five seconds.
            #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN")?.hasPrefix("SUCCESS") == true)

            var ended: [String: Any] = [:]
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, let line = events.readLine() {
                let e = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
                if e["event"] as? String == "recording.failed" || e["event"] as? String == "recording.completed" {
                    ended = e["recording"] as? [String: Any] ?? [:]
                    break
                }
            }
            #expect(ended["cause"] as? String == "disk_full", "\(ended)")
            #expect(ended["status"] as? String == "failed")
            // The file holds the audio up to the failure and validates.
            let path = ended["file_path"] as? String ?? ""
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
            let v = try Subprocess.run(Binaries.tapedeck, ["validate", "--json", path])
            #expect(v.status == 0, "\(v.stdout)")
            let report = (try? JSONSerialization.jsonObject(with: Data(v.stdout.utf8))) as? [String: Any] ?? [:]
            #expect((report["duration_seconds"] as? Double ?? 0) > 3, "\(report)")
            // The event carries the SHA-256 of the file as it ended, and the spool verifies
            // (a repair the writer made in place is listed, not reported as tampering).
            let sum = try Subprocess.run("/usr/bin/sha256sum", [path]).stdout.prefix(64)
            #expect(ended["sha256"] as? String == String(sum), "\(ended)")
            let verified = try Subprocess.run(Binaries.tapedeck, ["verify", "--config", daemon.configPath])
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
            #expect(verified.stdout.split(separator: "\n").last?.hasPrefix("clean: 1 row, 1 in the hash chain, 1 file checked") == true,
                    "\(verified.stdout)")
            // The daemon still answers; a START on the full spool is refused with a clear reason.
            #expect(c.request("function=stereo_recording&agent_user=1000&value=STATUS")?.hasPrefix("NOTICE: not stereo_recording") == true)
            let refused = c.request("function=recording&agent_user=1000&value=START") ?? ""
            #expect(refused.hasPrefix("ERROR: start recording error - 1000|spool ") && refused.contains("is full"), "\(refused)")
            // Space returns: recording works again.
            try FileManager.default.removeItem(atPath: path)
            #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
            #expect(c.waitForRecorded(agent: "1000", seconds: 0.5))
            #expect(c.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
        }
    }

    /// An MP3 and a WAV recording when the spool fills: both end (failed, disk_full) with
    /// a valid final file under the name their row gives. The MP3 is finished with no
    /// free space at all: cut to its last whole frame, its Info tag rewritten in place.
    @Test func anMP3OnAFullDiskIsFinishedInPlace() throws {
        try withFullableSpool { _, spool, events, c in
            // The WAV (96 KB/s) fills the spool; the MP3 meets the full disk on its next write.
            #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN&format=mp3")?.hasPrefix("SUCCESS") == true)
            #expect(c.request("function=recording&agent_user=1000&value=START&format=wav")?.hasPrefix("SUCCESS") == true)

            var ended: [[String: Any]] = []
            let deadline = Date().addingTimeInterval(90)
            while ended.count < 2, Date() < deadline {
                // readLine gives nil after its receive timeout: the spool takes ~10 s to fill.
                guard let line = events.readLine() else { continue }
                let e = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
                if e["event"] as? String == "recording.failed" || e["event"] as? String == "recording.completed" {
                    ended.append(e["recording"] as? [String: Any] ?? [:])
                }
            }
            try #require(ended.count == 2, "\(ended)")
            for rec in ended {
                #expect(rec["cause"] as? String == "disk_full" && rec["status"] as? String == "failed", "\(rec)")
                // The row names a file that is there, and it is the final name.
                let path = rec["file_path"] as? String ?? ""
                #expect(FileManager.default.fileExists(atPath: path), "the row names \(path), which does not exist")
                #expect(path.hasSuffix(".mp3") || path.hasSuffix(".wav"), "\(path)")
                let v = try Subprocess.run(Binaries.tapedeck, ["validate", "--json", path])
                #expect(v.status == 0, "\(v.stdout)")
                let report = (try? JSONSerialization.jsonObject(with: Data(v.stdout.utf8))) as? [String: Any] ?? [:]
                #expect(report["verdict"] as? String == "ok", "\(report)")
                #expect((report["duration_seconds"] as? Double ?? 0) > 1, "\(report)")
                #expect(abs((rec["duration_seconds"] as? Double ?? 0) - (report["duration_seconds"] as? Double ?? -1)) < 1e-3,
                        "row \(rec) vs file \(report)")
                guard path.hasSuffix(".mp3") else { continue }
                // Every byte is a whole frame, and the Info tag counts them all.
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                let frames = MP3Frames.frames(bytes)
                #expect(frames.last.map { $0.offset + $0.length } == bytes.count, "a partial frame is left at the end")
                #expect(MP3Frames.tagFrames(bytes, first: frames[0]) == frames.count - 1, "the Info tag does not match the frames")
                let packets = try Subprocess.run("ffprobe", ["-v", "error", "-count_packets", "-show_entries", "stream=nb_read_packets",
                                                             "-of", "csv=p=0", path])
                #expect(Int(packets.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == frames.count - 1, "ffprobe: \(packets.stdout)")
                let decoded = try FileCheckRun.decodedSeconds(path, rate: 48000)
                #expect(abs((report["duration_seconds"] as? Double ?? 0) - decoded) <= 1.0 / 48000 + 1e-6, "ours \(report), ffmpeg \(decoded)")
            }
            // Nothing else in the spool: no .part, no temporary repair copy.
            let names = (try FileManager.default.contentsOfDirectory(atPath: spool)).filter { $0 != ".tapedeck.lock" }.sorted()
            #expect(names.count == 2 && names.allSatisfy { $0.hasSuffix(".mp3") || $0.hasSuffix(".wav") }, "\(names)")
        }
    }
}

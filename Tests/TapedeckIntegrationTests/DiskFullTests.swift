import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A spool on a 1 MiB tmpfs: the recording that fills it ends with cause disk_full and a
/// valid file, the daemon keeps answering, START is refused while the disk is full and
/// works again once there is space.
@Suite struct DiskFullTests {
    @Test func aFullSpoolEndsRecordingsCleanlyAndRefusesNewOnes() throws {
        try #require(getuid() == 0, "mounting a tmpfs needs root (CI runs as root)")
        let dir = try TestDirectory("tapedeckd")
        let spool = dir.path + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let mount = try Subprocess.run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", spool])
        try #require(mount.status == 0, "mount: \(mount.stderr)")
        defer { _ = try? Subprocess.run("umount", ["-l", spool]) }
        // 48 kHz stereo: 192 KB a second fills 1 MiB in about five seconds.
        let daemon = try DaemonHarness(
            dir: dir, devices: "[[device]]\nname = \"virt\"\npcm = \"virtual\"\nrate = 48000\n",
            stations: "[[station]]\nname = \"st1\"\ndevice = \"virt\"\nagent_channel = 0\ncustomer_channel = 1\n",
            recording: "mono_bitrate = 32\nstereo_bitrate = 64")
        try daemon.start()
        let events = try daemon.connect()
        _ = events.request("function=subscribe")
        let c = try daemon.connect()
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
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
        // The daemon still answers; a START on the full spool is refused with a clear reason.
        #expect(c.request("function=stereo_recording&agent_user=1000&value=STATUS")?.hasPrefix("NOTICE: not stereo_recording") == true)
        let refused = c.request("function=recording&agent_user=1000&value=START") ?? ""
        #expect(refused.hasPrefix("ERROR: start recording error - 1000|spool ") && refused.contains("is full"), "\(refused)")
        // Space returns: recording works again.
        try FileManager.default.removeItem(atPath: path)
        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        usleep(500_000)
        #expect(c.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
        daemon.stop()
    }
}

import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What the start-up tests look at: files, modes, inodes, rows.
enum StartupProbe {
    static func size(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : -1
    }

    static func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return lstat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }

    static func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// `path` with its folder's symbolic links resolved (as the daemon names lock files).
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        guard let p = realpath(url.deletingLastPathComponent().path, nil) else { return path }
        defer { free(p) }
        return String(cString: p) + "/" + url.lastPathComponent
    }

    /// Polls `condition` every 10 ms for up to `seconds`.
    static func within(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// Waits at most 20 s for a process to end; one still running is killed and reported.
    static func exited(_ p: RunningProcess, _ what: String) -> ProcessResult? {
        if let r = p.wait(seconds: 20) { return r }
        p.signal(SIGKILL)
        let r = p.wait()
        Issue.record("\(what) did not exit within 20 s: \(r.stderr)")
        return nil
    }

    /// Every row of agent 1000, by recording_lookup.
    static func rows(_ c: ControlClient) -> [[String: Any]] {
        let reply = c.request(#"{"function":"recording_lookup","agent_user":"1000"}"#) ?? ""
        let o = (try? JSONSerialization.jsonObject(with: Data(reply.utf8))) as? [String: Any]
        return (o?["data"] as? [String: Any])?["recordings"] as? [[String: Any]] ?? []
    }

    /// The lines a start failure prints itself (not the log lines before it).
    static func errorLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("tapedeckd: ") }
    }
}

/// A first daemon recording, for a second one to try to disturb.
struct RecordingDaemon {
    let daemon: DaemonHarness
    let client: ControlClient
    let pid: Int32
    let part: String
    let socketInode: UInt64?
    let startSent: Date
    let startReplied: Date

    /// Starts `daemon`, logs agent 1000 in at st1 and starts a WAV recording; returns once
    /// its `.part` file holds half a second of audio.
    init(_ daemon: DaemonHarness) throws {
        self.daemon = daemon
        try daemon.start()
        pid = daemon.process!.pid
        client = try daemon.connect()
        #expect(client.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        startSent = Date()
        let reply = client.request("function=recording&agent_user=1000&value=START&format=wav") ?? ""
        startReplied = Date()
        try #require(reply.hasPrefix("SUCCESS"), "\(reply)")
        var part = ""
        let spool = daemon.spool
        #expect(StartupProbe.within(20) {
            part = (try? daemon.recordings())?.first { $0.hasSuffix(".part") }.map { spool + "/" + $0 } ?? ""
            return !part.isEmpty && StartupProbe.size(part) >= 44 + 8000
        }, "no .part file with audio in \(spool)")
        self.part = part
        socketInode = StartupProbe.inode(daemon.socketPath)
    }

    /// The first daemon was not touched: its `.part` is still there and growing, its row
    /// still open, its socket the same and answering, its lock file its own; then its STOP
    /// gives a complete file as long as the wall time it recorded, with no row recovered.
    func expectUntouched() throws {
        #expect(try daemon.recordings() == [String(part.split(separator: "/").last!)])
        #expect(StartupProbe.text(daemon.spool + "/.tapedeck.lock") == "\(pid)\n")
        #expect(StartupProbe.inode(daemon.socketPath) == socketInode)
        let fresh = try daemon.connect()
        #expect(StartupProbe.rows(fresh).map { $0["status"] as? String } == ["started"])
        // Still writing into the same file: a second more of audio arrives there.
        let size = StartupProbe.size(part)
        #expect(StartupProbe.within(20) { StartupProbe.size(part) >= size + 16000 }, "\(part) stopped growing at \(size) bytes")
        let stopSent = Date()
        let stopped = client.request("function=recording&agent_user=1000&value=STOP") ?? ""
        let stopReplied = Date()
        #expect(stopped.hasPrefix("SUCCESS"), "\(stopped)")
        let files = try daemon.recordings()
        try #require(files.count == 1 && files[0].hasSuffix(".wav"), "\(files)")
        let wav = try WAVContents(path: daemon.spool + "/" + files[0])
        #expect(Int(wav.declaredDataSize) == wav.availableDataBytes)
        let shortest = stopSent.timeIntervalSince(startReplied), longest = stopReplied.timeIntervalSince(startSent)
        #expect(wav.durationSeconds >= shortest - 0.25 && wav.durationSeconds <= longest + 0.25,
                "\(wav.durationSeconds) s recorded in \(shortest)–\(longest) s of wall time")
        let v = try Subprocess.run(Binaries.tapedeck, ["validate", daemon.spool])
        #expect(v.status == 0, "\(v.stdout)")
        let rows = StartupProbe.rows(fresh)
        #expect(rows.count == 1)
        #expect(rows.first?["status"] as? String == "completed" && rows.first?["cause"] as? String == "stopped", "\(rows)")
        #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(StartupProbe.rows(try daemon.connect()).count == 1)   // a new connection still works
        let result = daemon.stop()
        #expect(result?.status == 0, "\(result?.stderr ?? "")")
    }
}

/// One daemon per spool, per database and per control socket (lock files taken first).
@Suite struct SingleDaemonTests {
    @Test func aSecondDaemonOnTheSameConfigurationChangesNothing() throws {
        let first = try RecordingDaemon(try DaemonHarness.virtual())
        let spool = first.daemon.spool
        let second = try first.daemon.launch()
        guard let r = StartupProbe.exited(second, "the second tapedeckd") else { return }
        #expect(r.status == 1)
        #expect(r.stderr == "tapedeckd: cannot start: spool \(spool) is in use by pid \(first.pid) "
                + "(lock file \(spool)/.tapedeck.lock): one tapedeckd per spool\n")
        try first.expectUntouched()
    }

    /// Two configurations that share only one of the three are refused all the same.
    @Test(arguments: ["spool", "database", "socket"])
    func sharingOnlyOneOfThemIsRefused(_ shared: String) throws {
        let first = try RecordingDaemon(try DaemonHarness.virtual())
        let f = first.daemon
        let other = try DaemonHarness.virtual(spool: shared == "spool" ? f.spool : nil,
                                              database: shared == "database" ? f.database : nil,
                                              socket: shared == "socket" ? f.socketPath : nil)
        let second = try other.launch()
        guard let r = StartupProbe.exited(second, "the second tapedeckd") else { return }
        #expect(r.status == 1)
        let expected = switch shared {
        case "spool": "spool \(f.spool) is in use by pid \(first.pid) (lock file \(f.spool)/.tapedeck.lock): one tapedeckd per spool"
        case "database": "database \(f.database) is in use by pid \(first.pid) "
            + "(lock file \(StartupProbe.resolved(f.database)).lock): one tapedeckd per database"
        default: "control socket \(f.socketPath) is in use by pid \(first.pid) "
            + "(lock file \(StartupProbe.resolved(f.socketPath)).lock): one tapedeckd per control socket"
        }
        #expect(r.stderr == "tapedeckd: cannot start: \(expected)\n")
        // The second made nothing of its own that comes after the lock it could not take.
        #expect(!FileManager.default.fileExists(atPath: other.socketPath) || shared == "socket")
        if shared != "database" { #expect(!FileManager.default.fileExists(atPath: other.database)) }
        try first.expectUntouched()
    }

    /// A reload cannot move a daemon onto a spool another daemon holds.
    @Test func aReloadOntoAnotherDaemonsSpoolIsRefused() throws {
        let first = try RecordingDaemon(try DaemonHarness.virtual())
        let other = try DaemonHarness.virtual()
        try other.start()
        let moved = try DaemonHarness(dir: other.dir, devices: "[[device]]\nname = \"virt\"\npcm = \"virtual\"\nchannels = 8\n",
                                      stations: (1...4).map { "[[station]]\nname = \"st\($0)\"\ndevice = \"virt\"\nagent_channel = \(2 * $0 - 2)\ncustomer_channel = \(2 * $0 - 1)\n" }.joined(),
                                      spool: first.daemon.spool)   // the other's configuration, on the first's spool
        #expect(moved.configPath == other.configPath)
        other.process?.signal(SIGHUP)
        let line = "reload refused; the running configuration stays error=\"spool \(first.daemon.spool) is in use by pid \(first.pid) "
            + "(lock file \(first.daemon.spool)/.tapedeck.lock): one tapedeckd per spool\""
        #expect(StartupProbe.within(20) { other.process?.stderrSoFar.contains(line) == true }, "\(other.process?.stderrSoFar ?? "")")
        // The other goes on recording into its own spool.
        let c = try other.connect()
        _ = c.request("function=login&agent_user=2000&station=st1&session_id=8600052")
        #expect(c.request("function=recording&agent_user=2000&value=START")?.hasPrefix("SUCCESS") == true)
        #expect(StartupProbe.within(20) { (try? other.recordings())?.count == 1 })
        other.stop()
        try first.expectUntouched()
    }

    /// SIGKILL releases the lock: the next start recovers and takes the lock file over.
    @Test func aKilledDaemonsLockIsFreeAndTheNextStartRecovers() throws {
        let first = try RecordingDaemon(try DaemonHarness.virtual())
        let daemon = first.daemon
        let lock = daemon.spool + "/.tapedeck.lock"
        daemon.process?.signal(SIGKILL)
        _ = daemon.process?.wait()
        #expect(StartupProbe.text(lock) == "\(first.pid)\n")   // the dead holder's pid stays in the file
        try daemon.start()
        let pid = daemon.process!.pid
        for file in [lock, StartupProbe.resolved(daemon.database) + ".lock", StartupProbe.resolved(daemon.socketPath) + ".lock"] {
            #expect(StartupProbe.text(file) == "\(pid)\n", "\(file)")
        }
        let files = try daemon.recordings()
        #expect(files.count == 1 && files[0].hasSuffix(".wav"), "\(files)")
        let rows = StartupProbe.rows(try daemon.connect())
        #expect(rows.count == 1)
        #expect(rows.first?["status"] as? String == "completed" && rows.first?["cause"] as? String == "recovered", "\(rows)")
        #expect((rows.first?["duration_seconds"] as? Double ?? 0) >= 0.5)
        daemon.stop()
    }
}

/// Recordings, the database and the spool get exactly the configured permission bits,
/// whatever the umask the daemon runs under.
@Suite struct FileModeTests {
    /// Starts a mono WAV and a stereo MP3 recording on st1; returns their `.part` paths
    /// once both exist.
    func startRecordings(_ daemon: DaemonHarness, _ c: ControlClient) throws -> [String] {
        _ = c.request("function=login&agent_user=1000&station=st1&session_id=8600051")
        #expect(c.request("function=recording&agent_user=1000&value=START&format=wav")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=stereo_recording&agent_user=1000&value=BEGIN&format=mp3")?.hasPrefix("SUCCESS") == true)
        var parts: [String] = []
        #expect(StartupProbe.within(20) {
            parts = ((try? daemon.recordings()) ?? []).filter { $0.hasSuffix(".part") }.map { daemon.spool + "/" + $0 }
            return parts.count == 2 && parts.allSatisfy { StartupProbe.size($0) > 1000 }
        }, "\((try? daemon.recordings()) ?? [])")
        return parts
    }

    func expectModes(_ daemon: DaemonHarness, file: mode_t, spool: mode_t, database: mode_t) throws {
        let c = try daemon.connect()
        #expect(StartupProbe.mode(daemon.spool) == spool)
        let state = [daemon.database, daemon.database + "-wal", daemon.database + "-shm", daemon.spool + "/.tapedeck.lock",
                     StartupProbe.resolved(daemon.database) + ".lock", StartupProbe.resolved(daemon.socketPath) + ".lock"]
        for path in state { #expect(StartupProbe.mode(path) == database, "\(path)") }
        let parts = try startRecordings(daemon, c)
        for path in parts { #expect(StartupProbe.mode(path) == file, "\(path)") }
        #expect(c.request("function=recording&agent_user=1000&value=STOP")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=stereo_recording&agent_user=1000&value=END")?.hasPrefix("SUCCESS") == true)
        let files = try daemon.recordings()
        #expect(files.count == 2 && !files.contains { $0.hasSuffix(".part") }, "\(files)")
        for name in files { #expect(StartupProbe.mode(daemon.spool + "/" + name) == file, "\(name)") }
        daemon.stop()
    }

    @Test func theDefaultsUnderUmask000() throws {
        let daemon = try DaemonHarness.virtual()
        daemon.umask = "000"
        try daemon.start()
        try expectModes(daemon, file: 0o640, spool: 0o750, database: 0o640)
    }

    /// Configured bits that umask 022 would take away, on a spool that existed with others.
    @Test func configuredModesUnderUmask022() throws {
        let daemon = try DaemonHarness.virtual(recording: "file_mode = \"0664\"",
                                               top: "spool_mode = \"0770\"\ndatabase_mode = \"0660\"")
        try FileManager.default.createDirectory(atPath: daemon.spool, withIntermediateDirectories: false)
        try #require(chmod(daemon.spool, 0o777) == 0)
        daemon.umask = "022"
        try daemon.start()
        try expectModes(daemon, file: 0o664, spool: 0o770, database: 0o660)
    }

    /// Files recovered (repaired and renamed) after a SIGKILL have the configured bits, even
    /// a `.part` that had others.
    @Test func recoveredFilesGetTheConfiguredMode() throws {
        let daemon = try DaemonHarness.virtual()
        daemon.umask = "000"
        try daemon.start()
        let parts = try startRecordings(daemon, try daemon.connect())
        daemon.process?.signal(SIGKILL)
        _ = daemon.process?.wait()
        try #require(parts.count == 2)
        try #require(chmod(parts[0], 0o666) == 0)
        try daemon.start()
        let files = try daemon.recordings()
        #expect(files.count == 2 && !files.contains { $0.hasSuffix(".part") }, "\(files)")
        for name in files { #expect(StartupProbe.mode(daemon.spool + "/" + name) == 0o640, "\(name)") }
        let rows = StartupProbe.rows(try daemon.connect())
        #expect(rows.count == 2 && rows.allSatisfy { $0["cause"] as? String == "recovered" && $0["status"] as? String == "completed" },
                "\(rows)")
        daemon.stop()
    }
}

/// Start-up failures: one line in words, a non-zero exit, nothing left behind.
@Suite struct StartupErrorTests {
    @Test func aSpoolThatIsAFile() throws {
        let daemon = try DaemonHarness.virtual()
        try "not a folder\n".write(toFile: daemon.spool, atomically: false, encoding: .utf8)
        guard let r = StartupProbe.exited(try daemon.launch(), "tapedeckd") else { return }
        #expect(r.status == 1)
        #expect(r.stderr == "tapedeckd: cannot start: spool \(daemon.spool) is a regular file, not a folder\n")
        #expect(StartupProbe.text(daemon.spool) == "not a folder\n")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(!FileManager.default.fileExists(atPath: daemon.database))
    }

    @Test func aDatabaseFolderThatDoesNotExist() throws {
        let dir = try TestDirectory("tapedeckd")
        let daemon = try DaemonHarness(dir: dir, devices: "[[device]]\nname = \"virt\"\npcm = \"virtual\"\nchannels = 2\n",
                                       stations: "[[station]]\nname = \"st1\"\ndevice = \"virt\"\nagent_channel = 0\ncustomer_channel = 1\n",
                                       database: dir.file("db/recordings.sqlite"))
        guard let r = StartupProbe.exited(try daemon.launch(), "tapedeckd") else { return }
        #expect(r.status == 1)
        #expect(r.stderr == "tapedeckd: cannot start: database \(daemon.database): folder \(dir.file("db")) does not exist\n")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
    }

    /// The socket is bound before its group is looked up: a failure then removes it.
    @Test func aSocketGroupThatDoesNotExist() throws {
        let daemon = try DaemonHarness.virtual(control: "group = \"nosuchgroup\"")
        guard let r = StartupProbe.exited(try daemon.launch(), "tapedeckd") else { return }
        #expect(r.status == 1)
        #expect(StartupProbe.errorLines(r.stderr)
                == ["tapedeckd: cannot start: control socket \(daemon.socketPath): group \"nosuchgroup\" does not exist"],
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        // The failed start held its locks only while it ran: a good configuration starts.
        let fixed = try DaemonHarness(dir: daemon.dir, devices: "[[device]]\nname = \"virt\"\npcm = \"virtual\"\nchannels = 8\n",
                                      stations: "[[station]]\nname = \"st1\"\ndevice = \"virt\"\nagent_channel = 0\ncustomer_channel = 1\n")
        try fixed.start()
        #expect(fixed.stop()?.status == 0)
    }

    /// A FIFO as the configuration is refused at once, not waited on.
    @Test func aConfigurationThatIsAFIFO() throws {
        let dir = try TestDirectory()
        let fifo = dir.file("tapedeck.toml")
        try #require(mkfifo(fifo, 0o644) == 0)
        let p = try Subprocess.launch(Binaries.tapedeckd, ["--config", fifo], environment: dir.environment)
        guard let r = StartupProbe.exited(p, "tapedeckd on a FIFO") else { return }
        #expect(r.status == 2)
        #expect(r.stderr == "tapedeckd: \(fifo): cannot read: not a regular file (a FIFO)\n")
    }
}

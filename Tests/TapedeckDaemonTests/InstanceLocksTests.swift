import Foundation
import Testing
@testable import TapedeckDaemon

@Suite struct InstanceLocksTests {
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/tapedeck-locks-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// A daemon claims a spool again on reload (same folder, another spelling): no conflict
    /// with itself. Another claimant is told the holder's pid, and the folder keeps its mode.
    @Test func aSpoolIsHeldOnceAndRefusedToAnother() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = dir + "/spool"
        let mine = InstanceLocks()
        try SpoolFolder.claim(spool, mode: 0o750, lockMode: 0o640, locks: mine)
        try SpoolFolder.claim(dir + "/./spool", mode: 0o700, lockMode: 0o640, locks: mine)
        #expect(FileManager.default.fileExists(atPath: spool + "/.tapedeck.lock"))
        let other = InstanceLocks()
        #expect(throws: StartupError.inUse(.spool, path: spool, lockFile: spool + "/.tapedeck.lock", pid: getpid())) {
            try SpoolFolder.claim(spool, mode: 0o755, lockMode: 0o640, locks: other)
        }
        var st = stat()
        #expect(stat(spool, &st) == 0 && st.st_mode & 0o7777 == 0o700)
        mine.releaseAll()
        try SpoolFolder.claim(spool, mode: 0o755, lockMode: 0o640, locks: other)
    }

    @Test func theLines() {
        #expect(StartupError.inUse(.database, path: "/d/r.sqlite", lockFile: "/d/r.sqlite.lock", pid: 42).description
                == "database /d/r.sqlite is in use by pid 42 (lock file /d/r.sqlite.lock): one tapedeckd per database")
        #expect(StartupError.inUse(.socket, path: "/run/c.sock", lockFile: "/run/c.sock.lock", pid: nil).description
                == "control socket /run/c.sock is in use by another process (its lock file holds no pid yet) "
                + "(lock file /run/c.sock.lock): one tapedeckd per control socket")
        #expect(StartupError.notAFolder(.spool, path: "/s", what: "a FIFO").description == "spool /s is a FIFO, not a folder")
    }

    @Test func aSpoolThatIsNotAFolder() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/spool", atomically: false, encoding: .utf8)
        #expect(throws: StartupError.notAFolder(.spool, path: dir + "/spool", what: "a regular file")) {
            try SpoolFolder.claim(dir + "/spool", mode: 0o750, lockMode: 0o640, locks: InstanceLocks())
        }
    }
}

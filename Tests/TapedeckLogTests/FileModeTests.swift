import Foundation
import Testing
@testable import TapedeckLog

@Suite struct DatabaseFileModeTests {
    func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    /// The database and SQLite's -wal and -shm get exactly the bits asked for (0666 would
    /// lose bits to umask 022, 0600 differs from SQLite's own 0644).
    @Test(arguments: [mode_t(0o600), 0o666])
    func aNewDatabaseAndItsWALGetTheMode(_ fileMode: mode_t) throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("recordings.sqlite")
        let log = try RecordingLog.open(path: path, timeZone: berlin, fileMode: fileMode)
        _ = try log.insertStarted(sample())
        for file in [path, path + "-wal", path + "-shm"] { #expect(mode(file) == fileMode, "\(file)") }
        try log.close()
    }

    @Test func anExistingDatabaseIsSetToTheMode() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("recordings.sqlite")
        var log = try RecordingLog.open(path: path, timeZone: berlin)
        _ = try log.insertStarted(sample())
        try log.close()
        try #require(chmod(path, 0o666) == 0)
        log = try RecordingLog.open(path: path, timeZone: berlin, fileMode: 0o640)
        #expect(try log.row(id: 1)?.status == .started)
        for file in [path, path + "-wal", path + "-shm"] { #expect(mode(file) == 0o640, "\(file)") }
        try log.close()
    }
}

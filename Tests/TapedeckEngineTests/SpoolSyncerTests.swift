import TapedeckSystem
import Foundation
import Logging
import Synchronization
import Testing
@testable import TapedeckAudio
@testable import TapedeckEngine

@Suite struct SpoolSyncerTests {
    /// The syncer passes once an interval over the directories it is given, and keeps
    /// going past one it cannot sync.
    @Test func syncsTheFileSystemsOfTheOpenFilesEverySecond() {
        let tmp = FileManager.default.temporaryDirectory.path
        let asked = Atomic<Int>(0)
        let directories = [tmp, tmp, "/nonexistent-tapedeck-dir"]
        let syncer = SpoolSyncer(logger: Logger(label: "test")) {
            asked.add(1, ordering: .relaxed)
            return directories
        }
        syncer.start()
        defer { syncer.stop() }
        let deadline = Date().addingTimeInterval(10)
        while syncer.passes.load(ordering: .relaxed) < 2 && Date() < deadline { usleep(20_000) }
        #expect(syncer.passes.load(ordering: .relaxed) >= 2)
        #expect(asked.load(ordering: .relaxed) >= 2)
    }

    @Test func syncingAMissingDirectoryNamesIt() {
        #expect(throws: FileError(operation: "open", path: "/nonexistent-tapedeck-dir", errno: .noEntry)) {
            try FileSystem.syncFileSystem(containing: "/nonexistent-tapedeck-dir")
        }
    }
}

import Foundation
import Testing
@testable import TapedeckLog

@Suite struct OpenErrorTests {
    @Test func missingFolderIsNamed() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("no-such-folder/log.sqlite")
        let error = #expect(throws: RecordingLogError.self) { try RecordingLog.open(path: path) }
        #expect(error == .folderMissing(path: path, folder: folder.path("no-such-folder")))
        #expect(error?.description == "recording log \(path): folder \(folder.path("no-such-folder")) does not exist")
        // Nothing was created.
        #expect(!FileManager.default.fileExists(atPath: folder.path("no-such-folder")))
    }

    @Test func folderThatIsAFile() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let file = folder.path("plain")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let path = file + "/log.sqlite"
        let error = #expect(throws: RecordingLogError.self) { try RecordingLog.open(path: path) }
        #expect(error == .folderNotADirectory(path: path, folder: file))
        #expect(error?.description.contains(path) == true)
    }

    @Test func pathThatIsADirectory() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("dir.sqlite")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(throws: RecordingLogError.notARegularFile(path: path)) { try RecordingLog.open(path: path) }
    }

    @Test(.enabled(if: getuid() != 0, "root may write anywhere"))
    func unwritableFolder() throws {
        let folder = try TempFolder()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path("ro"))
            folder.cleanup()
        }
        let ro = folder.path("ro")
        try FileManager.default.createDirectory(atPath: ro, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o555])
        let path = ro + "/log.sqlite"
        #expect(throws: RecordingLogError.folderNotWritable(path: path, folder: ro)) {
            try RecordingLog.open(path: path)
        }
    }

    @Test func deviceFileIsRefused() {
        #expect(throws: RecordingLogError.notARegularFile(path: "/dev/null")) {
            try RecordingLog.open(path: "/dev/null")
        }
    }

    @Test func symlinkToTheFileIsFollowed() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let real = folder.path("real.sqlite")
        try RecordingLog.open(path: real).insertStarted(sample())
        let link = folder.path("link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let log = try RecordingLog.open(path: link)
        #expect(try log.insertStarted(sample()) == 2)
        try log.close()
    }

    @Test func notADatabase() throws {
        let folder = try TempFolder()
        defer { folder.cleanup() }
        let path = folder.path("log.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: RecordingLogError.self) { try RecordingLog.open(path: path) }
        guard case .cannotOpen(let p, let reason)? = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(p == path)
        #expect(reason.contains("not a database"))
    }

    @Test func emptyPath() {
        #expect(throws: RecordingLogError.invalidValue(field: "path", reason: "is empty")) {
            try RecordingLog.open(path: "")
        }
    }
}

import Foundation
import Testing
import TapedeckTestSupport
@testable import TapedeckSystem

@Suite struct LockFileTests {
    func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    @Test func theHolderWritesItsPidAndASecondOpenSeesIt() throws {
        let dir = try TestDirectory()
        let path = dir.file("x.lock")
        guard case .acquired(let lock) = try LockFile.acquire(path, mode: 0o604) else {
            Issue.record("not acquired"); return
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\(getpid())\n")
        #expect(mode(path) == 0o604)
        // flock locks belong to the open file: another open, even in this process, is refused.
        guard case .held(let pid) = try LockFile.acquire(path, mode: 0o600) else {
            Issue.record("acquired twice"); return
        }
        #expect(pid == getpid())
        #expect(mode(path) == 0o604)   // the refused attempt changed nothing
        lock.release()
        guard case .acquired = try LockFile.acquire(path, mode: 0o600) else {
            Issue.record("not released"); return
        }
        #expect(mode(path) == 0o600)
    }

    @Test func aStalePidIsReplaced() throws {
        let dir = try TestDirectory()
        let path = dir.file("x.lock")
        try "999999\n".write(toFile: path, atomically: false, encoding: .utf8)
        guard case .acquired = try LockFile.acquire(path, mode: 0o640) else { Issue.record("not acquired"); return }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\(getpid())\n")
    }

    @Test func notARegularFileIsRefused() throws {
        let dir = try TestDirectory()
        let link = dir.file("link.lock")
        try #require(symlink(dir.file("target"), link) == 0)
        #expect(throws: LockFileError(path: link, problem: "a symbolic link, not a regular file")) {
            _ = try LockFile.acquire(link, mode: 0o640)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("target")))
        #expect(throws: LockFileError(path: dir.path, problem: "cannot open: Is a directory")) {
            _ = try LockFile.acquire(dir.path, mode: 0o640)
        }
        #expect(throws: LockFileError(path: dir.file("no/x.lock"), problem: "cannot open: No such file or directory")) {
            _ = try LockFile.acquire(dir.file("no/x.lock"), mode: 0o640)
        }
    }

    @Test func pidText() {
        #expect(LockFile.pid(in: Array("1234\n".utf8)) == 1234)
        #expect(LockFile.pid(in: Array(" 77 ".utf8)) == 77)
        #expect(LockFile.pid(in: []) == nil)
        #expect(LockFile.pid(in: Array("12a\n".utf8)) == nil)
        #expect(LockFile.pid(in: Array("-5".utf8)) == nil)
        #expect(LockFile.pid(in: Array("0".utf8)) == nil)
        #expect(LockFile.pid(in: Array("99999999999".utf8)) == nil)
    }
}

import Foundation
import Testing
import TapedeckVocabulary
import TapedeckTestSupport
@testable import TapedeckAudio
import TapedeckSystem

@Suite struct FileModeWriterTests {
    /// The bits are set with fchmod, so the umask cannot take any away (0666 shows it
    /// under umask 022, 0600 under umask 0: libsndfile's own default is 0644).
    @Test(arguments: [AudioFormat.wav, .mp3], [mode_t(0o600), 0o666])
    func writersGiveTheirFilesExactlyTheMode(_ format: AudioFormat, _ fileMode: mode_t) throws {
        let dir = try TestDirectory()
        let path = dir.file("call." + format.rawValue)
        let writer = try AudioFileWriters.make(AudioFileSpec(format: format, sampleRate: 8000, channels: 1, fileMode: fileMode), path: path)
        var st = stat()
        #expect(stat(path + ".part", &st) == 0 && st.st_mode & 0o7777 == fileMode)
        let samples = [Int16](repeating: 1000, count: 8000)
        try samples.withUnsafeBufferPointer { try writer.write($0.baseAddress!, frames: 8000) }
        _ = try writer.finish()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o7777 == fileMode)
    }

    @Test func directoriesAreCreatedWithTheirMode() throws {
        let dir = try TestDirectory()
        let path = dir.file("a/b/spool")
        try FileSystem.createDirectory(path, mode: 0o770)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o7777 == 0o770)
        try FileSystem.createDirectory(path, mode: 0o770)   // already there: fine
        try "x".write(toFile: dir.file("file"), atomically: false, encoding: .utf8)
        #expect(throws: FileError(operation: "create folder", path: dir.file("file"), errno: Errno(EEXIST))) {
            try FileSystem.createDirectory(dir.file("file"), mode: 0o750)
        }
        #expect(FileSystem.kind(of: dir.file("file")) == .regularFile)
        #expect(FileSystem.kind(of: dir.file("none")) == .missing)
    }
}

import TapedeckSystem
/// 16-bit PCM WAV through libsndfile (RF64 beyond 4 GiB).
public final class WAVFileWriter: AudioFileWriter {
    public let path: String
    public let partPath: String
    public let spec: AudioFileSpec
    public private(set) var framesWritten = 0
    private var file: SndFile?

    public init(spec: AudioFileSpec, path: String) throws(WriterError) {
        self.spec = spec
        self.path = path
        self.partPath = path + ".part"
        self.file = try SndFile.createWAV(path: partPath, sampleRate: spec.sampleRate, channels: spec.channels,
                                          mode: spec.fileMode)
        file?.updateHeader()
    }

    deinit { if file != nil { discard() } }

    public func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(WriterError) {
        guard let file else { throw WriterError(path: path, operation: "write", reason: "file already closed") }
        try file.write(samples, count: frames * spec.channels)
        framesWritten += frames
    }

    public func refreshHeader() throws(WriterError) {
        file?.updateHeader()
    }

    public func checkpoint() throws(WriterError) {
        guard let file else { return }
        file.updateHeader()
        file.sync()
    }

    public func finish() throws(WriterError) -> FinishedFile {
        guard let file else { throw WriterError(path: path, operation: "finish", reason: "file already closed") }
        self.file = nil
        file.updateHeader()
        file.sync()
        try file.close()
        let sha256: String
        do throws(FileError) {
            sha256 = try FileDigest.sha256(path: partPath)
            try FileSystem.renameDurably(partPath, to: path)
        } catch {
            throw WriterError(error)
        }
        return FinishedFile(path: path, frames: framesWritten, sampleRate: spec.sampleRate,
                            sizeBytes: FileSystem.size(of: path) ?? 0, sha256: sha256)
    }

    public func discard() {
        abandon()
        FileSystem.remove(partPath)
    }

    public func abandon() {
        if let file { try? file.close() }
        file = nil
    }
}

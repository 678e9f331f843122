import TapedeckSystem
/// 16-bit PCM WAV through libsndfile (RF64 beyond 4 GiB).
///
/// Samples go to a write-behind buffer of a second of audio, handed to libsndfile (one
/// `write`) when it fills and before every header rewrite (so the header never declares
/// a sample that is not in the file): in real time one write a second, at the checkpoint.
public final class WAVFileWriter: AudioFileWriter {
    public let path: String
    public let partPath: String
    public let spec: AudioFileSpec
    public private(set) var framesWritten = 0
    private var file: SndFile?
    /// The write-behind buffer: `pendingFrames` frames not yet handed to libsndfile.
    private let buffer: UnsafeMutablePointer<Int16>
    private let bufferFrames: Int
    private var pendingFrames = 0

    public init(spec: AudioFileSpec, path: String) throws(WriterError) {
        self.spec = spec
        self.path = path
        self.partPath = path + ".part"
        self.file = try SndFile.createWAV(path: partPath, sampleRate: spec.sampleRate, channels: spec.channels,
                                          mode: spec.fileMode)
        self.bufferFrames = spec.sampleRate
        self.buffer = .allocate(capacity: bufferFrames * spec.channels)
        file?.updateHeader()
    }

    deinit {
        if file != nil { discard() }
        buffer.deallocate()
    }

    public func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(WriterError) {
        guard let file else { throw WriterError(path: path, operation: "write", reason: "file already closed") }
        let channels = spec.channels
        var done = 0
        while done < frames {
            if pendingFrames == bufferFrames { try flush(file) }
            let n = min(frames - done, bufferFrames - pendingFrames)
            (buffer + pendingFrames * channels).update(from: samples + done * channels, count: n * channels)
            pendingFrames += n
            done += n
        }
        framesWritten += frames
    }

    /// Hands the pending frames to libsndfile (one `write`).
    private func flush(_ file: SndFile) throws(WriterError) {
        guard pendingFrames > 0 else { return }
        let n = pendingFrames
        pendingFrames = 0
        try file.write(buffer, count: n * spec.channels)
    }

    public func flush() throws(WriterError) {
        guard let file else { return }
        try flush(file)
    }

    public func refreshHeader() throws(WriterError) {
        guard let file else { return }
        try flush(file)
        file.updateHeader()
    }

    public func checkpoint() throws(WriterError) {
        guard let file else { return }
        try flush(file)
        file.updateHeader()
        file.sync()
    }

    public func finish() throws(WriterError) -> FinishedFile {
        guard let file else { throw WriterError(path: path, operation: "finish", reason: "file already closed") }
        self.file = nil
        do throws(WriterError) {
            try flush(file)
        } catch {
            try? file.close()
            throw error
        }
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
        if let file { try? flush(file); try? file.close() }
        file = nil
    }
}

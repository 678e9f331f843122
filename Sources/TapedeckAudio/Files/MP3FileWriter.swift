import TapedeckSystem
import TapedeckVocabulary
/// CBR MP3 through libmp3lame, with the Info/LAME tag kept current at the start of the file:
/// LAME's own tag (`lame_get_lametag_frame`) where it fits in a frame, else our
/// `MP3InfoFrame`, reserved before the first audio frame.
///
/// With a write-behind folder, the encoded audio waits in a `WriteBehindTail` (which a
/// kill -9 does not lose) and reaches the file in one write per header refresh, about one
/// a second, instead of one per batch; the file on disk is then always whole frames up to
/// the last refresh, its tag counting exactly them.
public final class MP3FileWriter: AudioFileWriter {
    public let path: String
    public let partPath: String
    public let spec: AudioFileSpec
    public private(set) var framesWritten = 0
    private let encoder: LameEncoder
    private var fd: FileDescriptor?
    private static let chunkFrames = 4096
    private let outCapacity = LameEncoder.outputBound(frames: chunkFrames)
    private let out: UnsafeMutablePointer<UInt8>
    /// Set when LAME's tag does not fit and we write our own Info frame.
    private let ownInfo: MP3InfoFrame?
    /// Stream bytes written (including the Info frame) and their CRC after the Info frame.
    private var streamBytes = 0
    private var musicCRC: UInt16 = 0
    /// The encoded audio not yet written (nil: every batch written at once).
    private var tail: WriteBehindTail?

    /// `writeBehind`: the folder (tmpfs) for the write-behind tail, nil for none. A tail
    /// that cannot be made (the folder gone, tmpfs full) leaves the writer without one.
    public init(spec: AudioFileSpec, path: String, writeBehind: String? = nil) throws(WriterError) {
        self.spec = spec
        self.path = path
        self.partPath = path + ".part"
        self.encoder = try LameEncoder(sampleRate: spec.sampleRate, channels: spec.channels,
                                       bitrateKbps: spec.effectiveBitrate, path: path)
        do throws(FileError) {
            self.fd = try FileDescriptor.create(partPath, mode: spec.fileMode)
        } catch {
            throw WriterError(error)
        }
        self.out = .allocate(capacity: outCapacity)
        let info = MP3InfoFrame(sampleRate: spec.sampleRate, channels: spec.channels, bitrateKbps: spec.effectiveBitrate)
        self.ownInfo = info.lameTagFits || !info.countsFit ? nil : info
        if let info = ownInfo, let fd {
            let placeholder = info.bytes(frames: 0, streamBytes: 0, delay: 0, padding: 0, musicCRC: 0)
            do throws(FileError) {
                try fd.write(placeholder)
            } catch {
                discard()
                throw WriterError(error)
            }
            streamBytes = placeholder.count
        }
        if let folder = writeBehind {
            tail = try? WriteBehindTail(folder: folder, path: partPath, offset: streamBytes,
                                        capacity: Self.tailCapacity(bitrateKbps: spec.effectiveBitrate))
        }
    }

    /// Room for two seconds of the stream (a refresh comes about every second, of wall
    /// time or, catching up, of audio), at least 16 KiB.
    static func tailCapacity(bitrateKbps: Int) -> Int {
        let bytes = max(16 << 10, 2 * bitrateKbps * 1000 / 8)
        return (bytes + 4095) / 4096 * 4096
    }

    /// Whether encoded audio waits in a write-behind tail.
    public var writesBehind: Bool { tail != nil }

    deinit {
        if fd != nil { discard() }
        out.deallocate()
    }

    /// Two MP3 frames' worth (1,152 frames at 8 kHz, 144 ms; 2,304 at 48 kHz, 48 ms).
    /// LAME encodes a frame once it has a frame plus its look-ahead, and woken with a
    /// period (160 frames every 20 ms) on an otherwise idle core it costs 1.2× what it
    /// costs fed a batch (bench/RESULTS.md, "The daemon's own cost"); LAME holds back
    /// about 300 ms at 8 kHz anyway, so a kill -9 loses a little more of an MP3's end.
    public var batchFrames: Int { 2 * MPEGVersion(sampleRate: spec.sampleRate).samplesPerFrame }

    public func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(WriterError) {
        guard let fd else { throw WriterError(path: path, operation: "write", reason: "file already closed") }
        var done = 0
        while done < frames {
            let n = min(Self.chunkFrames, frames - done)
            let bytes = encoder.encode(samples + done * spec.channels, frames: n, into: out, capacity: outCapacity)
            guard bytes >= 0 else {
                throw WriterError(path: path, operation: "encode", reason: "LAME error \(bytes)")
            }
            try emit(fd, bytes)
            done += n
        }
        framesWritten += frames
    }

    private func emit(_ fd: FileDescriptor, _ bytes: Int) throws(WriterError) {
        guard bytes > 0 else { return }
        do throws(FileError) {
            if let tail { try tail.append(out, count: bytes, to: fd) } else { try fd.write(out, count: bytes) }
        } catch {
            throw WriterError(error)
        }
        if ownInfo != nil { musicCRC = CRC16.arc(UnsafeBufferPointer(start: out, count: bytes), initial: musicCRC) }
        streamBytes += bytes
    }

    /// Writes out the tail, rewrites the Info tag for the frames so far, then syncs if asked.
    private func writeTag(_ fd: FileDescriptor, sync: Bool) throws(WriterError) {
        do throws(FileError) {
            try tail?.flush(to: fd)
            if let info = ownInfo {
                let frames = encoder.framesEncoded
                let padding = frames * info.samplesPerFrame - encoder.encoderDelay - framesWritten
                let tag = info.bytes(frames: frames, streamBytes: streamBytes, delay: encoder.encoderDelay,
                                     padding: padding, musicCRC: musicCRC)
                try fd.write(tag, at: 0)
            } else {
                let n = encoder.infoTag(into: out, capacity: outCapacity)
                if n > 0 && n <= outCapacity { try fd.write(out, count: n, at: 0) }
            }
            if sync { try fd.sync() }
        } catch {
            throw WriterError(error)
        }
    }

    public func refreshHeader() throws(WriterError) {
        guard let fd else { return }
        try writeTag(fd, sync: false)
    }

    public func checkpoint() throws(WriterError) {
        guard let fd else { return }
        try writeTag(fd, sync: true)
    }

    public func finish() throws(WriterError) -> FinishedFile {
        guard let fd else { throw WriterError(path: path, operation: "finish", reason: "file already closed") }
        self.fd = nil
        do throws(WriterError) {
            try emit(fd, encoder.flush(into: out, capacity: outCapacity))
            try writeTag(fd, sync: true)
        } catch {
            // Closed as it is, left under `partPath` for repair (what the tail could not
            // write is lost with it, as with any failed write).
            tail = nil
            try? fd.close()
            throw error
        }
        tail = nil   // empty: its file goes
        let sha256: String
        do throws(FileError) {
            try fd.close()
            sha256 = try FileDigest.sha256(path: partPath)
            try FileSystem.renameDurably(partPath, to: path)
        } catch {
            throw WriterError(error)
        }
        return FinishedFile(path: path, frames: framesWritten, sampleRate: spec.sampleRate,
                            sizeBytes: FileSystem.size(of: path) ?? 0, sha256: sha256)
    }

    public func discard() {
        tail = nil
        abandon()
        FileSystem.remove(partPath)
    }

    /// What the tail holds is written if it can be (a full disk: it cannot), then the file
    /// is closed as it is.
    public func abandon() {
        if let fd {
            try? tail?.flush(to: fd)
            try? fd.close()
        }
        tail = nil
        fd = nil
    }
}

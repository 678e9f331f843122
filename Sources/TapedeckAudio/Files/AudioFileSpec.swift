import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif
import TapedeckVocabulary

/// What a writer produces: format, sample rate, channel count and (MP3) bitrate.
public struct AudioFileSpec: Sendable, Equatable {
    public var format: AudioFormat
    public var sampleRate: Int
    public var channels: Int
    /// MP3 constant bitrate in kbit/s; nil picks the default for the channel count.
    public var bitrateKbps: Int?
    /// The file's permission bits, set whatever the umask; nil: 0644 less the umask.
    public var fileMode: mode_t?

    public init(format: AudioFormat, sampleRate: Int, channels: Int, bitrateKbps: Int? = nil, fileMode: mode_t? = nil) {
        self.format = format
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitrateKbps = bitrateKbps
        self.fileMode = fileMode
    }

    /// VICIdial's defaults: 16 kbit/s mono, 32 kbit/s stereo.
    public static func defaultBitrate(channels: Int) -> Int { channels == 1 ? 16 : 32 }

    public var effectiveBitrate: Int { bitrateKbps ?? Self.defaultBitrate(channels: channels) }

    /// Why this spec cannot be written, or nil when it can.
    public var problem: String? {
        guard (1...2).contains(channels) else { return "files have 1 or 2 channels, not \(channels)" }
        guard format == .mp3 else { return nil }
        guard MPEGVersion.sampleRates.contains(sampleRate) else {
            return "MP3 cannot carry \(sampleRate) Hz (MPEG rates: \(MP3Bitrates.list(MPEGVersion.sampleRates)))"
        }
        let allowed = MP3Bitrates.at(sampleRate: sampleRate)
        guard allowed.contains(effectiveBitrate) else {
            return "MP3 at \(sampleRate) Hz takes bitrates \(MP3Bitrates.list(allowed)) kbit/s, not \(effectiveBitrate)"
        }
        return nil
    }
}

/// A writer that failed: the file, what it was doing, and why.
public struct WriterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let reason: String
    /// The system error behind it, when there is one (ENOSPC: disk full).
    public let errno: Errno?

    public init(path: String, operation: String, reason: String, errno: Errno? = nil) {
        self.path = path
        self.operation = operation
        self.reason = reason
        self.errno = errno
    }

    init(_ error: FileError) {
        self.init(path: error.path, operation: error.operation, reason: error.errno.description, errno: error.errno)
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}

/// A finished, renamed, synced file.
public struct FinishedFile: Sendable, Equatable {
    public let path: String
    public let frames: Int
    public let sampleRate: Int
    public let sizeBytes: Int
    /// SHA-256 of the final file in lower-case hex (``FileDigest``), taken by the writer
    /// once the file was complete and before it was renamed into place.
    public var sha256: String? = nil
    public var durationSeconds: Double { Double(frames) / Double(sampleRate) }
}

/// Writes samples to a file under a temporary name (`path + ".part"`) and renames it into
/// place only when complete and synced: nothing half-written ever appears under `path`.
public protocol AudioFileWriter: AnyObject {
    /// The final path.
    var path: String { get }
    /// The temporary path written until `finish()`.
    var partPath: String { get }
    var spec: AudioFileSpec { get }
    var framesWritten: Int { get }
    /// Appends interleaved frames (`spec.channels` samples each).
    func write(_ samples: UnsafePointer<Int16>, frames: Int) throws(WriterError)
    /// The fewest frames worth handing to `write` at once while a recording runs in real
    /// time (0: any number). A pipeline waits for that much audio before it writes.
    var batchFrames: Int { get }
    /// Makes what was written so far readable with its true length if the process dies
    /// (a SIGKILL: the page cache survives it): the header (WAV) or the Info tag (MP3) is
    /// rewritten, nothing synced. Cheap: a few hundred bytes through the page cache.
    func refreshHeader() throws(WriterError)
    /// `refreshHeader()`, then the file synced to disk (fsync): what was written so far
    /// also survives a power cut or a kernel panic.
    func checkpoint() throws(WriterError)
    /// Completes the file, syncs it, takes its SHA-256 and renames it to `path`.
    func finish() throws(WriterError) -> FinishedFile
    /// Closes the file and removes it (a discarded recording).
    func discard()
    /// Closes the file as it is, leaving it under `partPath` (after a write error: what
    /// was written up to the failure stays, for repair).
    func abandon()
}

extension AudioFileWriter {
    /// A writer that takes audio as it comes.
    public var batchFrames: Int { 0 }
}

public enum AudioFileWriters {
    /// A writer for `spec` at `path` (the temporary file is created now). `writeBehind`:
    /// the folder for MP3 write-behind tails (`MP3FileWriter`), nil for none; WAV writes
    /// each batch at once.
    public static func make(_ spec: AudioFileSpec, path: String, writeBehind: String? = nil) throws(WriterError) -> any AudioFileWriter {
        if let problem = spec.problem {
            throw WriterError(path: path, operation: "write", reason: problem)
        }
        switch spec.format {
        case .wav: return try WAVFileWriter(spec: spec, path: path)
        case .mp3: return try MP3FileWriter(spec: spec, path: path, writeBehind: writeBehind)
        }
    }
}

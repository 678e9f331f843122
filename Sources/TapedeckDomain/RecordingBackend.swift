import TapedeckControl

/// The audio side as the domain sees it: where a recording begins in a station's audio,
/// starting its file, and finishing it. The daemon's backend is the capture engine; tests
/// use fakes.
public protocol RecordingBackend: Sendable {
    /// Why `station` cannot record now (its device is down), or nil when it can.
    func unavailability(of station: String) -> String?
    /// The point in `station`'s audio where a command that arrived now begins
    /// (`prerollSeconds` earlier, within the ring's history).
    func mark(station: String, prerollSeconds: Double) throws(BackendError) -> AudioMark
    /// Creates the file and starts writing the station's audio from `mark`.
    func start(_ plan: RecordingPlan, from mark: AudioMark) throws(BackendError) -> any RecordingHandle
    /// Ends the recordings at the audio that has arrived by now, and waits until their
    /// files are final (complete, synced, renamed into place).
    func finish(_ handles: [any RecordingHandle]) -> [FinishedRecording]
}

/// A position in a station's audio.
public struct AudioMark: Sendable, Equatable {
    public let station: String
    public let position: UInt64
    public let sampleRate: Int
    public init(station: String, position: UInt64, sampleRate: Int) {
        self.station = station
        self.position = position
        self.sampleRate = sampleRate
    }
}

/// What to record and where.
public struct RecordingPlan: Sendable, Equatable {
    public var station: String
    public var kind: RecordingSnapshot.Kind
    public var format: RecordingSnapshot.Format
    public var bitrateKbps: Int?
    /// The final path of the file.
    public var path: String
    public init(station: String, kind: RecordingSnapshot.Kind, format: RecordingSnapshot.Format,
                bitrateKbps: Int?, path: String) {
        self.station = station
        self.kind = kind
        self.format = format
        self.bitrateKbps = bitrateKbps
        self.path = path
    }
}

/// A running recording, as the backend knows it.
public protocol RecordingHandle: AnyObject, Sendable {
    var plan: RecordingPlan { get }
    /// Seconds of audio written so far.
    var secondsWritten: Double { get }
}

/// A recording's end: the file (when one was completed) and what went wrong, if anything.
public struct FinishedRecording: Sendable, Equatable {
    public var path: String
    public var durationSeconds: Double
    public var sizeBytes: Int64
    public var framesLost: UInt64
    /// Set when the file could not be completed (the reason in words).
    public var error: String?
    public init(path: String, durationSeconds: Double, sizeBytes: Int64, framesLost: UInt64 = 0, error: String? = nil) {
        self.path = path
        self.durationSeconds = durationSeconds
        self.sizeBytes = sizeBytes
        self.framesLost = framesLost
        self.error = error
    }
}

public struct BackendError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

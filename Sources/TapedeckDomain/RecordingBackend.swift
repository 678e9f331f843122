/// The audio side as the domain sees it: where a recording begins in a station's audio,
/// starting its file, and finishing it. The daemon's backend is the capture engine;
/// Tests/TapedeckDomainTests has an in-memory one (`FakeBackend`).
public protocol RecordingBackend: Sendable {
    /// Why `station` cannot record now (its device is down), or nil when it can.
    func unavailability(of station: String) -> String?
    /// The point in `station`'s audio where a command that arrived now begins
    /// (`prerollSeconds` earlier, within the ring's history).
    func mark(station: String, prerollSeconds: Double) throws(BackendError) -> AudioMark
    /// Creates the file and starts writing the station's audio from `mark`.
    func start(_ plan: RecordingPlan, from mark: AudioMark) throws(BackendError) -> any RecordingHandle
    /// Ends the recordings at the audio that has arrived by now, and waits until their
    /// files are final (complete, synced, renamed into place). A recording that already
    /// ended by itself returns that result.
    func finish(_ handles: [any RecordingHandle]) -> [FinishedRecording]
    /// Seconds of history each station keeps (the most pre-roll a START can ask for).
    var historySeconds: Double { get }
    /// Why a recording with these settings cannot be made on `station`, or nil.
    func problem(with plan: RecordingPlan) -> String?
    /// Called (on the writer's thread) with each recording that ended by itself — timeout,
    /// silence, key — once its files are final.
    func onAutoEnd(_ handler: @escaping @Sendable (any RecordingHandle, FinishedRecording) -> Void)
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
    /// With `legs=split`: the final paths of the agent's and the customer's leg files.
    public var legPaths: (agent: String, customer: String)?
    /// MP3 kbit/s of the (mono) leg files of a stereo recording: the configured mono bitrate.
    public var legBitrateKbps: Int?
    public var rules: EndRules

    public init(station: String, kind: RecordingSnapshot.Kind, format: RecordingSnapshot.Format,
                bitrateKbps: Int?, path: String, legPaths: (agent: String, customer: String)? = nil,
                rules: EndRules = EndRules()) {
        self.station = station
        self.kind = kind
        self.format = format
        self.bitrateKbps = bitrateKbps
        self.path = path
        self.legPaths = legPaths
        self.rules = rules
    }

    public static func == (a: RecordingPlan, b: RecordingPlan) -> Bool {
        a.station == b.station && a.kind == b.kind && a.format == b.format && a.bitrateKbps == b.bitrateKbps
            && a.path == b.path && a.legPaths?.agent == b.legPaths?.agent && a.legPaths?.customer == b.legPaths?.customer
            && a.legBitrateKbps == b.legBitrateKbps && a.rules == b.rules
    }
}

/// What ends a recording by itself.
public struct EndRules: Sendable, Equatable {
    /// Seconds of unpaused audio (the request's `timeout`, or the global limit).
    public var timeoutSeconds: Double?
    /// Seconds of silence on both legs.
    public var silenceSeconds: Double?
    public var silenceThresholdDBFS: Double
    /// A DTMF key on the customer leg.
    public var key: Character?

    public init(timeoutSeconds: Double? = nil, silenceSeconds: Double? = nil, silenceThresholdDBFS: Double = -45,
                key: Character? = nil) {
        self.timeoutSeconds = timeoutSeconds
        self.silenceSeconds = silenceSeconds
        self.silenceThresholdDBFS = silenceThresholdDBFS
        self.key = key
    }
}

/// A control on a running recording, applied from the point of the audio where it arrived.
public enum RecordingControlAction: Sendable, Equatable {
    case pause(skip: Bool), resume, mask, unmask
}

/// A running recording, as the backend knows it.
public protocol RecordingHandle: AnyObject, Sendable {
    var plan: RecordingPlan { get }
    /// Seconds of audio written so far.
    var secondsWritten: Double { get }
    /// Pauses, resumes, masks or unmasks from the audio arriving now.
    func control(_ action: RecordingControlAction)
}

/// A recording's end: the file (when one was completed) and what went wrong, if anything.
public struct FinishedRecording: Sendable, Equatable {
    public var path: String
    public var durationSeconds: Double
    public var sizeBytes: Int64
    public var framesLost: UInt64
    /// Set when the file could not be completed (the reason in words).
    public var error: String?
    /// Why it ended by itself (`timeout`, `silence`, `key`), if it did.
    public var cause: String?
    public var pausedSeconds: Double
    public var maskedSeconds: Double
    /// With `legs=split`: the agent's and the customer's files, in that order.
    public var legs: [FinishedRecording]
    /// SHA-256 (lower-case hex) of the final file at `path`; nil when there is no file.
    public var sha256: String?
    /// Set when the daemon had to repair the file in place (after a write error).
    public var repair: FileRepairNote?

    public init(path: String, durationSeconds: Double, sizeBytes: Int64, framesLost: UInt64 = 0, error: String? = nil,
                cause: String? = nil, pausedSeconds: Double = 0, maskedSeconds: Double = 0, legs: [FinishedRecording] = [],
                sha256: String? = nil, repair: FileRepairNote? = nil) {
        self.sha256 = sha256
        self.repair = repair
        self.path = path
        self.durationSeconds = durationSeconds
        self.sizeBytes = sizeBytes
        self.framesLost = framesLost
        self.error = error
        self.cause = cause
        self.pausedSeconds = pausedSeconds
        self.maskedSeconds = maskedSeconds
        self.legs = legs
    }
}

public struct BackendError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

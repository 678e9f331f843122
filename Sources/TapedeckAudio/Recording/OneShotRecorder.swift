import Logging
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// One device, one station, one file: what `tapedeck record` does, on the same
/// capture → ring → mix → writer path as the daemon.
public struct OneShotRecorder {
    public struct Options: Sendable {
        public var device: String
        public var format: CaptureFormat
        public var agentChannel = 0
        public var customerChannel = 1
        public var mode: MixMode
        public var file: AudioFileSpec
        public var output: String
        /// Seconds of audio to record (nil: until stopped).
        public var duration: Double?
        public var ringSeconds: Double = 30

        public init(device: String, format: CaptureFormat, mode: MixMode, file: AudioFileSpec, output: String) {
            self.device = device
            self.format = format
            self.mode = mode
            self.file = file
            self.output = output
        }

        /// Why these options cannot work, or nil.
        public var problem: String? {
            if !CaptureFormat.supportedRates.contains(format.sampleRate) {
                return "rate \(format.sampleRate) Hz is not supported (8000–48000)"
            }
            if !CaptureFormat.supportedChannels.contains(format.channels) {
                return "\(format.channels) channels is not supported (1–64)"
            }
            for (leg, ch) in [("agent", agentChannel), ("customer", customerChannel)] where !(0..<format.channels).contains(ch) {
                return "\(leg) channel \(ch) is out of range: the device has \(format.channels) channel(s), 0–\(format.channels - 1)"
            }
            if let d = duration, !(d > 0) { return "duration must be positive, not \(d)" }
            return file.problem
        }
    }

    public struct Outcome: Sendable {
        public let file: FinishedFile
        public let stats: CaptureStats
        public let framesLostByWriter: UInt64
        public let realtime: Bool
        /// The device error that ended the recording early, if any.
        public let deviceError: ALSAError?
        /// How long the device had delivered no audio when that ended the recording early
        /// (`CaptureStats.stall`), if it did.
        public let stalledSeconds: Double?
    }

    public let options: Options
    private let logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Records until the duration is reached, `shouldStop` returns true, or the device
    /// fails or stalls (delivers nothing for `CaptureStats.stallSeconds`: a silent device
    /// would otherwise keep a recording with a duration waiting for ever); the file is
    /// finalised in every case. `progress` gets elapsed seconds and peaks.
    public func run(shouldStop: () -> Bool,
                    progress: (Double, LegPeaks) -> Void = { _, _ in }) throws -> Outcome {
        if let problem = options.problem {
            throw WriterError(path: options.output, operation: "record", reason: problem)
        }
        let writer = try AudioFileWriters.make(options.file, path: options.output)
        if options.device == VirtualCaptureSource.deviceName {
            return try record(from: VirtualCaptureSource(format: options.format), writer: writer,
                              shouldStop: shouldStop, progress: progress)
        }
        let pcm: ALSACapturePCM
        do {
            pcm = try ALSACapturePCM(name: options.device, format: options.format)
        } catch {
            writer.discard()
            throw error
        }
        return try record(from: pcm, writer: writer, shouldStop: shouldStop, progress: progress)
    }

    private func record<Source: CaptureSource>(from pcm: Source, writer: any AudioFileWriter, shouldStop: () -> Bool,
                                               progress: (Double, LegPeaks) -> Void) throws -> Outcome {
        let ring = HistoryRing(seconds: options.ringSeconds, sampleRate: options.format.sampleRate)
        let frameLimit = options.duration.map { Int(($0 * Double(options.format.sampleRate)).rounded()) }
        let pipeline = RecordingPipeline(ring: ring, cursor: ring.cursor(), mode: options.mode, writer: writer,
                                         frameLimit: frameLimit)
        pipeline.measuresPeaks = true    // the terminal meter
        let capture = DeviceCapture(source: pcm, taps: [
            StationTap(ring: ring, agentChannel: options.agentChannel, customerChannel: options.customerChannel),
        ], stopAfterFrames: frameLimit)
        let realtime: Bool
        do {
            realtime = try capture.start()
        } catch {
            writer.discard()
            throw WriterError(path: options.output, operation: "start capture thread for", reason: error.description)
        }
        if !realtime {
            logger.notice("SCHED_FIFO refused; capturing at normal priority", metadata: ["device": "\(options.device)"])
        }
        let rate = Double(options.format.sampleRate)
        let pollNanos = max(2_000_000, pcm.periodFrames * 500_000_000 / options.format.sampleRate)
        var stalled: Double?
        do {
            while !pipeline.isComplete && !shouldStop() && capture.stats.state != .failed {
                if let quiet = capture.stats.stall(now: monotonicSeconds()) {
                    stalled = quiet
                    break
                }
                let captureEnded = capture.stats.state == .stopped
                try pipeline.pump(drain: captureEnded)
                if captureEnded { break }   // everything it captured is written now
                progress(Double(pipeline.framesWritten) / rate, pipeline.takePeaks())
                var ts = timespec(tv_sec: 0, tv_nsec: pollNanos)
                nanosleep(&ts, nil)
            }
            capture.stop()
            let stats = capture.stats
            let file = try pipeline.finish()
            let deviceError = stats.state == .failed
                ? ALSAError(device: options.device, operation: "capture", code: stats.errorCode) : nil
            if let deviceError { logger.error("\(deviceError)") }
            return Outcome(file: file, stats: stats, framesLostByWriter: pipeline.framesLost,
                           realtime: realtime, deviceError: deviceError, stalledSeconds: stalled)
        } catch {
            capture.stop()
            throw error
        }
    }
}

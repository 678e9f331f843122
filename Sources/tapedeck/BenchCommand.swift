import Logging
import TapedeckAudio

/// `tapedeck record --offline`: the benchmarks' whole-path recording (bench/).
///
/// The same components as `OneShotRecorder` — ALSA capture thread → `HistoryRing` →
/// `RecordingPipeline` (mix) → WAV/MP3 writer — but with the capture thread paced by the
/// recording's cursor (`DeviceCapture.pacer`), so an unpaced device (ALSA's `file`
/// plugin with an `infile`) is recorded as fast as the path can go without a frame lost
/// to a lapped reader. The writer loop pumps without sleeping while audio is waiting and
/// otherwise blocks on the pacer until a batch is captured; the capture thread blocks on it
/// while the ring is full. For benchmarks only: on a real device the clock paces capture
/// and this is not needed.
enum OfflineRecording {
    struct Outcome {
        let file: FinishedFile
        let stats: CaptureStats
        let framesLostByWriter: UInt64
        let deviceError: ALSAError?
    }

    static func run(_ options: OneShotRecorder.Options) throws -> Outcome {
        if let problem = options.problem {
            throw WriterError(path: options.output, operation: "record", reason: problem)
        }
        guard let duration = options.duration else {
            throw WriterError(path: options.output, operation: "record", reason: "--offline needs --duration")
        }
        let writer = try AudioFileWriters.make(options.file, path: options.output)
        let pcm: ALSACapturePCM
        do {
            pcm = try ALSACapturePCM(name: options.device, format: options.format)
        } catch {
            writer.discard()
            throw error
        }
        let rate = options.format.sampleRate
        let ring = HistoryRing(seconds: options.ringSeconds, sampleRate: rate)
        let frameLimit = Int((duration * Double(rate)).rounded())
        let pipeline = RecordingPipeline(ring: ring, cursor: ring.cursor(), mode: options.mode, writer: writer,
                                         frameLimit: frameLimit)
        let pacer = CapturePacer()
        pacer.readerReached(pipeline.cursor.position)
        let capture = DeviceCapture(source: pcm, taps: [
            StationTap(ring: ring, agentChannel: options.agentChannel, customerChannel: options.customerChannel),
        ], stopAfterFrames: frameLimit, pacer: pacer)
        // A starved writer waits for this many frames (or the rest of the recording) at once:
        // a wake-up per eighth of a ring, not per period.
        let batch = ring.capacity / 8
        do {
            try capture.start(name: "tapedeck-cap")
        } catch {
            writer.discard()
            throw WriterError(path: options.output, operation: "start capture thread for", reason: error.description)
        }
        do {
            while !pipeline.isComplete && !Signals.stopRequested && capture.stats.state != .failed {
                let captureEnded = capture.stats.state == .stopped
                let before = pipeline.cursor.position
                try pipeline.pump()
                pacer.readerReached(pipeline.cursor.position)
                if captureEnded { break }
                if pipeline.cursor.position == before {
                    pacer.waitForAudio(from: pipeline.cursor.position, frames: min(batch, frameLimit - pipeline.timelineFrames),
                                       timeoutMilliseconds: 50)
                }
            }
            capture.stop()
            let stats = capture.stats
            let file = try pipeline.finish()
            let deviceError = stats.state == .failed
                ? ALSAError(device: options.device, operation: "capture", code: stats.errorCode) : nil
            return Outcome(file: file, stats: stats, framesLostByWriter: pipeline.framesLost, deviceError: deviceError)
        } catch {
            capture.stop()
            throw error
        }
    }
}

import ArgumentParser
import Logging
import TapedeckAudio
import TapedeckSystem
import TapedeckVocabulary
#if canImport(Glibc)
import Glibc
#endif

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record one station of an ALSA capture device to a WAV or MP3 file.",
        discussion: """
        Mixes or splits the agent's and the customer's channels and encodes in one pass. \
        Without --duration it records until Ctrl-C or SIGTERM; either finalises the file. \
        The file is written as OUTPUT.part and renamed to OUTPUT when complete.
        """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable { case mono, stereo, agent, customer }

    @Option(help: "ALSA PCM name: hw:1,0, plughw:1,0 or a PCM of the ALSA configuration.")
    var device: String
    @Option(help: "Sample rate in Hz (8000–48000).")
    var rate = 8000
    @Option(help: "Channels to capture from the device (1–64).")
    var channels = 2
    @Option(help: "The device channel carrying the agent's leg.")
    var agentChannel = 0
    @Option(help: "The device channel carrying the customer's leg.")
    var customerChannel = 1
    @Option(help: "mono (legs summed), stereo (agent left, customer right), agent or customer.")
    var mode: Mode
    @Flag(help: "mono: average the legs instead of summing them with saturation.")
    var average = false
    @Flag(help: "stereo: customer left, agent right.")
    var swap = false
    @Option(help: "wav or mp3 (default: from OUTPUT's extension).")
    var format: String?
    @Option(help: "MP3 bitrate in kbit/s (default 16 mono, 32 stereo).")
    var bitrate: Int?
    @Option(help: "Seconds of audio to record (default: until stopped).")
    var duration: Double?
    @Option(help: "Capture period in milliseconds.")
    var period = 20
    @Flag(help: "Log notices (such as a refused real-time priority).")
    var verbose = false
    @Flag(help: .hidden)   // benchmarks: an unpaced file-backed device, capture paced by the writer (needs --duration)
    var offline = false
    @Argument(help: "The file to write.")
    var output: String

    func run() throws {
        try reportingFailures("record") {
            var logger = Logger(label: "tapedeck.record")
            logger.logLevel = verbose ? .info : .warning
            let fileFormat: AudioFormat
            if let format {
                guard let f = AudioFormat(rawValue: format.lowercased()) else {
                    throw CommandFailure(message: "unknown format '\(format)': use wav or mp3")
                }
                fileFormat = f
            } else if let f = AudioFormat(pathExtension: output) {
                fileFormat = f
            } else {
                throw CommandFailure(message: "cannot tell the format of '\(output)': name it .wav or .mp3, or give --format")
            }
            let mix: MixMode = switch mode {
            case .mono: .mono(average: average)
            case .stereo: .stereo(swapped: swap)
            case .agent: .agent
            case .customer: .customer
            }
            var options = OneShotRecorder.Options(
                device: device,
                format: CaptureFormat(sampleRate: rate, channels: channels, periodMilliseconds: period),
                mode: mix,
                file: AudioFileSpec(format: fileFormat, sampleRate: rate, channels: mix.outputChannels, bitrateKbps: bitrate),
                output: output)
            options.agentChannel = agentChannel
            options.customerChannel = customerChannel
            options.duration = duration
            if let problem = options.problem { throw CommandFailure(message: problem) }

            Signals.trapStop()
            if offline {
                let outcome: OfflineRecording.Outcome
                do {
                    outcome = try OfflineRecording.run(options)
                } catch let error as ALSAError {
                    throw CommandFailure(message: error.description)
                } catch let error as WriterError {
                    throw CommandFailure(message: error.description)
                }
                let f = outcome.file
                let lost = outcome.stats.framesGapFilled + outcome.framesLostByWriter
                print("recorded \(f.path): \(String(seconds: f.durationSeconds)) s, \(mode.rawValue), \(rate) Hz, \(f.sizeBytes) bytes; offline, \(lost) frame(s) lost")
                if let error = outcome.deviceError { throw CommandFailure(message: error.description) }
                return
            }
            var meter = TerminalMeter()
            let outcome: OneShotRecorder.Outcome
            do {
                outcome = try OneShotRecorder(options: options, logger: logger).run(
                    shouldStop: { Signals.stopRequested },
                    progress: { elapsed, peaks in meter.draw(elapsed: elapsed, peaks: peaks, now: monotonicSeconds()) })
            } catch let error as ALSAError {
                meter.clear()
                throw CommandFailure(message: error.description)
            } catch let error as WriterError {
                meter.clear()
                throw CommandFailure(message: error.description)
            }
            meter.clear()
            let f = outcome.file
            var line = "recorded \(f.path): \(String(seconds: f.durationSeconds)) s, \(mode.rawValue), \(rate) Hz, \(f.sizeBytes) bytes"
            let lost = outcome.stats.framesGapFilled + outcome.framesLostByWriter
            if lost > 0 || outcome.stats.overruns > 0 {
                line += "; \(outcome.stats.overruns) overrun(s), \(lost) frame(s) lost and filled with silence"
            }
            print(line)
            let endedEarly = "(recording ended early; the file is complete up to here)"
            if let error = outcome.deviceError { throw CommandFailure(message: "\(error) \(endedEarly)") }
            if let quiet = outcome.stalledSeconds {
                throw CommandFailure(message: "device '\(device)' delivered no audio for \(CaptureStats.seconds(quiet)) \(endedEarly)")
            }
        }
    }
}

extension String {
    /// Seconds with three decimals.
    init(seconds: Double) {
        let ms = Int((seconds * 1000).rounded())
        let frac = String(ms % 1000)
        self = String(ms / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}

import Foundation
import Synchronization
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif
import Logging
import TapedeckAudio
import TapedeckLifecycle

/// The recording engine: every device opened at start and captured into the stations'
/// rings all the time (a START never waits for a device), the writer threads that move
/// the rings' audio into files, the device monitor (a lost device is reported and
/// reopened) and reloads of the topology (`apply`) while recordings run.
///
/// It knows devices, stations, rings and files, not agents or commands: the daemon
/// adapts it to the domain's backend (TapedeckDaemon/EngineBackend.swift).
public final class AudioEngine: @unchecked Sendable {
    struct StationRuntime {
        let spec: EngineLayout.Station
        let ring: HistoryRing
        var name: String { spec.name }
        var device: String { spec.device }
        var tap: StationTap { StationTap(ring: ring, agentChannel: spec.agentChannel, customerChannel: spec.customerChannel) }
    }

    /// What runs, and what the configuration asks for (they differ while a reload waits
    /// for recordings to end).
    struct Topology {
        var wanted: EngineLayout
        /// Open (or down) devices by name.
        var devices: [String: DeviceSlot] = [:]
        /// The configured stations by name, each with the ring new recordings read.
        var stations: [String: StationRuntime] = [:]
        /// Rings a START has looked up and not yet handed to a writer.
        var starting: [ObjectIdentifier: Int] = [:]
        /// Some of `wanted` waits for running recordings to end.
        var pending = false
    }

    let topology: Mutex<Topology>
    /// Serialises the passes that open, close and re-tap devices (reload, monitor).
    let reconfiguring = NSLock()
    let writer: WriterPool
    let logger: Logger
    /// The device monitor's thread (`startMonitor`).
    let monitor = StoppableThread(name: "tapedeck-devices")
    /// Told of devices going down or up (set once by `startMonitor`, before any reload).
    var onChange: (@Sendable (DeviceChange) -> Void)?

    /// Seconds of history of the rings made from now on.
    public var historySeconds: Double { topology.withLock { $0.wanted.historySeconds } }

    /// The layout the configuration asks for now.
    public var layout: EngineLayout { topology.withLock { $0.wanted } }

    /// Opens every device and starts capturing; a device that cannot be opened fails the
    /// whole start (nothing runs half-configured).
    public init(layout: EngineLayout, logger: Logger) throws {
        self.logger = logger
        var top = Topology(wanted: layout)
        top.stations = Self.runtimes(for: layout, keeping: [:], previous: nil)
        do {
            for device in layout.devices {
                let taps = Self.taps(on: device.name, top.stations)
                top.devices[device.name] = DeviceSlot(config: device, capture: try Self.openCapture(device, taps: taps, logger: logger))
            }
        } catch {
            for d in top.devices.values { d.capture.stop() }
            throw error
        }
        self.topology = Mutex(top)
        self.writer = WriterPool(logger: logger)
        writer.start()
    }

    /// The taps of the configured stations on `device`.
    static func taps(on device: String, _ stations: [String: StationRuntime]) -> [StationTap] {
        stations.values.filter { $0.device == device }.sorted { $0.name < $1.name }.map(\.tap)
    }

    /// Opens a device and starts its capture thread.
    static func openCapture(_ device: EngineLayout.Device, taps: [StationTap], logger: Logger) throws -> any CaptureControl {
        let capture: any CaptureControl
        let realtime: Bool
        if device.pcm == VirtualCaptureSource.deviceName {
            let source = if let path = device.speech {
                VirtualCaptureSource(format: device.format, speech: try VirtualSpeech(path: path, sampleRate: device.format.sampleRate))
            } else {
                VirtualCaptureSource(format: device.format)
            }
            let c = DeviceCapture(source: source, taps: taps)
            realtime = try c.start(name: "cap-\(device.name)")
            capture = c
        } else {
            let c = DeviceCapture(source: try ALSACapturePCM(name: device.pcm, format: device.format), taps: taps)
            realtime = try c.start(name: "cap-\(device.name)")
            capture = c
        }
        if !realtime {
            logger.notice("SCHED_FIFO refused; capturing at normal priority", metadata: ["device": "\(device.name)"])
        }
        logger.info("capturing", metadata: ["device": "\(device.name)", "pcm": "\(device.pcm)",
                                            "rate": "\(device.format.sampleRate)", "channels": "\(device.format.channels)",
                                            "stations": "\(taps.count)", "scheduling": "\(realtime ? "SCHED_FIFO" : "normal")"])
        return capture
    }

    /// Stops the writers and the capture threads (finish the recordings first).
    public func shutdown() {
        stopMonitor()
        writer.stop()
        for d in topology.withLock({ Array($0.devices.values) }) { d.capture.stop() }
    }

    func slot(_ device: String) -> DeviceSlot? { topology.withLock { $0.devices[device] } }

    public func captureStats(device: String) -> CaptureStats? { slot(device)?.stats }

    /// Why a device is not capturing (nil while it runs), for health and metrics.
    public func captureProblem(device: String) -> String? {
        guard let d = slot(device) else { return "not open" }
        if let down = d.downReason { return down }
        let stats = d.capture.stats
        switch stats.state {
        case .running: return nil
        case .failed: return ALSAError(device: d.config.pcm, operation: "capture", code: stats.errorCode).description
        case .idle, .stopped: return "capture stopped"
        }
    }

    /// How far a station's slowest running recording lags its ring (for the metrics).
    public struct RingLag: Sendable, Equatable {
        /// Frames between the ring's write position and the slowest recording's cursor (0
        /// when nothing records there).
        public var frames: UInt64
        public var capacity: Int
        public var sampleRate: Int
    }

    /// Every station's ring lag, by station name. Reads atomics only.
    public func ringLags() -> [String: RingLag] {
        var slowest: [String: UInt64] = [:]
        for c in writer.cursors() { slowest[c.station] = min(slowest[c.station] ?? .max, c.position) }
        var out: [String: RingLag] = [:]
        for (name, s) in topology.withLock({ $0.stations }) {
            // Cursors were read first: the write position only grows, so it is never behind them.
            let written = s.ring.writePosition
            let lag = slowest[name].map { written > $0 ? written - $0 : 0 } ?? 0
            out[name] = RingLag(frames: lag, capacity: s.ring.capacity, sampleRate: s.ring.sampleRate)
        }
        return out
    }

    /// Counters that advance while the engine is alive, for the watchdog: the capture loop's
    /// turns per running device (not its frames: a device that stays open and delivers
    /// nothing is stalled, reported by health and metrics, and restarting the daemon would
    /// only end every other device's recordings too) and the writers' loop ticks. A device
    /// known to have failed is left out: it is down and reported as such.
    public var progressCounters: [String: UInt64] {
        var c: [String: UInt64] = writer.ticks
        for (name, d) in topology.withLock({ $0.devices }) where d.downReason == nil {
            let stats = d.stats
            if stats.state == .running { c["capture " + name] = stats.turns }
        }
        return c
    }

    // MARK: Recordings

    /// Why `station` cannot record now (its device is down), or nil when it can.
    public func unavailability(of station: String) -> String? {
        let (s, d, wanted) = topology.withLock { t in
            (t.stations[station], t.stations[station].flatMap { t.devices[$0.device] }, t.stations[station].flatMap { t.wanted.device($0.device) })
        }
        guard let s else { return "not in the configuration (a reload removed it)" }
        guard let d, d.config == wanted else {
            return "device \(s.device) is being reconfigured: it reopens once the recordings on it end"
        }
        if let down = d.downReason { return down }
        let stats = d.capture.stats
        if stats.state == .failed {
            return ALSAError(device: d.config.pcm, operation: "capture", code: stats.errorCode).description
        }
        guard d.capture.taps.contains(where: { $0.ring === s.ring }) else {
            return "station \(station) is not captured yet (reload in progress)"
        }
        return nil
    }

    func station(_ name: String) -> StationRuntime? { topology.withLock { $0.stations[name] } }

    /// The point in `station`'s audio `prerollSeconds` before now (within its ring's history).
    public func mark(station: String, prerollSeconds: Double) throws(EngineError) -> RingMark {
        guard let s = self.station(station) else { throw EngineError("not in the configuration (a reload removed it)") }
        let frames = Int((prerollSeconds * Double(s.ring.sampleRate)).rounded())
        return RingMark(station: station, position: s.ring.cursor(prerollFrames: frames).position,
                         sampleRate: s.ring.sampleRate)
    }

    static func mode(_ mix: RecordingRequest.Mix) -> MixMode {
        switch mix {
        case .mono: .mono()
        case .stereo: .stereo()
        case .agentLeg: .agent
        case .customerLeg: .customer
        }
    }

    func spec(_ plan: RecordingRequest, _ mode: MixMode, rate: Int) -> AudioFileSpec {
        AudioFileSpec(format: plan.format, sampleRate: rate, channels: mode.outputChannels,
                      bitrateKbps: mode.outputChannels == 1 || plan.mix == .stereo ? plan.bitrateKbps : nil,
                      fileMode: topology.withLock { $0.wanted.fileMode })
    }

    /// Why a recording with these settings cannot be made on its station, or nil.
    public func problem(with plan: RecordingRequest) -> String? {
        guard let s = station(plan.station) else { return "station \(plan.station) is not in the configuration (a reload removed it)" }
        return spec(plan, Self.mode(plan.mix), rate: s.ring.sampleRate).problem
    }

    /// Creates the files and starts writing the station's audio from `mark`. The spool
    /// must have room (`minimumFreeBytes`).
    public func start(_ plan: RecordingRequest, from mark: RingMark) throws(EngineError) -> LiveRecordingHandle {
        // The ring is held as `starting` until a writer has the recording, so a reload
        // running meanwhile keeps feeding it (see `reconcile`).
        let found: StationRuntime? = topology.withLock { t in
            guard let s = t.stations[plan.station] else { return nil }
            t.starting[ObjectIdentifier(s.ring), default: 0] += 1
            return s
        }
        guard let s = found else { throw EngineError("station \(plan.station) is not in the configuration (a reload removed it)") }
        defer {
            topology.withLock { t in
                let id = ObjectIdentifier(s.ring)
                t.starting[id]! -= 1
                if t.starting[id] == 0 { t.starting[id] = nil }
            }
        }
        // A mark beyond the ring's newest frame was taken on the ring a reload replaced.
        guard mark.position <= s.ring.writePosition else {
            throw EngineError("station \(plan.station) was reconfigured while the recording started; start it again")
        }
        if let full = Self.spoolFull(directoryOf: plan.path) { throw EngineError(full) }
        let rate = s.ring.sampleRate
        var files: [(MixMode, String)] = [(Self.mode(plan.mix), plan.path)]
        if let legs = plan.legPaths { files += [(.agent, legs.agent), (.customer, legs.customer)] }
        var outputs: [PipelineOutput] = []
        let writeBehind = topology.withLock { $0.wanted.writeBehind }
        for (mode, path) in files {
            // Leg files are mono: at the mono bitrate when the main file is stereo.
            var legPlan = plan
            if mode.outputChannels == 1 && plan.mix == .stereo, plan.bitrateKbps != nil {
                legPlan.bitrateKbps = plan.legBitrateKbps ?? AudioFileSpec.defaultBitrate(channels: 1)
            }
            do throws(WriterError) {
                outputs.append(PipelineOutput(mode: mode, writer: try AudioFileWriters.make(spec(legPlan, mode, rate: rate), path: path,
                                                                                      writeBehind: writeBehind)))
            } catch {
                for o in outputs { o.writer.discard() }
                throw EngineError(error.description)
            }
        }
        let r = plan.endConditions
        let rules = RecordingRules(timeoutFrames: r.timeoutSeconds.map { Int($0 * Double(rate)) },
                                   endOnSilenceSeconds: r.silenceSeconds, silenceThresholdDBFS: r.silenceThresholdDBFS,
                                   endOnKey: r.key)
        let pipeline = RecordingPipeline(
            ring: s.ring, cursor: RingCursor(position: mark.position), outputs: outputs, rules: rules,
            keyListener: r.key.map { _ in DTMFKeyListener(sampleRate: rate) },
            silenceListener: r.silenceSeconds.map {
                BothLegsSilenceListener(sampleRate: rate, thresholdDBFS: r.silenceThresholdDBFS, seconds: $0)
            })
        pipeline.fsyncsAtCheckpoints = false   // the writer pool's SpoolSyncer syncs the files
        let handle = LiveRecordingHandle(request: plan, ring: s.ring, pipeline: pipeline)
        self.writer.add(handle)
        return handle
    }

    /// Called (on a writer's thread) with each recording that ended by itself — timeout,
    /// silence, key, a write error — once its files are final.
    public func onAutoEnd(_ handler: @escaping @Sendable (LiveRecordingHandle, RecordingResult) -> Void) {
        writer.onAutoEnd = { [weak self] h, r in handler(h, self?.judgingAudio(r, of: h, endedAt: monotonicSeconds()) ?? r) }
    }

    /// Ends the recordings at the audio that has arrived by now, and waits until their
    /// files are final (complete, synced, renamed into place). A recording that already
    /// ended by itself returns that result.
    public func finish(_ live: [LiveRecordingHandle]) -> [RecordingResult] {
        let endedAt = monotonicSeconds()
        return zip(live, writer.finish(live)).map { judgingAudio($1, of: $0, endedAt: endedAt) }
    }
}

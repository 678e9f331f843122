import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Logging
import TapedeckAudio
import TapedeckControl
import TapedeckDomain

/// A device's capture thread, whatever its source type.
protocol CaptureControl: AnyObject, Sendable {
    var stats: CaptureStats { get }
    /// The stations it feeds now.
    var taps: [StationTap] { get }
    /// Feeds these stations from the next period on, without a gap for the ones kept.
    func replaceTaps(_ taps: [StationTap]) throws(Errno)
    func stop()
}

extension DeviceCapture: CaptureControl {}

/// What the engine is asked to open: devices and the stations on them.
public struct EngineLayout: Sendable, Equatable {
    public struct Device: Sendable, Equatable {
        public var name: String
        public var pcm: String
        public var format: CaptureFormat
        public init(name: String, pcm: String, format: CaptureFormat) {
            self.name = name
            self.pcm = pcm
            self.format = format
        }
    }

    public struct Station: Sendable, Equatable {
        public var name: String
        public var device: String
        public var agentChannel: Int
        public var customerChannel: Int
        public init(name: String, device: String, agentChannel: Int, customerChannel: Int) {
            self.name = name
            self.device = device
            self.agentChannel = agentChannel
            self.customerChannel = customerChannel
        }
    }

    public var devices: [Device]
    public var stations: [Station]
    public var historySeconds: Double
    /// The permission bits of the recordings started from now on (nil: 0644 less the umask).
    public var fileMode: mode_t?
    public init(devices: [Device], stations: [Station], historySeconds: Double = 30, fileMode: mode_t? = nil) {
        self.devices = devices
        self.stations = stations
        self.historySeconds = historySeconds
        self.fileMode = fileMode
    }

    func device(_ name: String) -> Device? { devices.first { $0.name == name } }
}

/// The capture side of the daemon: every device opened at start and captured into the
/// stations' rings all the time (a START never waits for a device), and the writers.
/// A reload (`apply`) changes the devices and stations while recordings run.
public final class AudioEngine: RecordingBackend, @unchecked Sendable {
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
    let monitorStop = Atomic<Bool>(false)
    var monitorThread: Thread?
    let monitorExited = DispatchSemaphore(value: 0)
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
            let c = DeviceCapture(source: VirtualCaptureSource(format: device.format), taps: taps)
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

    /// Counters that advance while the engine is alive: frames captured per running
    /// device, and the writer's loop ticks (for the watchdog). A device known to have failed
    /// is left out: it is down and reported as such, not a stalled daemon.
    public var progressCounters: [String: UInt64] {
        var c: [String: UInt64] = writer.ticks
        for (name, d) in topology.withLock({ $0.devices }) where d.downReason == nil {
            let stats = d.stats
            if stats.state == .running { c["capture " + name] = stats.framesCaptured }
        }
        return c
    }

    // MARK: RecordingBackend

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

    public func mark(station: String, prerollSeconds: Double) throws(BackendError) -> AudioMark {
        guard let s = self.station(station) else { throw BackendError("not in the configuration (a reload removed it)") }
        let frames = Int((prerollSeconds * Double(s.ring.sampleRate)).rounded())
        return AudioMark(station: station, position: s.ring.cursor(prerollFrames: frames).position,
                         sampleRate: s.ring.sampleRate)
    }

    static func mode(_ kind: RecordingSnapshot.Kind) -> MixMode {
        switch kind {
        case .mono: .mono()
        case .stereo: .stereo()
        case .agentLeg: .agent
        case .customerLeg: .customer
        }
    }

    func spec(_ plan: RecordingPlan, _ mode: MixMode, rate: Int) -> AudioFileSpec {
        AudioFileSpec(format: plan.format == .mp3 ? .mp3 : .wav, sampleRate: rate, channels: mode.outputChannels,
                      bitrateKbps: mode.outputChannels == 1 || plan.kind == .stereo ? plan.bitrateKbps : nil,
                      fileMode: topology.withLock { $0.wanted.fileMode })
    }

    public func problem(with plan: RecordingPlan) -> String? {
        guard let s = station(plan.station) else { return "station \(plan.station) is not in the configuration (a reload removed it)" }
        return spec(plan, Self.mode(plan.kind), rate: s.ring.sampleRate).problem
    }

    public func start(_ plan: RecordingPlan, from mark: AudioMark) throws(BackendError) -> any RecordingHandle {
        // The ring is held as `starting` until a writer has the recording, so a reload
        // running meanwhile keeps feeding it (see `reconcile`).
        let found: StationRuntime? = topology.withLock { t in
            guard let s = t.stations[plan.station] else { return nil }
            t.starting[ObjectIdentifier(s.ring), default: 0] += 1
            return s
        }
        guard let s = found else { throw BackendError("station \(plan.station) is not in the configuration (a reload removed it)") }
        defer {
            topology.withLock { t in
                let id = ObjectIdentifier(s.ring)
                t.starting[id]! -= 1
                if t.starting[id] == 0 { t.starting[id] = nil }
            }
        }
        // A mark beyond the ring's newest frame was taken on the ring a reload replaced.
        guard mark.position <= s.ring.writePosition else {
            throw BackendError("station \(plan.station) was reconfigured while the recording started; start it again")
        }
        if let full = Self.spoolFull(directoryOf: plan.path) { throw BackendError(full) }
        let rate = s.ring.sampleRate
        var files: [(MixMode, String)] = [(Self.mode(plan.kind), plan.path)]
        if let legs = plan.legPaths { files += [(.agent, legs.agent), (.customer, legs.customer)] }
        var outputs: [PipelineOutput] = []
        for (mode, path) in files {
            // Leg files are mono: at the mono bitrate when the main file is stereo.
            var legPlan = plan
            if mode.outputChannels == 1 && plan.kind == .stereo, plan.bitrateKbps != nil {
                legPlan.bitrateKbps = plan.legBitrateKbps ?? AudioFileSpec.defaultBitrate(channels: 1)
            }
            do throws(WriterError) {
                outputs.append(PipelineOutput(mode: mode, writer: try AudioFileWriters.make(spec(legPlan, mode, rate: rate), path: path)))
            } catch {
                for o in outputs { o.writer.discard() }
                throw BackendError(error.description)
            }
        }
        let r = plan.rules
        let rules = RecordingRules(timeoutFrames: r.timeoutSeconds.map { Int($0 * Double(rate)) },
                                   endOnSilenceSeconds: r.silenceSeconds, silenceThresholdDBFS: r.silenceThresholdDBFS,
                                   endOnKey: r.key)
        let pipeline = RecordingPipeline(
            ring: s.ring, cursor: RingCursor(position: mark.position), outputs: outputs, rules: rules,
            keyListener: r.key.map { _ in DTMFKeyListener(sampleRate: rate) },
            silenceListener: r.silenceSeconds.map {
                BothLegsSilenceListener(sampleRate: rate, thresholdDBFS: r.silenceThresholdDBFS, seconds: $0)
            })
        let handle = LiveRecordingHandle(plan: plan, ring: s.ring, pipeline: pipeline)
        self.writer.add(handle)
        return handle
    }

    /// Refuse to start below this much free space in the spool (a few seconds of the
    /// largest recordings), so a full disk is reported at START, not seconds later.
    static let minimumFreeBytes: UInt64 = 512 * 1024

    /// Why the spool holding `path` cannot take a new recording (full), or nil.
    static func spoolFull(directoryOf path: String) -> String? {
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var st = statvfs()
        guard statvfs(dir, &st) == 0 else { return nil }
        let free = UInt64(st.f_bavail) * UInt64(st.f_frsize)
        return free < minimumFreeBytes ? "spool \(dir) is full (\(free / 1024) KiB free)" : nil
    }

    public func onAutoEnd(_ handler: @escaping @Sendable (any RecordingHandle, FinishedRecording) -> Void) {
        writer.onAutoEnd = { [weak self] h, r in handler(h, self?.judgingAudio(r, of: h, endedAt: monotonicSeconds()) ?? r) }
    }

    public func finish(_ handles: [any RecordingHandle]) -> [FinishedRecording] {
        let live = handles.map { $0 as! LiveRecordingHandle }
        let endedAt = monotonicSeconds()
        return zip(live, writer.finish(live)).map { judgingAudio($1, of: $0, endedAt: endedAt) }
    }
}

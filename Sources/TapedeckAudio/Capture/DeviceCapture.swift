import Foundation
import Synchronization
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// Where a station's two legs sit on a device, and the ring they go to.
public struct StationTap: Sendable {
    public let ring: HistoryRing
    public let agentChannel: Int
    public let customerChannel: Int
    public init(ring: HistoryRing, agentChannel: Int, customerChannel: Int) {
        self.ring = ring
        self.agentChannel = agentChannel
        self.customerChannel = customerChannel
    }
}

/// The state of a device's capture thread.
public enum CaptureState: Int, Sendable {
    case idle, running, stopped, failed
}

/// Counters of a device's capture, readable from any thread.
public struct CaptureStats: Sendable, Equatable {
    public var state: CaptureState
    public var framesCaptured: UInt64
    public var overruns: UInt64
    public var suspends: UInt64
    /// Frames estimated lost to overruns and suspends, replaced by silence.
    public var framesGapFilled: UInt64
    /// The ALSA error (negative errno) that ended capture, if any.
    public var errorCode: Int32
    /// When the device last delivered frames (`monotonicSeconds()`), or when its capture
    /// started if it has delivered none yet: how long a running device has gone without audio.
    public var lastAudioSeconds: Double = 0
    /// Turns of the capture loop so far, audio or not (a wait that times out is a turn):
    /// it advances while the thread runs, also on a stalled device, and stands still only
    /// when the thread is wedged (in ALSA) or gone. What the systemd watchdog watches.
    public var turns: UInt64 = 0

    /// A device that never opened: failed with `errorCode`, nothing counted.
    public static func neverOpened(errorCode: Int32) -> CaptureStats {
        CaptureStats(state: .failed, framesCaptured: 0, overruns: 0, suspends: 0, framesGapFilled: 0, errorCode: errorCode)
    }

    /// A running device that has delivered no frame for this long is stalled: longer than
    /// a PulseAudio stream takes to deliver its first audio (~1.5 s), and than two device
    /// buffers at the longest period (2 × 8 × 100 ms).
    public static let stallSeconds = 2.0

    /// How long the device has gone without audio at `now` (`monotonicSeconds()`), when
    /// that makes it stalled: only a running capture can stall (a failed one is down).
    public func stall(now: Double) -> Double? {
        guard state == .running else { return nil }
        let quiet = now - lastAudioSeconds
        return quiet >= Self.stallSeconds ? quiet : nil
    }

    /// `2.0 s`, `13.4 s`: a stall's (or a recording's) seconds to a tenth, as health,
    /// reasons, the journal and `tapedeck record` write them.
    public static func seconds(_ s: Double) -> String { String(format: "%.1f s", s) }
}

/// One capture thread for one device, feeding the rings of every station on it.
///
/// Per period the thread waits in ALSA (with a timeout, so `stop()` is prompt), reads
/// one period and copies each station's pair of channels into its ring. It never
/// allocates, locks, logs or awaits: results are published through atomics. (Only with
/// a `pacer`, in benchmarks, does it block outside ALSA: on the pacer.)
///
/// It never spins: a turn of the loop that reads less than it asked for — nothing yet
/// (`-EAGAIN`, a wait that returns at once), an error recovered, a file at its end, a
/// partial period — lasts at least a quarter of a period (it sleeps out the rest). A
/// device that reports ready without data (a PulseAudio stream starting) would otherwise
/// keep a SCHED_FIFO thread busy and starve the sound server it waits for.
public final class DeviceCapture<Source: CaptureSource>: @unchecked Sendable {
    public let source: Source
    /// The stations fed, replaceable while capture runs (`replaceTaps`).
    public let tapTable: TapTable
    /// Capture ends by itself (state `stopped`) once this many frames are in the rings:
    /// a one-shot recording of known length needs no more, and on an unpaced device
    /// (a file) the thread would otherwise run far ahead of the writer.
    public let stopAfterFrames: Int?
    /// Off (nil) by default, and always off on real-time devices. For an unpaced offline
    /// source (ALSA's `file` plugin) that returns data as fast as it is read: once the
    /// newest frame leads the slowest reader by the ring's capacity less two periods, the
    /// thread blocks on the pacer until the reader has taken half of that, so a whole-path
    /// benchmark loses nothing to a lapped reader; after every period it tells the pacer
    /// how far the ring is filled. Benchmark-only: see `CapturePacer`.
    public let pacer: CapturePacer?
    private let buffer: UnsafeMutablePointer<Int16>
    private let stopRequested = Atomic<Bool>(false)
    private let state = Atomic<Int>(CaptureState.idle.rawValue)
    private let errorCode = Atomic<Int32>(0)
    private let captured = Atomic<UInt64>(0)
    private let overruns = Atomic<UInt64>(0)
    private let suspends = Atomic<UInt64>(0)
    private let gapFilled = Atomic<UInt64>(0)
    /// `MonotonicClock` nanoseconds of the last frames read (of the start before any).
    private let lastAudio = Atomic<UInt64>(0)
    private let turns = Atomic<UInt64>(0)
    private var thread: pthread_t?

    public init(source: Source, taps: [StationTap], stopAfterFrames: Int? = nil,
                pacer: CapturePacer? = nil) {
        precondition(Self.outside(taps, channels: source.channels) == nil, "station channel outside the device")
        self.source = source
        self.tapTable = TapTable(taps)
        self.stopAfterFrames = stopAfterFrames
        self.pacer = pacer
        self.buffer = .allocate(capacity: source.periodFrames * source.channels)
        self.buffer.initialize(repeating: 0, count: source.periodFrames * source.channels)
    }

    deinit {
        stop()
        buffer.deallocate()
    }

    /// The stations fed now.
    public var taps: [StationTap] { tapTable.taps }

    /// The first tap whose channels the device does not have, if any.
    static func outside(_ taps: [StationTap], channels: Int) -> StationTap? {
        taps.first { !(0..<channels).contains($0.agentChannel) || !(0..<channels).contains($0.customerChannel) }
    }

    /// Feeds these stations from the next period on (the period under way may still go to
    /// the old list), without stopping capture: rings kept in the list go on without a gap.
    /// Throws `EINVAL` if a channel is outside the device, `ETIMEDOUT` if the thread did not
    /// finish a period within the wait (nothing changed).
    public func replaceTaps(_ taps: [StationTap]) throws(Errno) {
        guard Self.outside(taps, channels: source.channels) == nil else { throw Errno(EINVAL) }
        let wait = max(200, 8 * source.periodFrames * 1000 / source.sampleRate)
        let done = tapTable.replace(with: taps, timeoutMilliseconds: wait) {
            thread == nil || CaptureState(rawValue: state.load(ordering: .acquiring)) != .running
        }
        if !done { throw Errno(ETIMEDOUT) }
    }

    /// Starts the capture thread. Returns whether it runs with SCHED_FIFO.
    @discardableResult
    public func start(name: String = "tapedeck-cap") throws(Errno) -> Bool {
        precondition(thread == nil, "capture already started")
        lastAudio.store(MonotonicClock.nanoseconds(), ordering: .relaxed)
        state.store(CaptureState.running.rawValue, ordering: .releasing)
        let spawned = try RealtimeThread.spawn(name: name) { [self] in self.run() }
        thread = spawned.thread
        return spawned.realtime
    }

    /// Asks the thread to stop and waits for it (at most one wait timeout).
    public func stop() {
        guard let t = thread else { return }
        stopRequested.store(true, ordering: .releasing)
        pthread_join(t, nil)
        thread = nil
    }

    public var stats: CaptureStats {
        CaptureStats(state: CaptureState(rawValue: state.load(ordering: .acquiring)) ?? .failed,
                     framesCaptured: captured.load(ordering: .relaxed),
                     overruns: overruns.load(ordering: .relaxed),
                     suspends: suspends.load(ordering: .relaxed),
                     framesGapFilled: gapFilled.load(ordering: .relaxed),
                     errorCode: errorCode.load(ordering: .relaxed),
                     lastAudioSeconds: Double(lastAudio.load(ordering: .relaxed)) / 1e9,
                     turns: turns.load(ordering: .relaxed))
    }

    private func fail(_ code: Int32) {
        errorCode.store(code, ordering: .relaxed)
        state.store(CaptureState.failed.rawValue, ordering: .releasing)
    }

    // MARK: The real-time loop

    private func run() {
        let period = source.periodFrames
        let channels = source.channels
        let rate = Double(source.sampleRate)
        let timeout = Int32(max(50, 4 * period * 1000 / source.sampleRate))
        // The least a turn that reads less than it asked for lasts (see the type's notes).
        let quarterPeriod = UInt64(period) * 250_000_000 / UInt64(source.sampleRate)
        var rc = source.start()
        if rc < 0 { fail(rc); return }
        // Overrun accounting: frames read since the stream (re)started at `anchor`.
        var anchor = source.triggerTime() ?? monotonicSeconds()
        var sinceAnchor = 0
        var budget = stopAfterFrames ?? Int.max
        var gen = -1
        var taps: [StationTap] = []
        // The pacer's two gates, taken once (no reference counting per period).
        let readerGate = pacer?.reader, capturedGate = pacer?.captured
        while !stopRequested.load(ordering: .relaxed) && budget > 0 {
            let turnBegan = MonotonicClock.nanoseconds()
            turns.add(1, ordering: .relaxed)
            // A new list since the last period: drop the old one first (the table still
            // holds it, so this frees nothing), then take the new one.
            let current = tapTable.generation()
            if current != gen {
                taps = []
                taps = tapTable.take(current)
                gen = current
            }
            if let readerGate, let ring = taps.first?.ring {
                var cap = ring.capacity
                for tap in taps { cap = min(cap, tap.ring.capacity) }
                // Reader pacing (offline sources only): the most the newest frame may lead the
                // slowest reader before the next read, so a period's write never laps it. Past
                // that, block until the reader has taken half of it (one wait per half ring).
                let paceLimit = UInt64(max(0, cap - 2 * period))
                let w = ring.writePosition
                if w > readerGate.current &+ paceLimit {
                    let resume = w - paceLimit / 2
                    while !stopRequested.load(ordering: .relaxed)
                        && !readerGate.wait(until: resume, timeoutMilliseconds: Int(timeout)) {}
                }
                if stopRequested.load(ordering: .relaxed) { break }
            }
            let wanted = min(period, budget)
            let ready = source.wait(timeoutMilliseconds: timeout)
            let n = ready < 0 ? Int(ready) : ready == 0 ? 0 : source.read(into: buffer, frames: wanted)
            if n > 0 {
                for tap in taps {
                    tap.ring.write(from: buffer, frames: n, stride: channels,
                                   agent: tap.agentChannel, customer: tap.customerChannel)
                }
                if let capturedGate, let ring = taps.first?.ring { capturedGate.advance(to: ring.writePosition) }
                sinceAnchor += n
                budget -= n
                captured.add(UInt64(n), ordering: .relaxed)
                lastAudio.store(MonotonicClock.nanoseconds(), ordering: .relaxed)
            } else if n == 0 || n == -Int(EAGAIN) {
                // The wait timed out, or the device was ready without data (a file-backed
                // device at its end, a stream still starting): nothing to do but pace below.
            } else if n == -Int(EPIPE) || n == -Int(ESTRPIPE) {
                if n == -Int(EPIPE) {
                    overruns.add(1, ordering: .relaxed)
                } else {
                    suspends.add(1, ordering: .relaxed)
                }
                rc = source.recover(from: Int32(n))
                if rc < 0 { fail(rc); return }
                // The stream restarted at `restart`: everything between the last frame read
                // and then is gone. Replace it with as many silent frames.
                let restart = source.triggerTime() ?? monotonicSeconds()
                let lost = max(0, Int(((restart - anchor) * rate).rounded()) - sinceAnchor)
                if lost > 0 {
                    for tap in taps { tap.ring.writeSilence(frames: lost) }
                    gapFilled.add(UInt64(lost), ordering: .relaxed)
                }
                anchor = restart
                sinceAnchor = 0
            } else {
                fail(Int32(n))   // -ENODEV, -EIO, -EBADFD…: the device is gone
                return
            }
            // Never spin: a turn that read less than it asked for lasts a quarter period.
            if n < wanted { MonotonicClock.sleep(until: turnBegan + quarterPeriod) }
        }
        state.store(CaptureState.stopped.rawValue, ordering: .releasing)
    }
}

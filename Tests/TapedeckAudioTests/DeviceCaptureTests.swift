import Foundation
import Synchronization
import Testing
@testable import TapedeckAudio
import TapedeckSystem

/// A scripted capture device: periods of data, overruns with a restart time, errors.
final class ScriptedSource: CaptureSource, @unchecked Sendable {
    enum Step { case data(Int), overrun(restartAt: Double), suspend(restartAt: Double), error(Int32) }
    let channels: Int
    let sampleRate = 8000
    let periodFrames = 160
    private var steps: [Step]
    private var trigger = 100.0
    private var next: Int16 = 1
    let finished = Atomic<Bool>(false)

    init(channels: Int, steps: [Step]) { self.channels = channels; self.steps = steps }

    func start() -> Int32 { 0 }
    func wait(timeoutMilliseconds: Int32) -> Int32 { 1 }
    func triggerTime() -> Double? { trigger }
    func recover(from error: Int32) -> Int32 { 0 }

    func read(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Int {
        guard !steps.isEmpty else { finished.store(true, ordering: .releasing); return -Int(ENODEV) }
        switch steps.removeFirst() {
        case .data(let wanted):
            let n = min(wanted, frames)
            for f in 0..<n {
                for c in 0..<channels { buffer[f * channels + c] = next &* Int16(c + 1) }
                next &+= 1
            }
            return n
        case .overrun(let t): trigger = t; return -Int(EPIPE)
        case .suspend(let t): trigger = t; return -Int(ESTRPIPE)
        case .error(let e): return Int(e)
        }
    }
}

@Suite struct DeviceCaptureTests {
    func waitUntilDone(_ capture: DeviceCapture<ScriptedSource>) {
        for _ in 0..<500 where capture.stats.state == .running { usleep(2000) }
    }

    func drain(_ ring: HistoryRing) -> [Int16] {
        var cursor = RingCursor(position: 0)
        var out = [Int16](repeating: 0, count: 2 * ring.capacity)
        let r = out.withUnsafeMutableBufferPointer { ring.read(&cursor, into: $0.baseAddress!, maxFrames: ring.capacity) }
        return Array(out.prefix(2 * r.frames))
    }

    @Test func overrunIsGapFilledWithTheFramesLostByTheClock() throws {
        // 10 periods (1600 frames = 0.2 s) read, then an overrun; the stream restarts 0.5 s
        // after it first started, so 0.5 × 8000 − 1600 = 2400 frames were lost.
        let source = ScriptedSource(channels: 2, steps: Array(repeating: .data(160), count: 10)
            + [.overrun(restartAt: 100.5)] + Array(repeating: .data(160), count: 5) + [.error(-Int32(ENODEV))])
        let ring = HistoryRing(seconds: 1, sampleRate: 8000)
        let capture = DeviceCapture(source: source, taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)])
        try capture.start()
        waitUntilDone(capture)
        let stats = capture.stats
        #expect(stats.state == .failed)
        #expect(stats.errorCode == -Int32(ENODEV))
        #expect(stats.overruns == 1)
        #expect(stats.framesGapFilled == 2400)
        #expect(stats.framesCaptured == 2400)
        let samples = drain(ring)
        #expect(samples.count == 2 * (1600 + 2400 + 800))
        #expect(samples[0] == 1 && samples[1] == 2)
        #expect(samples[2 * 1599] == 1600 && samples[2 * 1599 + 1] == 3200)
        #expect(samples[(2 * 1600)..<(2 * 4000)].allSatisfy { $0 == 0 })
        #expect(samples[2 * 4000] == 1601)
    }

    @Test func suspendIsCountedAndFilled() throws {
        let source = ScriptedSource(channels: 2, steps: [.data(160), .suspend(restartAt: 100.1), .data(160)])
        let ring = HistoryRing(seconds: 1, sampleRate: 8000)
        let capture = DeviceCapture(source: source, taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)])
        try capture.start()
        waitUntilDone(capture)
        #expect(capture.stats.suspends == 1)
        #expect(capture.stats.framesGapFilled == 640)    // 0.1 s = 800 frames, 160 read
        #expect(drain(ring).count == 2 * (160 + 640 + 160))
    }

    @Test func stationsShareOneDeviceThread() throws {
        // 6 channels, two stations: (0,1) and (4,2).
        let source = ScriptedSource(channels: 6, steps: [.data(160), .data(160)])
        let a = HistoryRing(seconds: 1, sampleRate: 8000), b = HistoryRing(seconds: 1, sampleRate: 8000)
        let capture = DeviceCapture(source: source, taps: [
            StationTap(ring: a, agentChannel: 0, customerChannel: 1),
            StationTap(ring: b, agentChannel: 4, customerChannel: 2),
        ])
        try capture.start()
        waitUntilDone(capture)
        let sa = drain(a), sb = drain(b)
        #expect(sa.count == 640 && sb.count == 640)
        for f in 0..<320 {
            let v = Int16(f + 1)
            #expect(sa[2 * f] == v && sa[2 * f + 1] == v &* 2)
            #expect(sb[2 * f] == v &* 5 && sb[2 * f + 1] == v &* 3)
        }
    }

    @Test func stopsAfterTheFrameBudget() throws {
        let source = ScriptedSource(channels: 2, steps: Array(repeating: .data(160), count: 50))
        let ring = HistoryRing(seconds: 1, sampleRate: 8000)
        let capture = DeviceCapture(source: source, taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)],
                                    stopAfterFrames: 1000)
        try capture.start()
        waitUntilDone(capture)
        #expect(capture.stats.state == .stopped)
        #expect(capture.stats.framesCaptured == 1000)
    }

    @Test func stopIsPromptOnAnIdleDevice() throws {
        final class Silent: CaptureSource {
            let channels = 2, sampleRate = 8000, periodFrames = 160
            func start() -> Int32 { 0 }
            func wait(timeoutMilliseconds: Int32) -> Int32 { usleep(UInt32(timeoutMilliseconds) * 1000); return 0 }
            func read(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Int { -Int(EAGAIN) }
            func recover(from error: Int32) -> Int32 { 0 }
            func triggerTime() -> Double? { nil }
        }
        let ring = HistoryRing(seconds: 1, sampleRate: 8000)
        let capture = DeviceCapture(source: Silent(), taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)])
        try capture.start()
        capture.stop()
        #expect(capture.stats.state == .stopped)
    }
}

/// A reload re-taps a running capture: the stations kept go on without a gap, new ones
/// start being fed, removed ones stop.
@Suite struct TapReplacementTests {
    func drain(_ ring: HistoryRing) -> [Int16] { DeviceCaptureTests().drain(ring) }

    @Test func keptRingsGoOnNewRingsStartRemovedRingsStop() throws {
        // Virtual source: paced by the clock, 20 ms periods on 4 channels.
        let source = VirtualCaptureSource(format: CaptureFormat(sampleRate: 8000, channels: 4, periodMilliseconds: 20))
        let kept = HistoryRing(seconds: 5, sampleRate: 8000)
        let removed = HistoryRing(seconds: 5, sampleRate: 8000)
        let added = HistoryRing(seconds: 5, sampleRate: 8000)
        let capture = DeviceCapture(source: source, taps: [StationTap(ring: kept, agentChannel: 0, customerChannel: 1),
                                                           StationTap(ring: removed, agentChannel: 2, customerChannel: 3)])
        try capture.start()
        usleep(300_000)
        try capture.replaceTaps([StationTap(ring: kept, agentChannel: 0, customerChannel: 1),
                                 StationTap(ring: added, agentChannel: 2, customerChannel: 3)])
        // The period under way when the list was swapped may still go to the old list.
        usleep(100_000)
        let removedAt = removed.writePosition
        usleep(200_000)
        capture.stop()
        #expect(removed.writePosition == removedAt && removedAt > 0)
        #expect(added.writePosition > 0)
        // The kept ring holds every frame the device produced, in order: the same samples a
        // fresh source gives for positions 0…n (channels 0 and 1).
        let n = Int(kept.writePosition)
        #expect(n == Int(capture.stats.framesCaptured))
        let reference = VirtualCaptureSource(format: CaptureFormat(sampleRate: 8000, channels: 4, periodMilliseconds: 20))
        var all = [Int16](repeating: 0, count: 4 * n)
        var done = 0
        _ = reference.start()
        while done < n {
            done += all.withUnsafeMutableBufferPointer { reference.read(into: $0.baseAddress! + 4 * done, frames: n - done) }
        }
        func legs(_ frames: Range<Int>, _ agent: Int) -> [Int16] {
            var out: [Int16] = []
            for f in frames { out.append(all[4 * f + agent]); out.append(all[4 * f + agent + 1]) }
            return out
        }
        #expect(drain(kept) == legs(0..<n, 0))
        // The added ring starts at the frame after the swap, on channels 2 and 3.
        let addedFrames = Int(added.writePosition)
        let start = n - addedFrames
        #expect(drain(added) == legs(start..<n, 2))
    }

    @Test func aChannelOutsideTheDeviceIsRefused() throws {
        let source = VirtualCaptureSource(format: CaptureFormat(sampleRate: 8000, channels: 2, periodMilliseconds: 20))
        let ring = HistoryRing(seconds: 1, sampleRate: 8000)
        let capture = DeviceCapture(source: source, taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)])
        try capture.start()
        defer { capture.stop() }
        #expect(throws: Errno(EINVAL)) {
            try capture.replaceTaps([StationTap(ring: ring, agentChannel: 0, customerChannel: 2)])
        }
        #expect(capture.taps.count == 1 && capture.taps[0].customerChannel == 1)
    }

    @Test func aStoppedCaptureIsReTappedAtOnce() throws {
        let source = VirtualCaptureSource(format: CaptureFormat(sampleRate: 8000, channels: 2, periodMilliseconds: 20))
        let a = HistoryRing(seconds: 1, sampleRate: 8000), b = HistoryRing(seconds: 1, sampleRate: 8000)
        let capture = DeviceCapture(source: source, taps: [StationTap(ring: a, agentChannel: 0, customerChannel: 1)])
        // Never started: nothing to wait for, twice in a row.
        try capture.replaceTaps([StationTap(ring: b, agentChannel: 1, customerChannel: 0)])
        try capture.replaceTaps([StationTap(ring: a, agentChannel: 0, customerChannel: 1), StationTap(ring: b, agentChannel: 1, customerChannel: 0)])
        #expect(capture.taps.count == 2 && capture.taps[1].ring === b)
    }
}

/// A device that never delivers a full period, in one of the ways that can make a capture
/// loop go round without blocking. It counts the turns (one wait each) and notes when the
/// first and the `mark`-th began.
final class UnproductiveSource: CaptureSource, @unchecked Sendable {
    enum Behaviour: String, CaseIterable, Sendable {
        /// Ready at once, then -EAGAIN (a PulseAudio stream that is starting).
        case readyWithoutData
        /// The wait returns "timed out" at once.
        case waitReturnsAtOnce
        /// Ready, then 0 frames (a file at its end).
        case emptyRead
        /// Ready, then one frame at a time.
        case partialPeriods
        /// An overrun at every read, recovered at once.
        case overrunEveryRead
        /// The wait itself reports -EAGAIN.
        case waitFailsWithEAGAIN
    }

    let behaviour: Behaviour
    let channels = 2, sampleRate = 8000, periodFrames = 160
    let mark: Int
    let turns = Atomic<Int>(0)
    let firstTurnAt = Atomic<UInt64>(0)
    let markTurnAt = Atomic<UInt64>(0)

    init(_ behaviour: Behaviour, mark: Int) {
        self.behaviour = behaviour
        self.mark = mark
    }

    func start() -> Int32 { 0 }
    func triggerTime() -> Double? { nil }
    func recover(from error: Int32) -> Int32 { 0 }

    func wait(timeoutMilliseconds: Int32) -> Int32 {
        let n = turns.add(1, ordering: .relaxed).newValue
        if n == 1 { firstTurnAt.store(MonotonicClock.nanoseconds(), ordering: .relaxed) }
        if n == mark { markTurnAt.store(MonotonicClock.nanoseconds(), ordering: .relaxed) }
        switch behaviour {
        case .waitReturnsAtOnce: return 0
        case .waitFailsWithEAGAIN: return -EAGAIN
        default: return 1
        }
    }

    func read(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Int {
        switch behaviour {
        case .readyWithoutData, .waitReturnsAtOnce, .waitFailsWithEAGAIN: return -Int(EAGAIN)
        case .emptyRead: return 0
        case .partialPeriods:
            buffer[0] = 1; buffer[1] = 2
            return 1
        case .overrunEveryRead: return -Int(EPIPE)
        }
    }
}

/// The capture thread runs at SCHED_FIFO when it may (the tests run as root): it must never
/// go round its loop without blocking, or it starves everything else on the core.
@Suite struct CaptureNeverSpinsTests {
    @Test(arguments: UnproductiveSource.Behaviour.allCases)
    func aTurnWithoutAFullPeriodLastsAQuarterPeriod(_ behaviour: UnproductiveSource.Behaviour) throws {
        let mark = 21
        let source = UnproductiveSource(behaviour, mark: mark)
        let ring = HistoryRing(seconds: 1, sampleRate: 8000)
        let capture = DeviceCapture(source: source, taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)])
        let started = monotonicSeconds()
        try capture.start()
        // Wait (at most 10 s) for the mark-th turn.
        let deadline = Date().addingTimeInterval(10)
        while source.markTurnAt.load(ordering: .relaxed) == 0 && Date() < deadline { usleep(1000) }
        let stats = capture.stats
        capture.stop()
        #expect(stats.state == .running)
        let first = source.firstTurnAt.load(ordering: .relaxed), last = source.markTurnAt.load(ordering: .relaxed)
        #expect(last > 0, "\(behaviour): only \(source.turns.load(ordering: .relaxed)) turns in 10 s")
        // 20 turns after the first: at least 20 quarter periods of 5 ms (a little slack for
        // the clock's granularity); a spinning loop does them in microseconds.
        let took = Double(last &- first) / 1e9
        #expect(took >= 20 * 0.005 * 0.98, "\(behaviour): 20 turns in \(took) s")
        // Every turn counts, audio or not (what the watchdog watches).
        #expect(stats.turns >= UInt64(mark), "\(behaviour): \(stats.turns) turns counted")
        if behaviour == .partialPeriods {
            #expect(stats.framesCaptured >= UInt64(mark - 1))
            #expect(stats.lastAudioSeconds > started)
        } else {
            // No audio: the last-audio time is still the capture's start.
            #expect(stats.framesCaptured == 0)
            #expect(stats.lastAudioSeconds >= started - 0.001 && stats.lastAudioSeconds <= Double(first) / 1e9)
        }
    }
}

import Foundation
import Synchronization
import Testing
@testable import TapedeckAudio
#if canImport(Glibc)
import Glibc
#endif

/// An unpaced offline device (like ALSA's `file` plugin): every wait is ready at once and
/// every read returns a full period of a counting signal, until `totalFrames` are out.
private final class UnpacedSource: CaptureSource, @unchecked Sendable {
    let channels = 2
    let sampleRate = 8000
    let periodFrames = 160
    let totalFrames: Int
    private var produced = 0

    init(totalFrames: Int) { self.totalFrames = totalFrames }

    func start() -> Int32 { 0 }
    func wait(timeoutMilliseconds: Int32) -> Int32 { 1 }
    func recover(from error: Int32) -> Int32 { 0 }
    func triggerTime() -> Double? { nil }

    func read(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Int {
        let n = min(frames, totalFrames - produced)
        for f in 0..<n {
            let v = Int16(truncatingIfNeeded: produced + f)
            buffer[2 * f] = v
            buffer[2 * f + 1] = v &* 3
        }
        produced += n
        return n
    }
}

/// Waits that ran out their timeout, counted from two threads.
private final class Failures: Sendable {
    let count = Atomic<Int>(0)
}

@Suite struct PacedCaptureTests {
    /// With a pacer, a reader far slower than an unpaced device gets every frame, in order:
    /// the capture thread waits for it instead of lapping it.
    @Test func pacedCaptureNeverLapsASlowReader() throws {
        let ring = HistoryRing(seconds: 0.1, sampleRate: 8000)   // 4096 + 1024 → 8192 frames
        let total = 10 * ring.capacity
        let source = UnpacedSource(totalFrames: total)
        let pacer = CapturePacer()
        let capture = DeviceCapture(source: source, taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)],
                                    stopAfterFrames: total, pacer: pacer)
        var cursor = ring.cursor()   // before the thread starts: the reader must see every frame
        try capture.start()
        var out = [Int16](repeating: 0, count: 2 * 1000)
        var got = 0
        var lost: UInt64 = 0
        var maxLead: UInt64 = 0
        var mismatches = 0
        var spins = 0
        while got < total && spins < 200_000 {   // a bound, not a timing assertion
            // Read slowly, in small pieces, so the capture thread would lap us if it could.
            let r = out.withUnsafeMutableBufferPointer { ring.read(&cursor, into: $0.baseAddress!, maxFrames: 700) }
            lost += r.lost
            for f in 0..<r.frames {
                let expected = Int16(truncatingIfNeeded: got + f)
                if out[2 * f] != expected || out[2 * f + 1] != expected &* 3 { mismatches += 1 }
            }
            got += r.frames
            pacer.readerReached(cursor.position)
            maxLead = max(maxLead, ring.writePosition - cursor.position)
            spins += 1
            usleep(r.frames == 0 ? 100 : 500)
        }
        capture.stop()
        #expect(got == total)
        #expect(lost == 0)
        #expect(mismatches == 0)
        #expect(maxLead < UInt64(ring.capacity))
        #expect(capture.stats.framesCaptured == UInt64(total))
        #expect(capture.stats.state == .stopped)
    }

    /// A reader that blocks on the pacer when it has nothing to read (as the offline writer
    /// does) instead of polling gets every frame, and every wait ends with the audio there:
    /// a lost wake-up would show as a wait that ran out its (generous) timeout.
    @Test func aReaderWaitingOnThePacerGetsEveryFrame() throws {
        let ring = HistoryRing(seconds: 0.1, sampleRate: 8000)
        let total = 20 * ring.capacity
        let pacer = CapturePacer()
        let capture = DeviceCapture(source: UnpacedSource(totalFrames: total),
                                    taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)],
                                    stopAfterFrames: total, pacer: pacer)
        var cursor = ring.cursor()
        try capture.start()
        var out = [Int16](repeating: 0, count: 2 * 4096)
        var got = 0, lost: UInt64 = 0, mismatches = 0, waits = 0, timedOut = 0
        while got < total && timedOut < 3 {
            let r = out.withUnsafeMutableBufferPointer { ring.read(&cursor, into: $0.baseAddress!, maxFrames: 4096) }
            lost += r.lost
            for f in 0..<r.frames where out[2 * f] != Int16(truncatingIfNeeded: got + f) { mismatches += 1 }
            got += r.frames
            pacer.readerReached(cursor.position)
            if r.frames == 0 {
                waits += 1
                if !pacer.waitForAudio(from: cursor.position, frames: min(1000, total - got), timeoutMilliseconds: 10_000) {
                    timedOut += 1
                }
            }
        }
        capture.stop()
        #expect(got == total)
        #expect(lost == 0)
        #expect(mismatches == 0)
        #expect(timedOut == 0)
        #expect(capture.stats.state == .stopped)
    }

    /// Two threads handing a count back and forth through two gates, many times: every
    /// wait is woken (none runs out its timeout), whichever side gets there first.
    @Test func progressGatesNeverLoseAWakeUp() {
        let ping = ProgressGate(), pong = ProgressGate()
        let rounds: UInt64 = 20_000
        let failures = Failures()
        let other = Thread {
            for i in 1...rounds {
                if !ping.wait(until: i, timeoutMilliseconds: 10_000) { failures.count.add(1, ordering: .relaxed) }
                pong.advance(to: i)
            }
        }
        other.start()
        for i in 1...rounds {
            ping.advance(to: i)
            if !pong.wait(until: i, timeoutMilliseconds: 10_000) { failures.count.add(1, ordering: .relaxed) }
        }
        #expect(failures.count.load(ordering: .relaxed) == 0)
        #expect(pong.current == rounds)
    }

    /// Without a pacer (the default, as on every real-time device) the thread does not wait
    /// for readers: the same unpaced device laps a reader that does not read.
    @Test func withoutPacerCaptureRunsAheadOfReaders() throws {
        let ring = HistoryRing(seconds: 0.1, sampleRate: 8000)
        let total = 4 * ring.capacity
        let capture = DeviceCapture(source: UnpacedSource(totalFrames: total),
                                    taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)],
                                    stopAfterFrames: total)
        #expect(capture.pacer == nil)
        var cursor = ring.cursor()
        try capture.start()
        for _ in 0..<5000 where capture.stats.state == .running { usleep(1000) }
        var out = [Int16](repeating: 0, count: 2 * ring.capacity)
        let r = out.withUnsafeMutableBufferPointer { ring.read(&cursor, into: $0.baseAddress!, maxFrames: ring.capacity) }
        #expect(capture.stats.framesCaptured == UInt64(total))
        #expect(r.lost == UInt64(total - ring.capacity))
    }

    /// A stop request ends a capture thread that is waiting for a reader that never reads.
    @Test func stopEndsAPacedWait() throws {
        let ring = HistoryRing(seconds: 0.1, sampleRate: 8000)
        let capture = DeviceCapture(source: UnpacedSource(totalFrames: Int.max / 2),
                                    taps: [StationTap(ring: ring, agentChannel: 0, customerChannel: 1)],
                                    pacer: CapturePacer())
        try capture.start()
        for _ in 0..<5000 where capture.stats.framesCaptured < UInt64(ring.capacity - 2 * 160) { usleep(1000) }
        capture.stop()
        #expect(capture.stats.state == .stopped)
        #expect(capture.stats.framesCaptured <= UInt64(ring.capacity))
    }
}

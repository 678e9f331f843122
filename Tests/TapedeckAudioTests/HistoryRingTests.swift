import Foundation
import Synchronization
import Testing
@testable import TapedeckAudio

/// The content a test writer puts at ring position `p`: both legs together identify p.
private func agentValue(_ p: UInt64) -> Int16 { Int16(truncatingIfNeeded: p) }
private func customerValue(_ p: UInt64) -> Int16 { Int16(truncatingIfNeeded: p >> 16) ^ 0x2A5A }

/// Writes frames [from, from+count) of the test signal.
private func writeSignal(_ ring: HistoryRing, from: UInt64, count: Int) {
    var buf = [Int16](repeating: 0, count: 2 * count)
    for i in 0..<count {
        buf[2 * i] = agentValue(from + UInt64(i))
        buf[2 * i + 1] = customerValue(from + UInt64(i))
    }
    buf.withUnsafeBufferPointer { ring.write(from: $0.baseAddress!, frames: count, stride: 2, agent: 0, customer: 1) }
}

/// Reads and checks that every frame returned is the frame of its position.
private func readChecked(_ ring: HistoryRing, _ cursor: inout RingCursor, max: Int) -> RingRead {
    var out = [Int16](repeating: 0, count: 2 * max)
    let r = out.withUnsafeMutableBufferPointer { ring.read(&cursor, into: $0.baseAddress!, maxFrames: max) }
    let first = cursor.position - UInt64(r.frames)
    for i in 0..<r.frames {
        let p = first + UInt64(i)
        #expect(out[2 * i] == agentValue(p) && out[2 * i + 1] == customerValue(p), "frame at \(p) is wrong")
    }
    return r
}

@Suite struct HistoryRingTests {
    @Test func capacityIsAPowerOfTwoHoldingTheRequestedHistory() {
        let ring = HistoryRing(seconds: 30, sampleRate: 8000)
        #expect(ring.capacity == 262_144)
        #expect(ring.capacity >= 30 * 8000)
        let small = HistoryRing(seconds: 0.01, sampleRate: 8000)
        #expect(small.capacity == 8192)
    }

    @Test func readsWhatWasWrittenAndAdvances() {
        let ring = HistoryRing(seconds: 0.1, sampleRate: 8000)
        var cursor = ring.cursor()
        #expect(cursor.position == 0)
        writeSignal(ring, from: 0, count: 100)
        var r = readChecked(ring, &cursor, max: 40)
        #expect(r == RingRead(frames: 40, lost: 0))
        #expect(cursor.position == 40)
        r = readChecked(ring, &cursor, max: 1000)
        #expect(r == RingRead(frames: 60, lost: 0))
        r = readChecked(ring, &cursor, max: 1000)
        #expect(r == RingRead(frames: 0, lost: 0))
        #expect(ring.writePosition == 100)
    }

    @Test func wrapsAroundTheEnd() {
        let ring = HistoryRing(seconds: 0.01, sampleRate: 8000)   // 8192 frames
        var cursor = ring.cursor()
        writeSignal(ring, from: 0, count: ring.capacity - 5)
        #expect(readChecked(ring, &cursor, max: ring.capacity).frames == ring.capacity - 5)
        writeSignal(ring, from: UInt64(ring.capacity - 5), count: 20)   // 5 before the end, 15 after
        let r = readChecked(ring, &cursor, max: 100)
        #expect(r == RingRead(frames: 20, lost: 0))
        #expect(cursor.position == UInt64(ring.capacity + 15))
    }

    /// Stations on a seven-channel device: legs on adjacent channels at an even and at an
    /// odd offset (copied a pair at a time), swapped and far apart (sample by sample),
    /// across the ring's end. Each ring gets exactly its two channels.
    @Test(arguments: [(0, 1), (3, 4), (5, 4), (6, 2)])
    func manyChannelDeviceGivesEachStationItsTwoChannels(agent: Int, customer: Int) {
        let ring = HistoryRing(seconds: 0.01, sampleRate: 8000)   // 8192 frames
        let channels = 7, frames = 40
        func sample(_ frame: Int, _ channel: Int) -> Int16 { Int16(frame * 10 + channel) }
        var buf = [Int16](repeating: 0, count: channels * frames)
        for f in 0..<frames { for c in 0..<channels { buf[f * channels + c] = sample(f, c) } }
        var cursor = ring.cursor()
        ring.writeSilence(frames: ring.capacity - 13)        // the next write wraps after 13 frames
        var skip = [Int16](repeating: 0, count: 2 * ring.capacity)
        _ = skip.withUnsafeMutableBufferPointer { ring.read(&cursor, into: $0.baseAddress!, maxFrames: ring.capacity) }
        buf.withUnsafeBufferPointer {
            ring.write(from: $0.baseAddress!, frames: frames, stride: channels, agent: agent, customer: customer)
        }
        var out = [Int16](repeating: -1, count: 2 * frames)
        let r = out.withUnsafeMutableBufferPointer { ring.read(&cursor, into: $0.baseAddress!, maxFrames: frames) }
        #expect(r == RingRead(frames: frames, lost: 0))
        for f in 0..<frames {
            #expect(out[2 * f] == sample(f, agent) && out[2 * f + 1] == sample(f, customer), "frame \(f)")
        }
    }

    @Test func lappedReaderIsToldWhatItLost() {
        let ring = HistoryRing(seconds: 0.01, sampleRate: 8000)
        var cursor = ring.cursor()
        writeSignal(ring, from: 0, count: ring.capacity + 300)
        let r = readChecked(ring, &cursor, max: 100)
        #expect(r.lost == 300)
        #expect(r.frames == 100)
        #expect(cursor.position == 400)
        // Everything still in the ring is readable and right.
        let rest = readChecked(ring, &cursor, max: ring.capacity)
        #expect(rest.lost == 0)
        #expect(cursor.position == UInt64(ring.capacity + 300))
    }

    @Test func prerollStartsInThePastWithinTheHistory() {
        let ring = HistoryRing(seconds: 1, sampleRate: 8000)
        writeSignal(ring, from: 0, count: 5000)
        #expect(ring.cursor(prerollFrames: 800).position == 4200)
        #expect(ring.cursor(prerollFrames: 9000).position == 0)
        writeSignal(ring, from: 5000, count: ring.capacity)
        let w = ring.writePosition
        // Never further back than the ring less a margin (the writer may be overwriting the rest),
        // and at least the history it was made for.
        #expect(ring.maximumPrerollFrames == ring.capacity - 4096)
        #expect(ring.maximumPrerollFrames >= 8000)
        #expect(ring.cursor(prerollFrames: 10 * ring.capacity).position == w - UInt64(ring.maximumPrerollFrames))
        var c = ring.cursor(prerollFrames: 8000)
        #expect(readChecked(ring, &c, max: 8000) == RingRead(frames: 8000, lost: 0))
    }

    @Test func silenceBeyondTheRingMovesPositionsAndLapsReaders() {
        let ring = HistoryRing(seconds: 0.01, sampleRate: 8000)
        var cursor = ring.cursor()
        writeSignal(ring, from: 0, count: 10)
        ring.writeSilence(frames: 3 * ring.capacity)
        #expect(ring.writePosition == UInt64(10 + 3 * ring.capacity))
        var out = [Int16](repeating: 7, count: 2 * ring.capacity)
        let r = out.withUnsafeMutableBufferPointer { ring.read(&cursor, into: $0.baseAddress!, maxFrames: ring.capacity) }
        #expect(r.lost == UInt64(10 + 2 * ring.capacity))
        #expect(r.frames == ring.capacity)
        #expect(out.allSatisfy { $0 == 0 })
    }

    /// A writer thread against a reader thread: every frame the reader gets must be the
    /// frame of its position, and read + lost must account for every frame written.
    @Test(arguments: [false, true])
    func concurrentWriterAndReader(slowReader: Bool) async {
        let ring = HistoryRing(seconds: 0.01, sampleRate: 8000)
        let total: UInt64 = slowReader ? 400_000 : 2_000_000
        let writerDone = Atomic<Bool>(false)
        let writer = Thread {
            var p: UInt64 = 0
            var chunk = 1
            while p < total {
                let n = Int(min(UInt64(chunk), total - p))
                writeSignal(ring, from: p, count: n)
                p += UInt64(n)
                chunk = chunk % 397 + 13
            }
            writerDone.store(true, ordering: .releasing)
        }
        // The cursor at position 0 before the writer starts (a cursor made after would
        // begin wherever the writer had got to: under load, frames later).
        var cursor = ring.cursor()
        writer.start()
        var read: UInt64 = 0, lost: UInt64 = 0, bad = 0
        var out = [Int16](repeating: 0, count: 2 * 1000)
        var spins = 0
        // Until the cursor has passed every frame; a reader that sees nothing new for 20 s
        // fails the test with what it knows instead of spinning for ever.
        var lastProgress = Date()
        while cursor.position < total {
            let before = cursor.position
            let r = out.withUnsafeMutableBufferPointer { ring.read(&cursor, into: $0.baseAddress!, maxFrames: 1000) }
            if cursor.position != before {
                lastProgress = Date()
            } else if Date().timeIntervalSince(lastProgress) > 20 {
                let done = writerDone.load(ordering: .acquiring)
                Issue.record(Comment(rawValue: "reader stuck at \(cursor.position) of \(total): ring written to "
                                     + "\(ring.writePosition), writer done: \(done), read \(read), lost \(lost)"))
                break
            }
            let first = cursor.position - UInt64(r.frames)
            for i in 0..<r.frames where out[2 * i] != agentValue(first + UInt64(i)) || out[2 * i + 1] != customerValue(first + UInt64(i)) {
                bad += 1
            }
            read += UInt64(r.frames)
            lost += r.lost
            spins += 1
            if slowReader && spins % 3 == 0 { usleep(200) }
        }
        #expect(bad == 0, "frames returned with the wrong content")
        #expect(read + lost == total)
        #expect(cursor.position == total)
        if slowReader { #expect(lost > 0, "the slow reader was expected to be lapped") }
    }
}

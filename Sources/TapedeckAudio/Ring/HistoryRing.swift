import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A lock-free single-producer, multi-reader history ring of agent/customer
/// frame pairs (one per station).
///
/// The capture thread is the only writer and never waits for readers: it
/// overwrites the oldest frames. Every reader (a recording) keeps its own
/// `RingCursor`; a reader that falls more than a ring behind is told how many
/// frames it lost instead of being handed overwritten audio.
///
/// Positions are absolute frame counts since the ring was created (UInt64 never
/// wraps in practice: 2^64 frames at 48 kHz is 12 million years); a position's
/// slot is `position & mask`.
public final class HistoryRing: @unchecked Sendable {
    /// Capacity in frames, a power of two.
    public let capacity: Int
    public let sampleRate: Int
    private let mask: UInt64
    private let slots: UnsafeMutablePointer<Int16>   // 2 × capacity: agent, customer, agent, …
    /// Frames fully written and readable: [written - capacity, written).
    private let written = Atomic<UInt64>(0)
    /// Frames the writer may be writing right now: slots of [claimed - capacity, …) can change under a reader.
    private let claimed = Atomic<UInt64>(0)

    /// A ring holding at least `seconds` of history at `sampleRate`.
    public init(seconds: Double, sampleRate: Int) {
        precondition(seconds > 0 && sampleRate > 0, "ring needs a positive size")
        let wanted = max(1024, Int((seconds * Double(sampleRate)).rounded(.up)) + 4096)
        var cap = 1
        while cap < wanted { cap <<= 1 }
        self.capacity = cap
        self.sampleRate = sampleRate
        self.mask = UInt64(cap - 1)
        self.slots = .allocate(capacity: 2 * cap)
        self.slots.initialize(repeating: 0, count: 2 * cap)
    }

    deinit { slots.deallocate() }

    /// Frames ever written.
    public var writePosition: UInt64 { written.load(ordering: .acquiring) }

    // MARK: Writer (the capture thread only)

    /// Appends `frames` frames taken from an interleaved buffer (`stride` samples
    /// per frame, the legs at `agent` and `customer` offsets); a nil buffer
    /// appends silence. Never allocates, locks or waits.
    public func write(from interleaved: UnsafePointer<Int16>?, frames: Int, stride: Int,
                      agent: Int, customer: Int) {
        var done = 0
        while done < frames {
            let n = min(frames - done, capacity / 2)
            let w = written.load(ordering: .relaxed)        // only this thread stores it
            // (1) Claim before overwriting: the release fence orders this store before every
            //     slot store below, so a reader that sees any overwritten slot also sees the claim.
            claimed.store(w &+ UInt64(n), ordering: .relaxed)
            atomicMemoryFence(ordering: .releasing)
            // Up to the end of the slots, then from their start.
            let first = Int(w & mask)
            let head = min(n, capacity - first)
            let src = interleaved.map { $0 + done * stride }
            Self.gather(src, frames: head, stride: stride, agent: agent, customer: customer, into: slots + 2 * first)
            if n > head {
                Self.gather(src.map { $0 + head * stride }, frames: n - head, stride: stride,
                            agent: agent, customer: customer, into: slots)
            }
            // (2) Publish: a reader that acquires this count sees every slot written before it.
            written.store(w &+ UInt64(n), ordering: .releasing)
            done += n
        }
    }

    /// Copies `frames` frames' two legs from an interleaved buffer (zeros for nil) into
    /// consecutive slots: one copy when the buffer already is agent/customer pairs (a
    /// two-channel device, legs on 0 and 1); one 32-bit load and store per frame when the
    /// customer's channel follows the agent's (the usual layout of a many-channel card);
    /// else a gather per sample.
    @inline(__always)
    private static func gather(_ src: UnsafePointer<Int16>?, frames: Int, stride: Int, agent: Int, customer: Int,
                               into dst: UnsafeMutablePointer<Int16>) {
        guard let src else { dst.update(repeating: 0, count: 2 * frames); return }
        if stride == 2 && agent == 0 && customer == 1 { dst.update(from: src, count: 2 * frames); return }
        if customer == agent &+ 1 {
            // The pair is two adjacent samples in the source and in a slot: copy it as one
            // word (unaligned load: the pair may start at an odd channel).
            let from = UnsafeRawPointer(src + agent), to = UnsafeMutableRawPointer(dst)
            let step = 2 &* stride
            for i in 0..<frames {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: i &* step, as: UInt32.self),
                              toByteOffset: 4 &* i, as: UInt32.self)
            }
            return
        }
        for i in 0..<frames {
            dst[2 &* i] = src[i &* stride &+ agent]
            dst[2 &* i &+ 1] = src[i &* stride &+ customer]
        }
    }

    /// Appends `frames` frames of silence. Beyond a ring's worth only the positions move
    /// (the slots would be overwritten anyway): readers still behind see those frames as lost.
    public func writeSilence(frames: Int) {
        var remaining = frames
        if remaining > capacity {
            let skip = UInt64(remaining - capacity)
            let w = written.load(ordering: .relaxed)
            claimed.store(w &+ skip, ordering: .relaxed)
            atomicMemoryFence(ordering: .releasing)
            written.store(w &+ skip, ordering: .releasing)
            remaining = capacity
        }
        write(from: nil, frames: remaining, stride: 0, agent: 0, customer: 0)
    }

    // MARK: Readers (any thread, each with its own cursor)

    /// How far back a cursor may start: the whole ring but a margin, so a reader starting
    /// there is not lapped before it begins (at least the history the ring was made for).
    public var maximumPrerollFrames: Int { capacity - min(4096, capacity / 4) }

    /// A cursor at the newest frame, or `prerollFrames` back in history (limited to what
    /// the ring still holds).
    public func cursor(prerollFrames: Int = 0) -> RingCursor {
        let w = written.load(ordering: .acquiring)
        let back = UInt64(max(0, min(prerollFrames, maximumPrerollFrames)))
        return RingCursor(position: w > back ? w - back : 0)
    }

    /// Copies up to `maxFrames` frame pairs at the cursor into `out` (2 samples per frame)
    /// and advances the cursor. Frames overwritten before they could be read are skipped
    /// and reported in `lost`: the copied frames always precede the cursor's new position
    /// directly, with `lost` frames missing before them.
    public func read(_ cursor: inout RingCursor, into out: UnsafeMutablePointer<Int16>,
                     maxFrames: Int) -> RingRead {
        let w = written.load(ordering: .acquiring)
        var start = cursor.position
        var lost: UInt64 = 0
        let cap = UInt64(capacity)
        if w > cap && start < w - cap { lost = w - cap - start; start = w - cap }
        let n = Int(min(w &- start, UInt64(max(0, maxFrames))))
        let first = Int(start & mask)
        let head = min(n, capacity - first)
        out.update(from: slots + 2 * first, count: 2 * head)
        if n > head { (out + 2 * head).update(from: slots, count: 2 * (n - head)) }
        // Seqlock-style validation: the acquire fence orders the copies above before this load,
        // so any slot the writer touched during the copy shows up as a larger claim.
        atomicMemoryFence(ordering: .acquiring)
        let c = claimed.load(ordering: .relaxed)
        var valid = n
        if c > cap && start < c - cap {
            let bad = Int(min(c - cap - start, UInt64(n)))
            valid = n - bad
            if valid > 0 { memmove(out, out + 2 * bad, 2 * valid * MemoryLayout<Int16>.size) }
            lost += UInt64(bad)
        }
        cursor.position = start &+ UInt64(n)
        return RingRead(frames: valid, lost: lost)
    }
}

/// A reader's position in a `HistoryRing`.
public struct RingCursor: Sendable, Equatable {
    public var position: UInt64
    public init(position: UInt64) { self.position = position }
}

/// What one `HistoryRing.read` returned: `frames` copied, after `lost` frames that
/// were overwritten before the reader reached them.
public struct RingRead: Sendable, Equatable {
    public var frames: Int
    public var lost: UInt64
}

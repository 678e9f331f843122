/// Holds back the newest `capacity` frames of an output (with their ring positions)
/// before they are written, so a tone detected a little late can still be cut out of
/// the file. With capacity 0 frames pass straight through.
final class DelayLine {
    let channels: Int
    let capacity: Int
    private let samples: UnsafeMutablePointer<Int16>
    private let positions: UnsafeMutablePointer<UInt64>
    private var head = 0     // index of the oldest frame
    private(set) var count = 0

    init(channels: Int, capacity: Int) {
        self.channels = channels
        self.capacity = capacity
        samples = .allocate(capacity: max(1, capacity * channels))
        positions = .allocate(capacity: max(1, capacity))
    }

    deinit {
        samples.deallocate()
        positions.deallocate()
    }

    /// Adds frames at consecutive positions from `position`; writes what falls out.
    func push(_ frames: UnsafePointer<Int16>, count n: Int, position: UInt64, to writer: any AudioFileWriter) throws(WriterError) {
        guard capacity > 0 else { try writer.write(frames, frames: n); return }
        for f in 0..<n {
            if count == capacity { try emitOldest(1, to: writer) }
            let slot = (head + count) % capacity
            (samples + slot * channels).update(from: frames + f * channels, count: channels)
            positions[slot] = position + UInt64(f)
            count += 1
        }
    }

    /// Writes the held frames that come before `position` and drops the rest; returns
    /// how many were dropped.
    @discardableResult
    func cut(at position: UInt64, to writer: any AudioFileWriter) throws(WriterError) -> Int {
        guard capacity > 0 else { return 0 }
        var keep = 0
        while keep < count && positions[(head + keep) % capacity] < position { keep += 1 }
        try emitOldest(keep, to: writer)
        let dropped = count
        count = 0
        head = 0
        return dropped
    }

    /// Writes everything held.
    func flush(to writer: any AudioFileWriter) throws(WriterError) {
        try emitOldest(count, to: writer)
    }

    private func emitOldest(_ n: Int, to writer: any AudioFileWriter) throws(WriterError) {
        var left = n
        while left > 0 {
            let run = min(left, capacity - head)
            try writer.write(samples + head * channels, frames: run)
            head = (head + run) % capacity
            count -= run
            left -= run
        }
    }
}

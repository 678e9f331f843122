/// Paces an unpaced offline source (ALSA's `file` plugin: data as fast as it is read)
/// against its slowest reader, for the whole-path benchmark (`tapedeck record --offline`).
/// Never used on a real device: there the clock paces capture.
///
/// Two gates, one per direction. The reader publishes its ring position
/// (`readerReached`); the capture thread, once it leads the reader by nearly a ring, blocks
/// until the reader has taken half of it (`DeviceCapture` does this only when it has a
/// pacer). The capture thread publishes the frames in the ring after every period; a
/// reader with nothing to read blocks until a batch is there (`waitForAudio`). So each
/// side sleeps once per half ring or batch instead of polling, and neither can lap the
/// other.
///
/// The capture thread's side of a pacer is an atomic store and load per period, a
/// `sem_post` when the reader waits for what it just wrote, and — the one exception to
/// the capture thread's rules, accepted because this is benchmark-only — a blocking
/// semaphore wait (bounded by the capture wait's timeout, so `stop()` stays prompt).
public final class CapturePacer: Sendable {
    /// The slowest reader's ring position.
    let reader = ProgressGate()
    /// Frames written to the ring.
    let captured = ProgressGate()

    public init() {}

    /// Reader side: the slowest reader is at ring position `position`.
    public func readerReached(_ position: UInt64) {
        reader.advance(to: position)
    }

    /// Reader side: blocks until the ring holds `frames` frames from `position` on, or
    /// `timeoutMilliseconds` pass. Returns whether they are there.
    @discardableResult
    public func waitForAudio(from position: UInt64, frames: Int, timeoutMilliseconds: Int) -> Bool {
        captured.wait(until: position + UInt64(max(1, frames)), timeoutMilliseconds: timeoutMilliseconds)
    }
}

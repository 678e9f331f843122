/// The capture calls the capture loop makes, per period, on a device. `ALSACapturePCM`
/// is the real one; tests drive the loop with fakes (overruns, a vanishing device).
///
/// All of these are called on the real-time capture thread and must not allocate,
/// lock or log. Return values follow ALSA: negative errno on failure.
public protocol CaptureSource: AnyObject {
    var channels: Int { get }
    var sampleRate: Int { get }
    var periodFrames: Int { get }
    /// Starts the stream.
    func start() -> Int32
    /// Waits up to `timeoutMilliseconds` for a period: 1 ready, 0 timed out, < 0 error.
    func wait(timeoutMilliseconds: Int32) -> Int32
    /// Reads up to `frames` interleaved S16 frames: the frame count, or < 0 error
    /// (-EAGAIN: nothing yet; -EPIPE: overrun; -ESTRPIPE: suspended).
    func read(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Int
    /// Recovers from -EPIPE / -ESTRPIPE and restarts the stream: 0 or < 0 error.
    func recover(from error: Int32) -> Int32
    /// Monotonic time, in seconds, at which the stream last started (ALSA's trigger
    /// timestamp), or nil when the device does not report one.
    func triggerTime() -> Double?
}

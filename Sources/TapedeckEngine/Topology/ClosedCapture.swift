import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TapedeckAudio

/// A device a reload could not open: down (and retried by the monitor) with these taps.
final class ClosedCapture: CaptureControl, @unchecked Sendable {
    private let list: Mutex<[StationTap]>
    init(taps: [StationTap]) { list = Mutex(taps) }
    var stats: CaptureStats { .neverOpened(errorCode: -ENODEV) }
    var taps: [StationTap] { list.withLock { $0 } }
    func replaceTaps(_ taps: [StationTap]) throws(Errno) { list.withLock { $0 = taps } }
    func stop() {}
}

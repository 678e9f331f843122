import TapedeckAudio
import TapedeckSystem

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

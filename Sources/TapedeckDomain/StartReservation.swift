/// A START's claim on its session between its checks and its commit: it counts against
/// the recording limits, and an API stereo one keeps a second BEGIN out.
struct StartReservation: Sendable {
    /// Identifies the START among those in flight.
    let serial: Int
    let function: RecordingFunction
    let origin: RecordingOrigin
    /// Its row's recording_id once written (0 until then).
    var recordingID: Int64 = 0
}

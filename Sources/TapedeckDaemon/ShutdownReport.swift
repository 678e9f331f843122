import Synchronization

/// What the daemon's stop did, for its last log line: written by the controller's part of
/// the service group, read once the group has stopped.
final class ShutdownReport: Sendable {
    private let finalised = Mutex(0)
    var recordingsFinalised: Int {
        get { finalised.withLock { $0 } }
        set { finalised.withLock { $0 = newValue } }
    }
}

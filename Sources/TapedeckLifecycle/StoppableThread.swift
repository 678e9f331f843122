import Dispatch
import Foundation
import Synchronization

/// A named thread that runs a loop until it is asked to stop, and the handshake that
/// stops it: a flag the loop reads every turn, and a semaphore the thread signals once
/// the loop has returned, which `stop()` waits for.
public final class StoppableThread: @unchecked Sendable {
    public let name: String
    private let stopping = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)
    /// Whether a thread was started and not yet stopped (start and stop are called by
    /// the owner, not concurrently).
    private var running = false

    public init(name: String) { self.name = name }

    /// Whether `stop()` was called: the loop returns when it sees it.
    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Starts the thread running `loop` (which returns once `isStopping`).
    public func start(_ loop: @escaping @Sendable () -> Void) {
        precondition(!running, "\(name) already started")
        running = true
        stopping.store(false, ordering: .releasing)
        let t = Thread { [exited] in
            loop()
            exited.signal()
        }
        t.name = name
        t.start()
    }

    /// Asks the loop to stop, calls `wake` (to cut a wait short), and waits until the loop
    /// has returned. Does nothing when no thread runs.
    public func stop(wake: () -> Void = {}) {
        guard running else { return }
        running = false
        stopping.store(true, ordering: .releasing)
        wake()
        exited.wait()
    }
}

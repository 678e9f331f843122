import Foundation
import Synchronization
import TapedeckDomain

/// The audio side in memory: handles that "write" as many seconds as a test says, devices
/// a test takes down, starts and finishes that fail on demand, and auto-ends fired by hand.
final class FakeBackend: RecordingBackend, Sendable {
    struct State {
        var down: [String: String] = [:]
        var sampleRate = 8000
        var position: UInt64 = 0
        var handles: [FakeHandle] = []
        var finished: [FakeHandle] = []
        var startError: String?
        var problem: String?
        var autoEnd: (@Sendable (any RecordingHandle, FinishedRecording) -> Void)?
        /// Called inside `start` before the handle exists (to hold a START in flight).
        var onStart: (@Sendable (RecordingPlan) -> Void)?
    }
    let state = Mutex(State())
    let historySeconds: Double = 30

    var handles: [FakeHandle] { state.withLock { $0.handles } }
    var finished: [FakeHandle] { state.withLock { $0.finished } }

    func setDown(_ station: String, _ reason: String?) { state.withLock { $0.down[station] = reason } }

    func unavailability(of station: String) -> String? { state.withLock { $0.down[station] } }

    func mark(station: String, prerollSeconds: Double) throws(BackendError) -> AudioMark {
        let (down, rate, position) = state.withLock { s in
            s.position += 160
            return (s.down[station], s.sampleRate, s.position)
        }
        if let down { throw BackendError(down) }
        return AudioMark(station: station, position: position, sampleRate: rate)
    }

    func start(_ plan: RecordingPlan, from mark: AudioMark) throws(BackendError) -> any RecordingHandle {
        state.withLock { $0.onStart }?(plan)
        let result: Result<FakeHandle, BackendError> = state.withLock { s in
            if let e = s.startError { return .failure(BackendError(e)) }
            let h = FakeHandle(plan: plan, mark: mark)
            s.handles.append(h)
            return .success(h)
        }
        return try result.get()
    }

    func finish(_ handles: [any RecordingHandle]) -> [FinishedRecording] {
        handles.map { h in
            let fake = h as! FakeHandle
            state.withLock { $0.finished.append(fake) }
            return fake.result(cause: nil)
        }
    }

    func problem(with plan: RecordingPlan) -> String? { state.withLock { $0.problem } }

    func onAutoEnd(_ handler: @escaping @Sendable (any RecordingHandle, FinishedRecording) -> Void) {
        state.withLock { $0.autoEnd = handler }
    }

    /// The handle ends by itself (as the writer would report a timeout, silence or key).
    func autoEnd(_ handle: FakeHandle, cause: String) {
        let handler = state.withLock { s in
            s.finished.append(handle)
            return s.autoEnd
        }
        handler?(handle, handle.result(cause: cause))
    }
}

/// A running recording in memory: its seconds written are what the test sets.
final class FakeHandle: RecordingHandle, Sendable {
    struct State {
        var seconds: Double = 10
        var controls: [RecordingControlAction] = []
        var pausedSeconds: Double = 0
        var maskedSeconds: Double = 0
        var error: String?
    }
    let plan: RecordingPlan
    let mark: AudioMark
    let state = Mutex(State())

    init(plan: RecordingPlan, mark: AudioMark) {
        self.plan = plan
        self.mark = mark
    }

    var secondsWritten: Double { state.withLock { $0.seconds } }
    var controls: [RecordingControlAction] { state.withLock { $0.controls } }
    func set(_ change: (inout State) -> Void) { state.withLock { change(&$0) } }

    func control(_ action: RecordingControlAction) { state.withLock { $0.controls.append(action) } }

    /// What the backend reports when the recording ends: 1000 bytes a second, a digest
    /// named after the path.
    func result(cause: String?) -> FinishedRecording {
        let s = state.withLock { $0 }
        func file(_ path: String) -> FinishedRecording {
            FinishedRecording(path: path, durationSeconds: s.seconds, sizeBytes: Int64(s.seconds * 1000),
                              error: s.error, cause: cause, pausedSeconds: s.pausedSeconds,
                              maskedSeconds: s.maskedSeconds, sha256: s.error == nil ? "sha:" + path : nil)
        }
        var main = file(plan.path)
        if let legs = plan.legPaths { main.legs = [file(legs.agent), file(legs.customer)] }
        return main
    }
}

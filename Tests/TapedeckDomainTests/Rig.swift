import Foundation
import TapedeckDomain

/// A controller on fakes: the backend, the store, the events, the scheduler and the
/// spool's names all in memory; the clock stands still at `Rig.now`.
struct Rig {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    let backend = FakeBackend()
    let store = MemoryStore()
    let events = EventLog()
    let scheduler = ManualScheduler()
    let files = MemoryFiles()
    let controller: Controller

    init(stations: Int = 4, _ configure: (inout ControllerSettings) -> Void = { _ in }) {
        controller = Controller(settings: Self.settings(stations: stations, configure), backend: backend, store: store,
                                events: events, scheduler: scheduler, files: files, clock: { Rig.now })
    }

    static func settings(stations: Int = 4, _ configure: (inout ControllerSettings) -> Void = { _ in }) -> ControllerSettings {
        var s = ControllerSettings(serverIP: "10.0.0.5", spool: "/spool", stations: (1...stations).map { "st\($0)" },
                                   timeZone: TimeZone(identifier: "UTC")!)
        configure(&s)
        return s
    }

    /// The agent as the replies show it after `login`.
    static func agent(_ user: String = "1000", station: String = "st1", session: String = "8600051") -> AgentSnapshot {
        AgentSnapshot(agentUser: user, station: station, sessionID: session, agentServer: "10.0.0.5",
                      agentStatus: "PAUSED", loggedInAt: now)
    }

    @discardableResult
    func login(_ user: String = "1000", station: String = "st1") -> Reply {
        controller.handle(.login(Login(agentUser: user, station: station, sessionID: "8600051")))
    }

    func recording(_ function: RecordingFunction = .recording, _ user: String = "1000", _ action: RecordingAction) -> Reply {
        controller.handle(.recording(RecordingCommand(function: function, agentUser: user, action: action)))
    }

    func start(_ user: String = "1000", _ function: RecordingFunction = .recording, _ options: StartOptions = StartOptions()) -> Reply {
        recording(function, user, .start(options))
    }

    func stop(_ user: String = "1000", _ function: RecordingFunction = .recording) -> Reply {
        recording(function, user, .stop)
    }

    func status(_ user: String = "1000", _ function: RecordingFunction = .recording) -> [RecordingSnapshot] {
        guard case .recordingStatus(_, _, let active) = recording(function, user, .status) else { return [] }
        return active
    }

    @discardableResult
    func callStart(_ call: CallStart) -> Reply { controller.handle(.callStart(call)) }

    func callEnd(_ user: String = "1000") -> Reply { controller.handle(.callEnd(agentUser: user)) }

    /// The recording a START's reply names.
    static func started(_ reply: Reply) -> RecordingSnapshot? {
        if case .recordingStarted(_, let r) = reply { return r }
        return nil
    }

    /// The recordings a reply says it ended.
    static func completed(_ reply: Reply) -> [RecordingSnapshot] {
        switch reply {
        case .recordingStopped(_, _, let done), .callEnded(_, _, let done), .loggedOut(_, let done): done
        default: []
        }
    }

    /// The fake handle of a recording, by its final path.
    func handle(_ r: RecordingSnapshot?) -> FakeHandle? { backend.handles.first { $0.plan.path == r?.filePath } }
}

/// Runs `body` on `n` threads at once (all released together) and returns the results in order.
func concurrently<T: Sendable>(_ n: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = ResultBox<T>(n)
    let group = DispatchGroup()
    let go = DispatchSemaphore(value: 0)
    for i in 0..<n {
        group.enter()
        Thread.detachNewThread {
            go.wait()
            results.set(i, body(i))
            group.leave()
        }
    }
    for _ in 0..<n { go.signal() }
    group.wait()
    return results.values
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ v: T) { lock.withLock { slots[i] = v } }
    var values: [T] { lock.withLock { slots.map { $0! } } }
}

/// A latch a fake holds a START on until the test opens it; `waitUntilHeld` returns once
/// the START reached it.
final class Latch: @unchecked Sendable {
    private let arrived = DispatchSemaphore(value: 0)
    private let open = DispatchSemaphore(value: 0)
    func hold() {
        arrived.signal()
        open.wait()
    }
    func waitUntilHeld() -> Bool { arrived.wait(timeout: .now() + 10) == .success }
    func release() { open.signal() }
}

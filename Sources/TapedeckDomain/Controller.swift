import Foundation
import TapedeckVocabulary
import Synchronization

/// The daemon's domain: who is logged in where, which recordings run, and what every
/// command does. Commands from many connections arrive on many threads; state changes
/// happen under one lock, and waiting for files to become final happens outside it.
public final class Controller: Sendable {
    private let currentSettings: Mutex<ControllerSettings>
    let backend: any RecordingBackend
    let store: any RecordingStore
    let events: any EventSink
    let clock: @Sendable () -> Date
    let scheduler: any Scheduler
    let files: any RecordingFiles
    let state = Mutex(State())
    /// Signalled when the last START in flight has committed or rolled back (shutdown waits on it).
    let startsLanded = NSCondition()

    struct State: Sendable {
        /// Sessions by agent_user.
        var sessions: [String: AgentSession] = [:]
        /// agent_user by station.
        var stationOwners: [String: String] = [:]
        /// Names (without extension) of files being written, so no two recordings share one.
        var namesInUse: Set<String> = []
        /// False once shutdown began: no new recordings.
        var accepting = true
        /// Numbers the calls, so a delayed campaign start knows its call is still on.
        var callSerial = 0
        /// Numbers the logins, so a START that finishes after a logout knows its session is gone.
        var loginSerial = 0
        /// Numbers the reservations of STARTs in flight (see `StartReservation`).
        var reservationSerial = 0
        /// STARTs between their reservation and their end (committed or rolled back).
        var startsInFlight = 0
        /// How often each station's device was lost: a START in flight across a loss ends its recording.
        var stationLosses: [String: Int] = [:]
        /// Recordings that ended by themselves before their START committed (only kept
        /// while STARTs are in flight): the START completes them.
        var earlyEnds: [(handle: any RecordingHandle, result: FinishedRecording)] = []
    }

    /// `scheduler` runs delayed campaign starts, `files` answers for the spool's names;
    /// `clock` is the time every command, row and event is stamped with.
    public init(settings: ControllerSettings, backend: any RecordingBackend, store: any RecordingStore,
                events: any EventSink, scheduler: any Scheduler, files: any RecordingFiles,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.currentSettings = Mutex(settings)
        self.backend = backend
        self.store = store
        self.events = events
        self.scheduler = scheduler
        self.files = files
        self.clock = clock
        backend.onAutoEnd { [weak self] handle, result in self?.autoEnded(handle, result) }
    }

    /// The settings in force: each command reads them once it starts.
    public var settings: ControllerSettings { currentSettings.withLock { $0 } }

    /// Takes new settings (a configuration reload). Running recordings keep the names,
    /// formats and limits they started with; agents logged in at a station that is no
    /// longer configured stay logged in (they can still stop their recordings) but cannot
    /// start new ones or log in there again.
    public func update(settings: ControllerSettings) {
        currentSettings.withLock { $0 = settings }
    }

    /// Handles one request and returns its reply. Blocks until the reply is true: a STOP
    /// returns once its files are final.
    public func handle(_ command: Command) -> Reply {
        switch command {
        case .login(let login): return self.login(login)
        case .logout(let agentUser): return logout(agentUser)
        case .agentStatus(let agentUser, let status): return setStatus(agentUser, status)
        case .recording(let r): return recording(r)
        case .subscribe: return .subscribed
        case .recordingLookup(let query): return lookup(query)
        case .callStart(let call): return callStart(call)
        case .callEnd(let agentUser): return callEnd(agentUser)
        case .callStatus(let callID): return callStatus(callID)
        }
    }

    /// Agents logged in now, by agent_user.
    public var agents: [AgentSnapshot] {
        state.withLock { $0.sessions.values.map(\.agent).sorted { $0.agentUser < $1.agentUser } }
    }

    /// Every running recording.
    public var activeRecordings: [RecordingSnapshot] {
        state.withLock { $0.sessions.values.flatMap { $0.recordings.map(\.current) } }.sorted { $0.id < $1.id }
    }

    /// Stops taking new recordings and finalises every running one (cause `shutdown`).
    /// Returns the recordings it completed. A START in flight completes its own recording
    /// (cause `shutdown`); this returns once none is left.
    @discardableResult
    public func shutdown() -> [RecordingSnapshot] {
        let live: [LiveRecording] = state.withLock { s in
            s.accepting = false
            var all: [LiveRecording] = []
            for key in s.sessions.keys {
                all += s.sessions[key]!.recordings
                s.sessions[key]!.recordings = []
                s.sessions[key]!.call = nil
            }
            return all
        }
        let done = complete(live, cause: .shutdown)
        // The check is made holding the condition's lock, and the last START to land
        // broadcasts holding it, so the wake-up cannot fall between check and wait.
        startsLanded.lock()
        while state.withLock({ $0.startsInFlight }) > 0 { startsLanded.wait() }
        startsLanded.unlock()
        return done
    }

    // MARK: Agents

    func login(_ login: Login) -> Reply {
        let now = clock()
        let settings = self.settings
        if !settings.stations.contains(login.station) {
            return .failure(.unknownStation(station: login.station, agentUser: login.agentUser))
        }
        if let reason = backend.unavailability(of: login.station) {
            return .failure(.stationUnavailable(station: login.station, agentUser: login.agentUser, reason: reason))
        }
        let result: Result<AgentSnapshot, ControlError> = state.withLock { s in
            if let owner = s.stationOwners[login.station], owner != login.agentUser {
                return .failure(.stationInUse(station: login.station, agentUser: login.agentUser, inUseBy: owner))
            }
            if let existing = s.sessions[login.agentUser] {
                guard existing.agent.station == login.station else {
                    return .failure(.agentAlreadyLoggedIn(agentUser: login.agentUser, station: existing.agent.station))
                }
                // The same agent at the same station again (a reloaded agent screen): update.
                var session = existing
                session.agent.sessionID = login.sessionID
                session.agent.agentServer = login.agentServer ?? settings.serverIP
                session.agent.agentStatus = login.agentStatus
                s.sessions[login.agentUser] = session
                return .success(session.agent)
            }
            let agent = AgentSnapshot(agentUser: login.agentUser, station: login.station, sessionID: login.sessionID,
                                      agentServer: login.agentServer ?? settings.serverIP,
                                      agentStatus: login.agentStatus, loggedInAt: now)
            s.loginSerial += 1
            s.sessions[login.agentUser] = AgentSession(agent: agent, serial: s.loginSerial)
            s.stationOwners[login.station] = login.agentUser
            return .success(agent)
        }
        switch result {
        case .success(let agent):
            events.publish(Event(.agentLogin(agent), createdAt: now))
            return .loggedIn(agent)
        case .failure(let error):
            return .failure(error)
        }
    }

    func logout(_ agentUser: String) -> Reply {
        let taken: (AgentSnapshot, [LiveRecording])? = state.withLock { s in
            guard let session = s.sessions.removeValue(forKey: agentUser) else { return nil }
            s.stationOwners[session.agent.station] = nil
            return (session.agent, session.recordings)
        }
        guard let (agent, live) = taken else { return .failure(.agentNotLoggedIn(agentUser: agentUser)) }
        let completed = complete(live, cause: .logout)
        events.publish(Event(.agentLogout(agent), createdAt: clock()))
        return .loggedOut(agent, completed: completed)
    }

    func setStatus(_ agentUser: String, _ status: String) -> Reply {
        let agent: AgentSnapshot? = state.withLock { s in
            s.sessions[agentUser]?.agent.agentStatus = status
            return s.sessions[agentUser]?.agent
        }
        guard let agent else { return .failure(.agentNotLoggedIn(agentUser: agentUser)) }
        return .agentStatusSet(agent)
    }

    func session(_ agentUser: String) -> AgentSession? {
        state.withLock { $0.sessions[agentUser] }
    }
}

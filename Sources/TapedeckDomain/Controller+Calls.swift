import Foundation
import TapedeckVocabulary

extension Controller {
    /// `call_start`: the call's fields name the files of recordings made during it; its
    /// campaign policy may start recordings by itself after `recording_delay` seconds.
    func callStart(_ request: CallStart) -> Reply {
        let now = clock()
        let started: (AgentSnapshot, Int, CallStart)? = state.withLock { s in
            guard var session = s.sessions[request.agentUser] else { return nil }
            s.callSerial += 1
            var call = request
            if call.callID == nil { call.callID = Self.uniqueCallID(now, serial: s.callSerial) }
            session.call = CallContext(call: call, startedAt: now, serial: s.callSerial)
            s.sessions[request.agentUser] = session
            return (session.agent, s.callSerial, call)
        }
        guard let (agent, serial, call) = started else { return .failure(.agentNotLoggedIn(agentUser: request.agentUser)) }
        let mono = call.campaignRecording == .allCalls || call.campaignRecording == .allForce
        let stereo = call.campaignStereo == .allCalls
        if mono || stereo {
            let startPolicy: @Sendable () -> Void = { [self] in
                if mono { startCampaign(.recording, call, serial: serial, forced: call.campaignRecording == .allForce) }
                if stereo { startCampaign(.stereoRecording, call, serial: serial, forced: false) }
            }
            if call.recordingDelay > 0 {
                scheduler.after(seconds: Double(call.recordingDelay), startPolicy)
            } else {
                startPolicy()
            }
        }
        return .callStarted(agent, call)
    }

    /// The id of a call that `call_start` gave none: `<epoch>.<serial>`, in the shape of
    /// Asterisk's uniqueid (what VICIdial's recording_lookup searches by prefix).
    static func uniqueCallID(_ now: Date, serial: Int) -> String {
        "\(Int(now.timeIntervalSince1970.rounded(.down))).\(serial)"
    }

    /// A campaign recording, if the call it belongs to is still going on.
    func startCampaign(_ function: RecordingFunction, _ call: CallStart, serial: Int, forced: Bool) {
        let current = state.withLock { $0.sessions[call.agentUser]?.call?.serial == serial }
        guard current else { return }
        _ = start(StartRequest(function: function, agentUser: call.agentUser, options: StartOptions(),
                               origin: .campaign, forced: forced, callSerial: serial))
    }

    /// `call_end`: every recording tied to the call ends (cause `call_end`).
    func callEnd(_ agentUser: String) -> Reply {
        let taken: (AgentSnapshot, String?, [LiveRecording])? = state.withLock { s in
            guard var session = s.sessions[agentUser] else { return nil }
            let serial = session.call?.serial
            let callID = session.call?.call.callID
            let ending = session.recordings.filter { serial != nil && $0.callSerial == serial }
            let ids = Set(ending.map(\.snapshot.id))
            session.recordings.removeAll { ids.contains($0.snapshot.id) }
            session.call = nil
            s.sessions[agentUser] = session
            return (session.agent, callID, ending)
        }
        guard let (agent, callID, live) = taken else { return .failure(.agentNotLoggedIn(agentUser: agentUser)) }
        return .callEnded(agent, callID: callID, completed: complete(live, cause: .callEnd))
    }

    /// `call_status`: the agent whose current call has `callID`, and the call (read only).
    func callStatus(_ callID: String) -> Reply {
        let found: (AgentSnapshot, CallStart)? = state.withLock { s in
            s.sessions.values.first { $0.call?.call.callID == callID }.flatMap { session in
                session.call.map { (session.agent, $0.call) }
            }
        }
        guard let (agent, call) = found else { return .failure(.callNotFound(callID: callID)) }
        return .callStatus(agent, call)
    }
}

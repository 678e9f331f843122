import Foundation

/// One line of the event stream (`function=subscribe`): a JSON object with
/// `event`, `created_at` and the recording or agent object.
public struct Event: Sendable, Hashable {
    public enum Payload: Sendable, Hashable {
        case recordingStarted(RecordingSnapshot)
        /// The snapshot carries duration_seconds and size_bytes.
        case recordingCompleted(RecordingSnapshot)
        case recordingFailed(RecordingSnapshot, reason: String)
        /// PAUSE took effect on this recording.
        case recordingPaused(RecordingSnapshot)
        /// RESUME took effect on this recording.
        case recordingResumed(RecordingSnapshot)
        case agentLogin(AgentSnapshot)
        case agentLogout(AgentSnapshot)
        /// The last line a subscriber gets when its queue (of `queueLimit`
        /// events) overflowed; the daemon then closes the connection.
        case subscriberCutOff(queueLimit: Int, reason: String)
        /// A station's device failed (it is reopened with backoff).
        case stationDown(station: String, device: String, reason: String)
        /// A station's device captures again.
        case stationUp(station: String, device: String)
    }

    public var createdAt: Date
    public var payload: Payload

    public init(_ payload: Payload, createdAt: Date) {
        self.payload = payload
        self.createdAt = createdAt
    }

    /// The `event` name.
    public var name: String {
        switch payload {
        case .recordingStarted: "recording.started"
        case .recordingCompleted: "recording.completed"
        case .recordingFailed: "recording.failed"
        case .recordingPaused: "recording.paused"
        case .recordingResumed: "recording.resumed"
        case .agentLogin: "agent.login"
        case .agentLogout: "agent.logout"
        case .subscriberCutOff: "subscription.cut_off"
        case .stationDown: "station.down"
        case .stationUp: "station.up"
        }
    }

    /// Key order: event, created_at, then reason (failed, cut-off),
    /// queue_limit (cut-off), then recording or agent.
    public func jsonValue(timeZone: TimeZone) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("event", .string(name)),
            ("created_at", .string(TimeFormat.iso8601(createdAt, timeZone: timeZone))),
        ]
        switch payload {
        case .recordingStarted(let r), .recordingCompleted(let r), .recordingPaused(let r), .recordingResumed(let r):
            members.append(("recording", r.json(timeZone: timeZone)))
        case .recordingFailed(let r, let reason):
            members.append(("reason", .string(reason)))
            members.append(("recording", r.json(timeZone: timeZone)))
        case .agentLogin(let a), .agentLogout(let a):
            members.append(("agent", a.json(timeZone: timeZone)))
        case .subscriberCutOff(let limit, let reason):
            members.append(("reason", .string(reason)))
            members.append(("queue_limit", .integer(Int64(limit))))
        case .stationDown(let station, let device, let reason):
            members.append(("reason", .string(reason)))
            members.append(("station", .object([("name", .string(station)), ("device", .string(device))])))
        case .stationUp(let station, let device):
            members.append(("station", .object([("name", .string(station)), ("device", .string(device))])))
        }
        return .object(members)
    }

    /// The line to write, `\n` included.
    public func rendered(timeZone: TimeZone) -> String {
        jsonValue(timeZone: timeZone).rendered + "\n"
    }
}

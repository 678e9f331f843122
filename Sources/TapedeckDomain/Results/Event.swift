import Foundation

/// Something that happened, for the event stream (`function=subscribe`, where the protocol
/// renders it as a JSON object with `event`, `created_at` and the recording or agent
/// object) and for webhooks.
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
}

import Foundation

extension Event {
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

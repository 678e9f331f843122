/// `function=recording_lookup` (at least one criterion).
public struct RecordingLookup: Sendable, Hashable {
    public var agentUser: String?
    public var leadID: String?
    public var callID: String?
    /// `YYYY-MM-DD` (a valid calendar date), local time of the box.
    public var date: String?
    public var recordingID: Int64?

    public init(agentUser: String? = nil, leadID: String? = nil, callID: String? = nil, date: String? = nil,
                recordingID: Int64? = nil) {
        self.agentUser = agentUser
        self.leadID = leadID
        self.callID = callID
        self.date = date
        self.recordingID = recordingID
    }

    /// The `<search>` of the not-found line: `agent_user|lead_id|call_id|date|recording_id`.
    public var searchText: String {
        [agentUser, leadID, callID, date, recordingID.map(String.init)].map { $0 ?? "" }.joined(separator: "|")
    }
}

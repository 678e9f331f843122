/// `function=call_start`.
public struct CallStart: Sendable, Hashable {
    public enum CampaignRecording: String, Sendable, Hashable, CaseIterable {
        case never = "NEVER", onDemand = "ONDEMAND", allCalls = "ALLCALLS", allForce = "ALLFORCE"
    }
    public enum CampaignStereo: String, Sendable, Hashable, CaseIterable {
        case never = "NEVER", allCalls = "ALLCALLS"
    }

    public var agentUser: String
    public var callID: String?
    public var leadID: String?
    /// CUSTPHONE.
    public var phoneNumber: String?
    public var campaign: String?
    public var ingroup: String?
    public var vendorLeadCode: String?
    public var campaignRecording: CampaignRecording
    /// Seconds (0...3600).
    public var recordingDelay: Int
    public var campaignStereo: CampaignStereo

    public init(agentUser: String, callID: String? = nil, leadID: String? = nil, phoneNumber: String? = nil,
                campaign: String? = nil, ingroup: String? = nil, vendorLeadCode: String? = nil,
                campaignRecording: CampaignRecording = .onDemand, recordingDelay: Int = 0,
                campaignStereo: CampaignStereo = .never) {
        self.agentUser = agentUser
        self.callID = callID
        self.leadID = leadID
        self.phoneNumber = phoneNumber
        self.campaign = campaign
        self.ingroup = ingroup
        self.vendorLeadCode = vendorLeadCode
        self.campaignRecording = campaignRecording
        self.recordingDelay = recordingDelay
        self.campaignStereo = campaignStereo
    }
}

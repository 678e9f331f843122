import Foundation

/// One parsed request: what to do, and the form the reply must take.
public struct Request: Sendable, Hashable {
    public var form: ReplyForm
    public var command: Command

    public init(form: ReplyForm, command: Command) {
        self.form = form
        self.command = command
    }
}

/// A request's `function` with its validated parameters.
public enum Command: Sendable, Hashable {
    case login(Login)
    case logout(agentUser: String)
    /// `function=agent_status&value=WORD`.
    case agentStatus(agentUser: String, status: String)
    /// `function=recording` or `function=stereo_recording`.
    case recording(RecordingCommand)
    case subscribe
    // Call flow and lookups.
    case callStart(CallStart)
    case callEnd(agentUser: String)
    case recordingLookup(RecordingLookup)
    /// `function=call_status&call_id=…`: which agent has that call now.
    case callStatus(callID: String)

    /// The wire name of the function.
    public var functionName: FunctionName {
        switch self {
        case .login: .login
        case .logout: .logout
        case .agentStatus: .agentStatus
        case .recording(let r): r.function == .recording ? .recording : .stereoRecording
        case .subscribe: .subscribe
        case .callStart: .callStart
        case .callEnd: .callEnd
        case .recordingLookup: .recordingLookup
        case .callStatus: .callStatus
        }
    }
}

/// Every `function=` value the protocol knows.
public enum FunctionName: String, Sendable, Hashable, CaseIterable {
    case login
    case logout
    case agentStatus = "agent_status"
    case recording
    case stereoRecording = "stereo_recording"
    case subscribe
    case callStart = "call_start"
    case callEnd = "call_end"
    case recordingLookup = "recording_lookup"
    /// The agent and fields of the call with that `call_id` (read only).
    case callStatus = "call_status"
    // Monitoring: answered by the daemon itself (see ``Probe``), never a ``Command``.
    case metrics
    case health
}

public struct Login: Sendable, Hashable {
    public var agentUser: String
    public var station: String
    public var sessionID: String
    /// nil: the daemon uses its own server_ip.
    public var agentServer: String?
    /// Default `PAUSED`.
    public var agentStatus: String

    public init(agentUser: String, station: String, sessionID: String, agentServer: String? = nil,
                agentStatus: String = "PAUSED") {
        self.agentUser = agentUser
        self.station = station
        self.sessionID = sessionID
        self.agentServer = agentServer
        self.agentStatus = agentStatus
    }
}

/// `recording` (mono, several at once) or `stereo_recording` (at most one).
public enum RecordingFunction: String, Sendable, Hashable, CaseIterable {
    case recording
    case stereoRecording = "stereo_recording"

    /// The `value` word for a verb: START/STOP for recording, BEGIN/END for stereo.
    public func word(for verb: RecordingVerb) -> String {
        switch (self, verb) {
        case (.recording, .start): "START"
        case (.recording, .stop): "STOP"
        case (.stereoRecording, .start): "BEGIN"
        case (.stereoRecording, .stop): "END"
        case (_, .status): "STATUS"
        case (_, .pause): "PAUSE"
        case (_, .resume): "RESUME"
        case (_, .mask): "MASK"
        case (_, .unmask): "UNMASK"
        }
    }

    /// The verb in error lines: `start recording error`, `begin stereo_recording error`,
    /// `stop … error` (for both STOP and END), `pause … error`, …
    public func errorVerb(for verb: RecordingVerb) -> String {
        switch (self, verb) {
        case (.stereoRecording, .start): "begin"
        default: verb.rawValue
        }
    }

    public func verb(forWord word: String) -> RecordingVerb? {
        RecordingVerb.allCases.first { self.word(for: $0) == word }
    }
}

/// What a `value` asks for, independent of the function's wording.
public enum RecordingVerb: String, Sendable, Hashable, CaseIterable {
    case start, stop, status, pause, resume, mask, unmask
}

public struct RecordingCommand: Sendable, Hashable {
    public var function: RecordingFunction
    public var agentUser: String
    public var action: RecordingAction

    public init(function: RecordingFunction, agentUser: String, action: RecordingAction) {
        self.function = function
        self.agentUser = agentUser
        self.action = action
    }
}

public enum RecordingAction: Sendable, Hashable {
    /// START / BEGIN, with the stage and options.
    case start(StartOptions)
    /// STOP / END.
    case stop
    case status
    // Pause and mask (see docs/recording.md).
    case pause(PauseBehavior)
    case resume
    case mask
    case unmask

    public var verb: RecordingVerb {
        switch self {
        case .start: .start
        case .stop: .stop
        case .status: .status
        case .pause: .pause
        case .resume: .resume
        case .mask: .mask
        case .unmask: .unmask
        }
    }
}

/// `pause_behavior`.
public enum PauseBehavior: String, Sendable, Hashable, CaseIterable {
    /// Paused time is left out of the file.
    case skip
    /// Silence is written so the timeline is kept (default).
    case silence
}

/// Options of START/BEGIN: parsed and range-checked here, enforced by the daemon.
public struct StartOptions: Sendable, Hashable {
    public var stage: Stage?
    public var format: RecordingSnapshot.Format?
    /// MP3 kbit/s: one of ``MP3Bitrates/any`` here; the daemon checks it against the
    /// station's rate (``MP3Bitrates/at(sampleRate:)``).
    public var bitrate: Int?
    /// Seconds, 3...7200.
    public var timeout: Int?
    /// Seconds, 3...10.
    public var endOnSilence: Int?
    /// One DTMF key: 0-9, *, #.
    public var endOnKey: Character?
    /// Pre-roll in milliseconds (non-negative; the ring's history is the daemon's check).
    public var prerollMilliseconds: Int?
    /// Minimum duration in milliseconds (0...7200 s).
    public var minDurationMilliseconds: Int?
    /// `legs=split`.
    public var splitLegs: Bool
    /// `event_url`: this recording's own webhook callback (http or https; the daemon
    /// allows only URLs under a configured `callback_prefixes`).
    public var eventURL: String? = nil

    public init(stage: Stage? = nil, format: RecordingSnapshot.Format? = nil, bitrate: Int? = nil,
                timeout: Int? = nil, endOnSilence: Int? = nil, endOnKey: Character? = nil,
                prerollMilliseconds: Int? = nil, minDurationMilliseconds: Int? = nil, splitLegs: Bool = false) {
        self.stage = stage
        self.format = format
        self.bitrate = bitrate
        self.timeout = timeout
        self.endOnSilence = endOnSilence
        self.endOnKey = endOnKey
        self.prerollMilliseconds = prerollMilliseconds
        self.minDurationMilliseconds = minDurationMilliseconds
        self.splitLegs = splitLegs
    }
}

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

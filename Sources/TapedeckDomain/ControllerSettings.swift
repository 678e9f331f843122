import Foundation
import TapedeckVocabulary

/// What the controller needs of the configuration.
public struct ControllerSettings: Sendable {
    public var serverIP: String
    /// Folder the recordings are written to.
    public var spool: String
    public var format: RecordingSnapshot.Format
    public var monoBitrate: Int
    public var stereoBitrate: Int
    public var recordingTemplate: FilenameTemplate
    public var stereoTemplate: FilenameTemplate
    public var stations: [String]
    public var timeZone: TimeZone
    /// No recording runs longer than this (VICIdial's recording limit).
    public var limitSeconds: Double = 3600
    public var silenceThresholdDBFS: Double = -45
    /// Whether a call's NEVER refuses the API's START / BEGIN and its ALLFORCE recordings
    /// survive the API's STOP (`[recording] api_campaign_policy = "enforce"`).
    public var apiObeysCampaignPolicy: Bool = true
    /// Recordings one agent may run at once (a START beyond: `agent_recording_limit`).
    public var maxRecordingsPerAgent = 8
    /// Recordings running at once in all (a START beyond: `recording_limit`).
    public var maxRecordings = 256
    /// A START's `event_url` must begin with one of these (the webhooks' `callback_prefixes`).
    public var eventURLPrefixes: [String] = []

    public init(serverIP: String, spool: String, format: RecordingSnapshot.Format = .wav,
                monoBitrate: Int = 16, stereoBitrate: Int = 32,
                recordingTemplate: FilenameTemplate = .defaultRecording,
                stereoTemplate: FilenameTemplate = .defaultStereo,
                stations: [String], timeZone: TimeZone = .current) {
        self.serverIP = serverIP
        self.spool = spool
        self.format = format
        self.monoBitrate = monoBitrate
        self.stereoBitrate = stereoBitrate
        self.recordingTemplate = recordingTemplate
        self.stereoTemplate = stereoTemplate
        self.stations = stations
        self.timeZone = timeZone
    }
}

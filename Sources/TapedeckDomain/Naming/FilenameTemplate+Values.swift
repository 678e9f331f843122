import Foundation
import TapedeckVocabulary

extension FilenameTemplate {
    /// Values for the variables. Dates are computed from `date` in `timeZone`.
    public struct Values: Sendable, Hashable {
        public var date: Date
        public var timeZone: TimeZone
        public var agent: String?
        public var custPhone: String?
        public var campaign: String?
        public var inGroup: String?
        public var leadID: String?
        public var vendorLeadCode: String?
        public var callID: String?
        public var station: String?
        public var recordingID: Int64?

        public init(date: Date, timeZone: TimeZone, agent: String? = nil, custPhone: String? = nil,
                    campaign: String? = nil, inGroup: String? = nil, leadID: String? = nil,
                    vendorLeadCode: String? = nil, callID: String? = nil, station: String? = nil,
                    recordingID: Int64? = nil) {
            self.date = date
            self.timeZone = timeZone
            self.agent = agent
            self.custPhone = custPhone
            self.campaign = campaign
            self.inGroup = inGroup
            self.leadID = leadID
            self.vendorLeadCode = vendorLeadCode
            self.callID = callID
            self.station = station
            self.recordingID = recordingID
        }

        public func value(of variable: Variable) -> String {
            switch variable {
            case .fullDate: TimeFormat.fullDate(date, timeZone: timeZone)
            case .tinyDate: TimeFormat.tinyDate(date, timeZone: timeZone)
            case .epoch: TimeFormat.epoch(date)
            case .agent: agent ?? ""
            case .custPhone: custPhone ?? ""
            case .campaign: campaign ?? ""
            case .inGroup: inGroup ?? ""
            case .leadID: leadID ?? ""
            case .vendorLeadCode: vendorLeadCode ?? ""
            case .callID: callID ?? ""
            case .station: station ?? ""
            case .recordingID: recordingID.map(String.init) ?? ""
            }
        }
    }

    /// The file name without extension for `values` (see ``render(stage:value:)``).
    public func render(_ values: Values, stage: Stage? = nil) -> String {
        render(stage: stage) { values.value(of: $0) }
    }
}

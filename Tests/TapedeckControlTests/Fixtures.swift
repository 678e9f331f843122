import Foundation
@testable import TapedeckControl

/// Shared test values. 2026-11-21 10:10:10 in a fixed +01:00 zone.
enum Fixture {
    static let zone = TimeZone(secondsFromGMT: 3600)!
    static let utc = TimeZone(secondsFromGMT: 0)!
    /// 2026-11-21T09:10:10Z = 10:10:10 +01:00.
    static let date = Date(timeIntervalSince1970: 1_795_252_210)

    static let agent = AgentSnapshot(agentUser: "1000", station: "st1", sessionID: "8600051",
                                     agentServer: "10.0.0.5", agentStatus: "PAUSED",
                                     loggedInAt: date.addingTimeInterval(-60))

    static func recording(id: Int64 = 42, function: RecordingFunction = .recording, stage: String? = nil,
                          status: RecordingSnapshot.Status = .started, start: Date = date,
                          filename: String = "20261121-101010__1000") -> RecordingSnapshot {
        RecordingSnapshot(id: id, function: function, kind: function == .recording ? .mono : .stereo,
                          status: status, format: .wav, agentUser: "1000", sessionID: "8600051",
                          station: "st1", filename: filename,
                          filePath: "/var/spool/tapedeck/\(filename).wav",
                          durationSeconds: status == .started ? nil : 12.5,
                          sizeBytes: status == .started ? nil : 200_044,
                          stage: stage.flatMap(Stage.init(sanitizing:)), serverIP: "10.0.0.9",
                          startTime: start, endTime: status == .started ? nil : start.addingTimeInterval(12.5),
                          createdAt: start, updatedAt: status == .started ? start : start.addingTimeInterval(13))
    }

    static func text(_ reply: Reply) -> String { reply.rendered(.text, timeZone: zone) }
    static func json(_ reply: Reply) -> String { reply.rendered(.json, timeZone: zone) }

    static func parse(_ line: String) -> Result<Request, RequestFailure> { Request.parse(line) }

    static func command(_ line: String) -> Command? {
        if case .success(let r) = Request.parse(line) { return r.command }
        return nil
    }

    static func failure(_ line: String) -> RequestFailure? {
        if case .failure(let f) = Request.parse(line) { return f }
        return nil
    }
}

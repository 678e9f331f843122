import Foundation
import TapedeckVocabulary

/// A START between its reservation and its commit: what it decided under the lock, and
/// what it has written since (its rows' ids, its final names).
struct PendingStart: Sendable {
    let request: Controller.StartRequest
    /// The command's arrival: the start time of the rows and of `recording.started`.
    let arrival: Date
    let mark: AudioMark
    /// The `StartReservation` it holds on its session.
    let reservation: Int
    let agent: AgentSnapshot
    /// The login it was reserved under (`AgentSession.serial`).
    let sessionSerial: Int
    /// The station's device losses when it was reserved.
    let stationLosses: Int
    /// The call it belongs to, if it started during one.
    let callSerial: Int?
    let template: FilenameTemplate
    var values: FilenameTemplate.Values
    var snapshot: RecordingSnapshot
    var legs: [RecordingSnapshot] = []
    var plan: RecordingPlan
    /// The names it holds in `namesInUse` (none until the final name is chosen).
    var names: [String] = []

    var rows: [RecordingSnapshot] { [snapshot] + legs }
}

import Foundation
import TapedeckVocabulary

extension Controller {
    /// A device was lost: the recordings on its `stations` end (cause `device_lost`,
    /// their files valid, their rows completed), then each station's `station.down` is
    /// sent. A START in flight on one of them ends its recording the same way when it
    /// commits. The agents stay logged in. Returns the recordings it ended.
    @discardableResult
    public func deviceLost(stations: [String], device: String, reason: String) -> [RecordingSnapshot] {
        let lost = Set(stations)
        let live: [LiveRecording] = state.withLock { s in
            for station in lost { s.stationLosses[station, default: 0] += 1 }
            var all: [LiveRecording] = []
            for key in s.sessions.keys where lost.contains(s.sessions[key]!.agent.station) {
                all += s.sessions[key]!.recordings
                s.sessions[key]!.recordings = []
            }
            return all
        }
        let done = complete(live, cause: .deviceLost)
        let now = clock()
        for station in stations {
            events.publish(Event(.stationDown(station: station, device: device, reason: reason), createdAt: now))
        }
        return done
    }

    /// A lost device was reopened: each of its stations' `station.up` is sent.
    public func deviceRestored(stations: [String], device: String) {
        let now = clock()
        for station in stations { events.publish(Event(.stationUp(station: station, device: device), createdAt: now)) }
    }
}

import Testing
@testable import TapedeckEngine
import TapedeckAudio

/// What a reload reports as changed, from the old and the new layout.
@Suite struct EngineChangesTests {
    static func device(_ name: String, channels: Int = 4, pcm: String = "virtual") -> EngineLayout.Device {
        EngineLayout.Device(name: name, pcm: pcm, format: CaptureFormat(sampleRate: 8000, channels: channels))
    }

    static func station(_ name: String, _ device: String, _ agent: Int) -> EngineLayout.Station {
        EngineLayout.Station(name: name, device: device, agentChannel: agent, customerChannel: agent + 1)
    }

    @Test func addedRemovedAndChanged() {
        let old = EngineLayout(devices: [Self.device("a"), Self.device("b")],
                               stations: [Self.station("s1", "a", 0), Self.station("s2", "a", 2), Self.station("s3", "b", 0)])
        let new = EngineLayout(devices: [Self.device("a"), Self.device("b", pcm: "hw:1"), Self.device("c")],
                               stations: [Self.station("s1", "a", 0), Self.station("s2", "a", 0), Self.station("s3", "b", 0),
                                          Self.station("s4", "c", 0)])
        let c = EngineChanges.between(old, new)
        #expect(c.addedDevices == ["c"] && c.removedDevices == [] && c.changedDevices == ["b"])
        // s2 moved channels; s3 is unchanged itself but its device changed (a new ring).
        #expect(c.addedStations == ["s4"] && c.removedStations == [] && c.changedStations == ["s2", "s3"])
        #expect(!c.isEmpty && EngineChanges.between(new, new).isEmpty)
        let back = EngineChanges.between(new, old)
        #expect(back.removedDevices == ["c"] && back.removedStations == ["s4"])
    }

    @Test func ringsAreKeptOnlyForUnchangedStationsOnUnchangedDevices() {
        let old = EngineLayout(devices: [Self.device("a"), Self.device("b")],
                               stations: [Self.station("s1", "a", 0), Self.station("s2", "a", 2), Self.station("s3", "b", 0)])
        let before = AudioEngine.runtimes(for: old, keeping: [:], previous: nil)
        let new = EngineLayout(devices: [Self.device("a"), Self.device("b", channels: 2)],
                               stations: [Self.station("s1", "a", 0), Self.station("s2", "a", 0), Self.station("s3", "b", 0)],
                               historySeconds: 10)
        let after = AudioEngine.runtimes(for: new, keeping: before, previous: old)
        #expect(after["s1"]!.ring === before["s1"]!.ring)
        #expect(after["s2"]!.ring !== before["s2"]!.ring && after["s3"]!.ring !== before["s3"]!.ring)
        // New rings take the new history length; a kept one keeps its own.
        #expect(after["s2"]!.ring.capacity < before["s2"]!.ring.capacity)
        #expect(after["s1"]!.ring.capacity == before["s1"]!.ring.capacity)
    }
}

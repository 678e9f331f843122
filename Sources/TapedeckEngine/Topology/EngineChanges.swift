/// What a reload changed in the engine.
public struct EngineChanges: Sendable, Equatable {
    public var addedStations: [String] = []
    public var removedStations: [String] = []
    public var changedStations: [String] = []
    public var addedDevices: [String] = []
    public var removedDevices: [String] = []
    public var changedDevices: [String] = []
    /// Devices where part of the change waits for running recordings to end (a removed or
    /// changed device closes, a removed or changed station stops being fed, only then).
    public var waiting: [String] = []

    public var isEmpty: Bool {
        addedStations.isEmpty && removedStations.isEmpty && changedStations.isEmpty
            && addedDevices.isEmpty && removedDevices.isEmpty && changedDevices.isEmpty
    }

    static func between(_ old: EngineLayout, _ new: EngineLayout) -> EngineChanges {
        func diff<T>(_ a: [T], _ b: [T], _ name: (T) -> String, _ same: (T, T) -> Bool) -> ([String], [String], [String]) {
            let before = Dictionary(a.map { (name($0), $0) }, uniquingKeysWith: { x, _ in x })
            let after = Dictionary(b.map { (name($0), $0) }, uniquingKeysWith: { x, _ in x })
            return (after.keys.filter { before[$0] == nil }.sorted(),
                    before.keys.filter { after[$0] == nil }.sorted(),
                    after.compactMap { k, v in before[k].map { same($0, v) ? nil : k } ?? nil }.sorted())
        }
        var c = EngineChanges()
        (c.addedDevices, c.removedDevices, c.changedDevices) = diff(old.devices, new.devices, \.name, ==)
        // A station on a changed device changes with it (it gets a new ring).
        (c.addedStations, c.removedStations, c.changedStations) = diff(old.stations, new.stations, \.name) {
            $0 == $1 && old.device($1.device) == new.device($1.device)
        }
        return c
    }
}

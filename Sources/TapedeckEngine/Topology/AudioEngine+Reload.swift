import Foundation
import Synchronization
import TapedeckAudio
import TapedeckSystem

extension AudioEngine {
    /// The configured stations, each with a ring: kept from `old` where neither the station
    /// nor its device changed (its running recordings and history go on), new otherwise.
    static func runtimes(for layout: EngineLayout, keeping old: [String: StationRuntime],
                         previous: EngineLayout?) -> [String: StationRuntime] {
        var out: [String: StationRuntime] = [:]
        for s in layout.stations {
            guard let device = layout.device(s.device) else { continue }
            if let o = old[s.name], o.spec == s, previous?.device(s.device) == device {
                out[s.name] = o
            } else {
                out[s.name] = StationRuntime(spec: s, ring: HistoryRing(seconds: layout.historySeconds,
                                                                        sampleRate: device.format.sampleRate))
            }
        }
        return out
    }

    /// Takes a new layout (a configuration reload): new stations and devices capture at
    /// once; removed or changed ones go as soon as no running recording reads them. Running
    /// recordings are never cut: their rings are fed until they end.
    public func apply(_ layout: EngineLayout) -> EngineChanges {
        var changes = reconfiguring.withLock {
            topology.withLock { t in
                let changes = EngineChanges.between(t.wanted, layout)
                t.stations = Self.runtimes(for: layout, keeping: t.stations, previous: t.wanted)
                t.wanted = layout
                return changes
            }
        }
        changes.waiting = reconcile()
        return changes
    }

    /// Brings what runs in line with what is wanted, as far as running recordings allow;
    /// returns the devices still waiting for recordings to end (the monitor calls again
    /// every 250 ms while there are any).
    @discardableResult
    func reconcile() -> [String] {
        var lost: [DeviceChange] = []
        let waiting: Set<String> = reconfiguring.withLock {
            // `starting` is read before the writers' rings: a START hands its ring to a writer
            // before it leaves `starting`, so a ring in use is seen in one or the other.
            let (wanted, stations, starting) = topology.withLock { ($0.wanted, $0.stations, Set($0.starting.keys)) }
            let busy = starting.union(writer.rings())
            func inUse(_ taps: [StationTap]) -> Bool { taps.contains { busy.contains(ObjectIdentifier($0.ring)) } }
            var waiting: Set<String> = []
            // 1. Devices removed or changed: closed once nothing records from them.
            for (name, slot) in topology.withLock({ $0.devices }) where slot.config != wanted.device(name) {
                if inUse(slot.capture.taps) { waiting.insert(name); continue }
                slot.capture.stop()
                topology.withLock { $0.devices[name] = nil }
                logger.notice(wanted.device(name) == nil ? "device closed: removed from the configuration"
                                                         : "device closed: reopening with its new settings",
                              metadata: ["device": "\(name)"])
            }
            // 2. Devices configured and not open: opened (one that fails is down, and retried).
            for d in wanted.devices where slot(d.name) == nil {
                let taps = Self.taps(on: d.name, stations)
                do {
                    let capture = try Self.openCapture(d, taps: taps, logger: logger)
                    topology.withLock { $0.devices[d.name] = DeviceSlot(config: d, capture: capture) }
                } catch {
                    let slot = DeviceSlot(config: d, capture: ClosedCapture(taps: taps))
                    slot.markDown("\(error)", now: monotonicSeconds())
                    topology.withLock { $0.devices[d.name] = slot }
                    logger.error("cannot open device; its stations are down until it opens",
                                 metadata: ["device": "\(d.name)", "error": "\(error)"])
                    lost.append(.down(device: d.name, stations: taps.compactMap { tap in
                        stations.values.first { $0.ring === tap.ring }?.name }.sorted(), reason: "\(error)"))
                }
            }
            // 3. Devices as configured: fed the configured stations, plus the old rings that
            //    running recordings still read (removed or changed stations), until those end.
            for (name, slot) in topology.withLock({ $0.devices }) where slot.config == wanted.device(name) {
                let old = slot.capture.taps
                var taps = Self.taps(on: name, stations)
                let kept = Set(taps.map { ObjectIdentifier($0.ring) })
                let draining = old.filter { !kept.contains(ObjectIdentifier($0.ring)) && busy.contains(ObjectIdentifier($0.ring)) }
                if !draining.isEmpty { waiting.insert(name) }
                taps += draining
                let same = taps.count == old.count && zip(taps, old).allSatisfy {
                    $0.ring === $1.ring && $0.agentChannel == $1.agentChannel && $0.customerChannel == $1.customerChannel
                }
                if same { continue }
                do throws(Errno) {
                    try slot.capture.replaceTaps(taps)
                    logger.info("device re-tapped", metadata: ["device": "\(name)", "stations": "\(taps.count)"])
                } catch {
                    waiting.insert(name)
                    logger.warning("device not re-tapped yet; retrying", metadata: ["device": "\(name)", "error": "\(error)"])
                }
            }
            topology.withLock { $0.pending = !waiting.isEmpty }
            return waiting
        }
        for change in lost { onChange?(change) }
        return waiting.sorted()
    }
}

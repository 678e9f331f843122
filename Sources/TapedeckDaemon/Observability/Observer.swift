import Foundation
import TapedeckControl
import TapedeckDomain
import TapedeckAudio
import TapedeckEngine
import TapedeckSystem
import TapedeckWebhooks

/// Answers `function=metrics` and `function=health` for the control server,
/// from the registry and what the engine, the controller and the event hub show now.
/// Reads locks and atomics only; never blocks a capture or the writer thread.
final class Observer: Sendable {
    let metrics: Metrics
    let engine: AudioEngine
    let controller: Controller
    let events: EventHub
    let startedAt: ContinuousClock.Instant
    let webhooks: Webhooks?

    /// The devices and stations in configuration order (the configuration in force: a
    /// reload changes it).
    var layout: EngineLayout { engine.layout }

    init(metrics: Metrics, engine: AudioEngine, controller: Controller, events: EventHub,
         webhooks: Webhooks? = nil, startedAt: ContinuousClock.Instant = .now) {
        self.webhooks = webhooks
        self.metrics = metrics
        self.engine = engine
        self.controller = controller
        self.events = events
        self.startedAt = startedAt
    }

    func answer(_ probe: Probe) -> Reply {
        switch probe {
        case .metrics: .metrics(MetricsRenderer.render(metricsInput()))
        case .health: .health(health())
        }
    }

    func metricsInput() -> MetricsInput {
        let layout = self.layout
        var m = MetricsInput(counters: metrics.counters)
        for r in controller.activeRecordings { m.activeByKind[r.kind.rawValue, default: 0] += 1 }
        for d in layout.devices {
            guard let stats = engine.captureStats(device: d.name) else { continue }
            m.devices.append(.init(name: d.name, up: engine.captureProblem(device: d.name) == nil, framesCaptured: stats.framesCaptured,
                                   overruns: stats.overruns, framesLost: stats.framesGapFilled,
                                   stalled: engine.captureStall(device: d.name) != nil))
        }
        let lags = engine.ringLags()
        var lagSeconds = 0.0
        for s in layout.stations {
            guard let lag = lags[s.name] else { continue }
            let ratio = lag.capacity > 0 ? min(1, Double(lag.frames) / Double(lag.capacity)) : 0
            m.stations.append(.init(name: s.name, ringFillRatio: ratio))
            if lag.sampleRate > 0 { lagSeconds = max(lagSeconds, Double(lag.frames) / Double(lag.sampleRate)) }
        }
        m.writerLagSeconds = lagSeconds
        m.heapInUseBytes = HeapUsage.bytesInUse()
        m.eventSubscribers = events.subscriberCount
        m.agentsLoggedIn = controller.agents.count
        if let webhooks, !webhooks.router.endpoints.isEmpty, let stats = try? webhooks.log.outboxStats() {
            m.webhooks = .init(pending: stats.pending, dead: stats.dead,
                               oldestPendingSeconds: stats.oldestPendingCreatedAt.map { max(0, Date().timeIntervalSince($0)) } ?? 0,
                               delivered: webhooks.counters.delivered, failed: webhooks.counters.failed,
                               givenUp: webhooks.counters.dead)
        }
        return m
    }

    func health() -> HealthSnapshot {
        let layout = self.layout
        let devices = layout.devices.map { d in
            let problem = engine.captureProblem(device: d.name)
            // Open but silent for a while: stalled, a problem as much as a device that is down.
            let stall = problem == nil ? engine.captureStall(device: d.name) : nil
            return HealthSnapshot.Device(name: d.name, pcm: d.pcm, up: problem == nil && stall == nil, stalled: stall != nil,
                                         error: problem ?? stall.map { "no audio for \(CaptureStats.seconds($0))" })
        }
        let up = Dictionary(devices.map { ($0.name, $0.up) }, uniquingKeysWith: { a, _ in a })
        let stalled = Dictionary(devices.map { ($0.name, $0.stalled) }, uniquingKeysWith: { a, _ in a })
        let agents = Dictionary(controller.agents.map { ($0.station, $0.agentUser) }, uniquingKeysWith: { a, _ in a })
        let active = controller.activeRecordings
        var perStation: [String: Int] = [:]
        for r in active { perStation[r.station, default: 0] += 1 }
        let stations = layout.stations.map { s in
            HealthSnapshot.Station(name: s.name, device: s.device, up: up[s.device] ?? false, stalled: stalled[s.device] ?? false,
                                   agentUser: agents[s.name], recordingsActive: perStation[s.name] ?? 0)
        }
        let elapsed = startedAt.duration(to: .now).components
        let uptime = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        return HealthSnapshot(devices: devices, stations: stations, recordingsActive: active.count, uptimeSeconds: uptime)
    }
}

import Dispatch
import Logging
import Synchronization
import Testing
@testable import TapedeckAudio
@testable import TapedeckEngine

/// The device monitor reports a lost device after it lets go of the engine's locks: the
/// daemon's handler ends the station's recordings and waits for their files, and may
/// reach back into the engine meanwhile (a reload, a START).
@Suite struct DeviceMonitorTests {
    static let layout = EngineLayout(
        devices: [.init(name: "d", pcm: VirtualCaptureSource.deviceName, format: CaptureFormat(sampleRate: 8000, channels: 2))],
        stations: [.init(name: "s", device: "d", agentChannel: 0, customerChannel: 1)], historySeconds: 2)

    /// Before, the handler ran under `reconfiguring`, so a reload from inside it waited
    /// for the monitor's own lock forever (and with it every later reload and reopen).
    @Test func theChangeHandlerCanReloadTheEngine() throws {
        let engine = try AudioEngine(layout: Self.layout, logger: Logger(label: "test"))
        let seen = Mutex<[String]>([])
        let handled = DispatchSemaphore(value: 0)
        engine.startMonitor { change in
            let changes = engine.apply(engine.layout)
            seen.withLock { log in
                switch change {
                case .down(let device, let stations, _): log.append("down \(device) \(stations) \(changes.isEmpty)")
                case .up(let device, let stations): log.append("up \(device) \(stations) \(changes.isEmpty)")
                }
            }
            handled.signal()
        }
        // The device fails: its capture is replaced by one that has failed.
        let slot = try #require(engine.slot("d"))
        slot.replace(with: ClosedCapture(taps: slot.capture.taps)).stop()
        guard handled.wait(timeout: .now() + 10) == .success else {
            Issue.record("the monitor's handler did not return: it deadlocked on the engine's lock")
            return
        }
        #expect(seen.withLock { $0 } == ["down d [\"s\"] true"])
        // The monitor goes on: it reopens the device (after 1 s), and says so.
        #expect(handled.wait(timeout: .now() + 10) == .success)
        #expect(seen.withLock { $0 }.last == "up d [\"s\"] true")
        #expect(engine.unavailability(of: "s") == nil)
        engine.shutdown()
    }
}

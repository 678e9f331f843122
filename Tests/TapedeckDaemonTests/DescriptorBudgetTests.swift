import Foundation
import Testing
import TapedeckConfig
@testable import TapedeckDaemon

@Suite struct DescriptorBudgetTests {
    func config(_ extra: (inout TapedeckConfiguration) -> Void = { _ in }) -> TapedeckConfiguration {
        var c = TapedeckConfiguration.virtualDemo(spool: "/tmp/s", socket: "/tmp/c.sock", database: "/tmp/d.sqlite")
        extra(&c)
        return c
    }

    @Test func theDefaultsNeed1216WithTheMetricsListener() {
        #expect(DescriptorBudget(config()).needed == 128 + 256 + 3 * 256)
        #expect(DescriptorBudget(config { $0.metrics.listen = "127.0.0.1:9187" }).needed == 128 + 256 + 64 + 3 * 256)
        #expect(DescriptorBudget(config { $0.control.maxConnections = 1000; $0.recording.maxRecordings = 10 }).needed
                == 128 + 1000 + 30)
    }

    /// The unit's LimitNOFILE holds the defaults with the metrics listener on.
    @Test func theUnitsLimitCoversTheDefaults() throws {
        let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd/tapedeck.service")
        let text = try String(contentsOf: unit, encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("LimitNOFILE=") }
        let limit = try #require(line.flatMap { Int($0.dropFirst("LimitNOFILE=".count)) })
        #expect(limit >= DescriptorBudget(config { $0.metrics.listen = "127.0.0.1:9187" }).needed)
    }
}

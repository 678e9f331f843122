import TapedeckControl
import TapedeckAudio
import TapedeckEngine

/// The values one scrape shows: the registry's counters and a snapshot of the engine and
/// the controller taken when asked.
struct MetricsInput: Sendable, Equatable {
    struct Device: Sendable, Equatable {
        var name: String
        var up: Bool
        var framesCaptured: UInt64
        var overruns: UInt64
        /// Frames lost to overruns and suspends (replaced by silence).
        var framesLost: UInt64
        /// Open, but it has delivered no audio for `CaptureStats.stallSeconds` or more.
        var stalled = false
    }

    struct Station: Sendable, Equatable {
        var name: String
        /// How much of the ring the slowest running recording lags, 0...1.
        var ringFillRatio: Double
    }

    var counters = Metrics.Counters()
    /// Running recordings by kind.
    var activeByKind: [String: Int] = [:]
    /// In configuration order.
    var devices: [Device] = []
    var stations: [Station] = []
    var writerLagSeconds: Double = 0
    /// The C allocator's bytes in use (`HeapUsage`): flat over START/STOP churn unless
    /// something leaks.
    var heapInUseBytes: UInt64 = 0
    var eventSubscribers = 0
    var agentsLoggedIn = 0
    struct Webhooks: Sendable, Equatable {
        var pending: Int
        var dead: Int
        var oldestPendingSeconds: Double
        var delivered: UInt64
        var failed: UInt64
        var givenUp: UInt64
    }
    /// The webhook outbox and its deliveries (nil with no `[[webhook]]` configured).
    var webhooks: Webhooks?
}

/// Renders ``MetricsInput`` in the Prometheus text exposition format, version 0.0.4
/// (`text/plain; version=0.0.4`): `# HELP` and `# TYPE` then the samples of each family,
/// families in a fixed order, no empty line, every line ending in `\n`.
enum MetricsRenderer {
    static let kinds = RecordingSnapshot.Kind.allCases.map(\.rawValue)

    static func render(_ m: MetricsInput) -> String {
        var out = Exposition()
        out.family("tapedeck_recordings_active", .gauge, "Recordings running now, by kind.")
        for k in kinds { out.sample("tapedeck_recordings_active", ["kind": k], m.activeByKind[k] ?? 0) }
        out.family("tapedeck_recordings_started_total", .counter, "Recordings started, by kind.")
        for k in kinds { out.sample("tapedeck_recordings_started_total", ["kind": k], m.counters.started[k] ?? 0) }
        out.family("tapedeck_recordings_completed_total", .counter,
                   "Recordings that ended with a complete file (or were discarded as too short), by kind and cause.")
        for (key, n) in m.counters.completed.sorted(by: { $0.key < $1.key }) {
            out.sample("tapedeck_recordings_completed_total", ["kind": key.kind, "cause": key.cause], n)
        }
        out.family("tapedeck_recordings_failed_total", .counter, "Recordings that ended with an error, by kind and cause.")
        for (key, n) in m.counters.failed.sorted(by: { $0.key < $1.key }) {
            out.sample("tapedeck_recordings_failed_total", ["kind": key.kind, "cause": key.cause], n)
        }
        out.family("tapedeck_bytes_written_total", .counter, "Bytes in the files of recordings that have ended.")
        out.sample("tapedeck_bytes_written_total", [:], m.counters.bytesWritten)
        out.family("tapedeck_config_reloads_total", .counter,
                   "Configuration reloads (SIGHUP), by result: applied, or refused (the running configuration stayed).")
        for r in ["applied", "refused"] { out.sample("tapedeck_config_reloads_total", ["result": r], m.counters.reloads[r] ?? 0) }

        out.family("tapedeck_device_up", .gauge, "1 while the device captures, 0 when it is down.")
        for d in m.devices { out.sample("tapedeck_device_up", ["device": d.name], d.up ? 1 : 0) }
        out.family("tapedeck_device_stalled", .gauge,
                   "1 while the device is open but has delivered no audio for \(Exposition.number(CaptureStats.stallSeconds)) s or more, else 0.")
        for d in m.devices { out.sample("tapedeck_device_stalled", ["device": d.name], d.stalled ? 1 : 0) }
        out.family("tapedeck_device_frames_captured_total", .counter, "Frames captured from the device.")
        for d in m.devices { out.sample("tapedeck_device_frames_captured_total", ["device": d.name], d.framesCaptured) }
        out.family("tapedeck_device_overruns_total", .counter, "Capture overruns (xruns) on the device.")
        for d in m.devices { out.sample("tapedeck_device_overruns_total", ["device": d.name], d.overruns) }
        out.family("tapedeck_device_frames_lost_total", .counter,
                   "Frames lost to overruns and suspends on the device (replaced by silence).")
        for d in m.devices { out.sample("tapedeck_device_frames_lost_total", ["device": d.name], d.framesLost) }

        out.family("tapedeck_ring_fill_ratio", .gauge,
                   "How much of the station's history ring the slowest running recording lags (0 to 1).")
        for s in m.stations { out.sample("tapedeck_ring_fill_ratio", ["station": s.name], s.ringFillRatio) }
        out.family("tapedeck_writer_lag_seconds", .gauge,
                   "The largest lag of a running recording behind its ring's write position, in seconds.")
        out.sample("tapedeck_writer_lag_seconds", [:], m.writerLagSeconds)

        out.family("tapedeck_command_duration_seconds", .histogram, "Time to handle a control request, by function.")
        for (function, h) in m.counters.commands.sorted(by: { $0.key < $1.key }) {
            var cumulative: UInt64 = 0
            for (i, bound) in h.bounds.enumerated() {
                cumulative += h.counts[i]
                out.sample("tapedeck_command_duration_seconds_bucket", ["function": function, "le": Exposition.number(bound)], cumulative)
            }
            out.sample("tapedeck_command_duration_seconds_bucket", ["function": function, "le": "+Inf"], h.count)
            out.sample("tapedeck_command_duration_seconds_sum", ["function": function], h.sum)
            out.sample("tapedeck_command_duration_seconds_count", ["function": function], h.count)
        }

        out.family("tapedeck_heap_in_use_bytes", .gauge,
                   "Bytes the allocator has handed out and not been given back (grows with a leak; RSS also keeps freed memory).")
        out.sample("tapedeck_heap_in_use_bytes", [:], m.heapInUseBytes)
        out.family("tapedeck_event_subscribers", .gauge, "Connections following the event stream.")
        out.sample("tapedeck_event_subscribers", [:], m.eventSubscribers)
        out.family("tapedeck_agents_logged_in", .gauge, "Agents logged in.")
        out.sample("tapedeck_agents_logged_in", [:], m.agentsLoggedIn)
        if let w = m.webhooks {
            out.family("tapedeck_webhook_queue_depth", .gauge, "Webhook deliveries pending in the outbox.")
            out.sample("tapedeck_webhook_queue_depth", [:], w.pending)
            out.family("tapedeck_webhook_oldest_pending_seconds", .gauge, "Age of the oldest pending webhook delivery (0 with none).")
            out.sample("tapedeck_webhook_oldest_pending_seconds", [:], w.oldestPendingSeconds)
            out.family("tapedeck_webhook_dead", .gauge, "Webhook deliveries kept as dead (given up past their horizon).")
            out.sample("tapedeck_webhook_dead", [:], w.dead)
            out.family("tapedeck_webhook_deliveries_total", .counter, "Webhook deliveries answered 2xx since start.")
            out.sample("tapedeck_webhook_deliveries_total", [:], w.delivered)
            out.family("tapedeck_webhook_failures_total", .counter, "Webhook attempts that failed (non-2xx, no answer) since start.")
            out.sample("tapedeck_webhook_failures_total", [:], w.failed)
            out.family("tapedeck_webhook_dead_total", .counter, "Webhook deliveries given up since start.")
            out.sample("tapedeck_webhook_dead_total", [:], w.givenUp)
        }
        return out.text
    }
}

/// Text exposition format 0.0.4 writing: label values escaped (`\` `"` newline), HELP
/// text escaped (`\` newline), numbers as Go's ParseFloat reads them.
struct Exposition {
    enum Kind: String { case counter, gauge, histogram }
    private(set) var text = ""

    mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    /// Labels in the order given by `labels`' keys: `kind`, `cause`, `device`, `station`,
    /// `function`, `le` (a fixed order, not the dictionary's).
    mutating func sample(_ name: String, _ labels: [String: String], _ value: some BinaryInteger) {
        line(name, labels, String(value))
    }

    mutating func sample(_ name: String, _ labels: [String: String], _ value: Double) {
        line(name, labels, Self.number(value))
    }

    static let labelOrder = ["kind", "cause", "device", "station", "function", "le"]

    private mutating func line(_ name: String, _ labels: [String: String], _ value: String) {
        text += name
        if !labels.isEmpty {
            let keys = Self.labelOrder.filter { labels[$0] != nil } + labels.keys.filter { !Self.labelOrder.contains($0) }.sorted()
            text += "{" + keys.map { "\($0)=\"\(Self.escapeLabel(labels[$0]!))\"" }.joined(separator: ",") + "}"
        }
        text += " " + value + "\n"
    }

    static func escapeLabel(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func escapeHelp(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Whole numbers without a fraction (`1`, `0`), others in Swift's shortest form
    /// (`0.005`, `1e-05`), `+Inf`, `-Inf`, `NaN`.
    static func number(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "+Inf" : "-Inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

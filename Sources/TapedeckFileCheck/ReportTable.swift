/// The human-readable table of `tapedeck validate`: aligned columns (file,
/// format, rate, ch, bits/bitrate, duration, verdict, reasons) and a summary
/// line. Rows are streamed: column widths are fixed from the first
/// `blockSize` rows so memory stays bounded for any number of files; a later
/// longer value simply widens its own row.
public struct ReportTable {
    public private(set) var counts: [Verdict: Int] = [.ok: 0, .warning: 0, .broken: 0]
    private var pending: [[String]] = []
    private var widths: [Int]?
    private let blockSize: Int
    private let emit: (String) -> Void

    static let headers = ["FILE", "FORMAT", "RATE", "CH", "BITS/BITRATE", "DURATION", "VERDICT", "REASONS"]

    public init(blockSize: Int = 256, emit: @escaping (String) -> Void) {
        self.blockSize = max(1, blockSize)
        self.emit = emit
    }

    public var total: Int { counts.values.reduce(0, +) }

    public mutating func add(_ r: FileReport) {
        counts[r.verdict, default: 0] += 1
        let row = ReportTable.cells(r)
        if widths != nil {
            emitRow(row)
        } else {
            pending.append(row)
            if pending.count >= blockSize { flushPending() }
        }
    }

    /// Prints any buffered rows and the summary line.
    public mutating func finish() {
        flushPending()
        emit(summary)
    }

    public var summary: String {
        "\(total) file\(total == 1 ? "" : "s"): \(counts[.ok] ?? 0) ok, \(counts[.warning] ?? 0) warning, \(counts[.broken] ?? 0) broken"
    }

    private mutating func flushPending() {
        guard widths == nil else { return }
        var w = ReportTable.headers.map(\.count)
        for row in pending {
            for (i, cell) in row.enumerated() where i < w.count { w[i] = max(w[i], cell.count) }
        }
        widths = w
        emitRow(ReportTable.headers)
        for row in pending { emitRow(row) }
        pending.removeAll()
    }

    private func emitRow(_ row: [String]) {
        guard let widths else { return }
        var line = ""
        for (i, cell) in row.enumerated() {
            if i == row.count - 1 {
                line += cell
            } else {
                line += cell + String(repeating: " ", count: max(0, widths[i] - cell.count)) + "  "
            }
        }
        while line.last == " " { line.removeLast() }
        emit(line)
    }

    static func cells(_ r: FileReport) -> [String] {
        let rate = r.sampleRate.map { String($0) } ?? "-"
        let ch = r.channels.map { String($0) } ?? "-"
        var bits = "-"
        if r.format == .mp3 {
            if let b = r.bitrateKbps { bits = "\(b)k " + ((r.isVBR ?? false) ? "VBR" : "CBR") }
        } else if let b = r.bitsPerSample {
            bits = "\(b) bit" + (r.encoding.map { $0 == "pcm" ? "" : " " + $0 } ?? "")
        }
        let duration = r.durationSeconds.map { JSON.fixed($0, digits: 3) + " s" } ?? "-"
        let reasons = r.reasons.isEmpty ? "" : r.reasons.map(\.message).joined(separator: "; ")
        return [r.path, r.format.rawValue, rate, ch, bits, duration, r.verdict.rawValue, reasons].map(TerminalText.escaped)
    }
}

import TapedeckAudio
#if canImport(Glibc)
import Glibc
#endif

/// Elapsed time and a peak meter per leg, redrawn in place on a terminal.
struct TerminalMeter {
    let enabled = isatty(STDERR_FILENO) == 1
    private var lastDraw = 0.0

    mutating func draw(elapsed: Double, peaks: LegPeaks, now: Double) {
        guard enabled, now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let minutes = Int(elapsed) / 60
        let seconds = elapsed - Double(minutes * 60)
        let time = String(format2: minutes, seconds)
        writeStderr("\r\(time)  agent \(Self.bar(peaks.agent))  customer \(Self.bar(peaks.customer)) ")
    }

    func clear() {
        if enabled { writeStderr("\r\u{1B}[K") }
    }

    /// A 20-cell bar over −60…0 dBFS, with the peak in dB.
    static func bar(_ peak: Int) -> String {
        let db = LegPeaks.dBFS(peak) ?? -96
        let cells = max(0, min(20, Int(((db + 60) / 3).rounded(.down))))
        let label = db <= -96 ? "  -inf" : String(repeating: " ", count: max(0, 6 - String(Int(db.rounded())).count)) + String(Int(db.rounded()))
        return "[" + String(repeating: "#", count: cells) + String(repeating: "-", count: 20 - cells) + "]" + label + " dB"
    }
}

extension String {
    /// `MM:SS.t`
    init(format2 minutes: Int, _ seconds: Double) {
        let tenths = Int((seconds * 10).rounded(.down))
        let s = tenths / 10, t = tenths % 10
        self = (minutes < 10 ? "0" : "") + String(minutes) + ":" + (s < 10 ? "0" : "") + String(s) + "." + String(t)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// One DTMF key heard on a leg: reported once per tone, when it is confirmed.
public struct DTMFEvent: Sendable, Equatable {
    /// "0"…"9", "*", "#", or "A"…"D" (the fourth column; a caller that wants only the
    /// twelve telephone keys compares against the key it waits for).
    public let key: Character
    /// Estimated frame position of the tone's first frame (see docs/detection.md: within
    /// a few milliseconds on a clean line, never later than `confirmedAt`). Cutting the
    /// file here removes the tone.
    public let start: UInt64
    /// Frame position just after the last block that confirmed the key (when it was
    /// decided; the tone may still be sounding).
    public let confirmedAt: UInt64
    /// Measured level of each tone (peak of the sine, dBFS) at its nominal frequency.
    public let rowLevelDBFS: Double
    public let columnLevelDBFS: Double

    public init(key: Character, start: UInt64, confirmedAt: UInt64, rowLevelDBFS: Double, columnLevelDBFS: Double) {
        self.key = key
        self.start = start
        self.confirmedAt = confirmedAt
        self.rowLevelDBFS = rowLevelDBFS
        self.columnLevelDBFS = columnLevelDBFS
    }
}

/// Streaming DTMF receiver for one leg (ITU-T Q.24 tolerances), pure Swift, no
/// allocation after `init`.
///
/// Goertzel filters at the eight DTMF frequencies run over blocks of ≈12.75 ms (102
/// samples at 8 kHz, scaled with the rate) every half block. A block is a *hit* for a key
/// when one row and one column tone are both loud enough, within the twist limits, well
/// above the other rows and columns, carry most of the block's energy, sit within the
/// frequency tolerance (Hann-windowed probe filters at ±4 %) and have no strong second harmonic. A key is
/// confirmed after `hitsToConfirm` consecutive hits and reported once; it is reported
/// again only after `missesToRelease` consecutive non-hits (a pause) or when a different
/// key is confirmed. docs/detection.md has the figures and the test evidence.
///
/// Feed it every frame of the leg in order; a `startPosition` that does not continue the
/// previous call (frames skipped: paused or masked audio the caller did not feed) resets
/// it, so a tone never spans a gap.
public final class DTMFDetector {
    public struct Parameters: Sendable, Equatable {
        /// Lowest level accepted for each of the two tones, as the sine's peak in dBFS
        /// (−36 dBFS ≈ −32.9 dBm0 with 0 dBm0 = −3.14 dBFS, the G.711 convention).
        public var minToneLevelDBFS: Double = -36
        /// How far the high-group (column) tone may be above the low-group (row) tone, dB
        /// ("reverse twist" in Asterisk and spandsp): Q.24's 4 dB plus 1 dB for the
        /// measurement (an off-frequency tone reads up to 0.5 dB low, leakage ±0.2 dB).
        public var maxColumnAboveRowDB: Double = 5
        /// How far the row tone may be above the column tone, dB ("normal twist"): Q.24's
        /// 8 dB plus the same 1 dB.
        public var maxRowAboveColumnDB: Double = 9
        /// The chosen row (column) must exceed every other row (column) by this, dB.
        public var relativePeakDB: Double = 8
        /// Share of the block's energy that the two tones must carry.
        public var minToneEnergyShare: Double = 0.7
        /// Probe filters at f·(1 ± probe): a tone closer to a probe than to its nominal
        /// frequency (deviation beyond probe/2 = 2 %) is not a hit.
        public var frequencyProbe: Double = 0.04
        /// The energy at twice the column frequency must be this far below the column, dB.
        public var columnHarmonicDB: Double = 10
        /// The energy at twice the row frequency must be this far below the row, dB.
        /// Negative (a weak check) because the column tone leaks into the row's harmonic
        /// filter: 2·697 = 1394 Hz is 0.74 bin from 1336 Hz, 0.49 bin from 1336 Hz + 1.5 %,
        /// and with the column 4 dB up it reads above the row.
        public var rowHarmonicDB: Double = -6
        /// Consecutive hits (half-block steps) that confirm a key: 4 → tones of ≥ 31 ms are
        /// always accepted, ≤ 24 ms never.
        public var hitsToConfirm: Int = 4
        /// Consecutive non-hits that end a key: 5 → interruptions ≤ 17 ms are bridged,
        /// pauses ≥ 25 ms always separate two presses.
        public var missesToRelease: Int = 5

        public init() {}
    }

    /// The keypad: rows 697, 770, 852, 941 Hz; columns 1209, 1336, 1477, 1633 Hz.
    public static let rowFrequencies: [Double] = [697, 770, 852, 941]
    public static let columnFrequencies: [Double] = [1209, 1336, 1477, 1633]
    public static let keys: [[Character]] = [["1", "2", "3", "A"], ["4", "5", "6", "B"],
                                             ["7", "8", "9", "C"], ["*", "0", "#", "D"]]

    /// The DTMF row and column frequencies of `key`, nil for anything else.
    public static func frequencies(of key: Character) -> (row: Double, column: Double)? {
        for r in 0..<4 {
            for c in 0..<4 where keys[r][c] == key { return (rowFrequencies[r], columnFrequencies[c]) }
        }
        return nil
    }

    public let sampleRate: Int
    public let parameters: Parameters
    /// Samples per Goertzel block (102 at 8 kHz: bins 78.4 Hz wide at every rate).
    public let blockSize: Int
    /// Samples between block starts (half a block).
    public let hop: Int

    // Precomputed in init, read-only afterwards: [0..<8] fundamentals (rows then columns),
    // [8..<16] lower probes, [16..<24] upper probes, [24..<32] second harmonics.
    private let coefficients: UnsafeMutablePointer<Double>
    private let window: UnsafeMutablePointer<Double>
    private let hann: UnsafeMutablePointer<Double>
    private let windowed: UnsafeMutablePointer<Double>
    private let hannEnergies: UnsafeMutablePointer<Double>
    /// (Σ rectangular / Σ Hann)²: Hann energies to the rectangular scale.
    private let hannGain: Double
    private var energies: UnsafeMutablePointer<Double>
    private var previousEnergies: UnsafeMutablePointer<Double>
    private let minEnergy: Double
    private let columnAboveRow: Double
    private let rowAboveColumn: Double
    private let relativePeak: Double
    private let columnHarmonic: Double
    private let rowHarmonic: Double

    // Streaming state.
    private var fill = 0
    private var windowStart: UInt64 = 0
    private var nextPosition: UInt64?
    private var havePrevious = false
    // The run of consecutive hits of one key.
    private var runKey = -1
    private var runCount = 0
    private var runStart: UInt64 = 0
    private var runPreviousRow = 0.0
    private var runPreviousColumn = 0.0
    private var runHadPrevious = false
    private var runMaxRow = 0.0
    private var runMaxColumn = 0.0
    private var runLevelRow = 0.0
    private var runLevelColumn = 0.0
    private var hitRowEnergy = 0.0
    private var hitColumnEnergy = 0.0
    // The key last reported, until released.
    private var heldKey = -1
    private var misses = 0

    public init(sampleRate: Int, parameters: Parameters = Parameters()) {
        precondition(sampleRate >= 8000 && sampleRate <= 192_000, "DTMF detection needs 8–192 kHz")
        precondition(parameters.hitsToConfirm >= 1 && parameters.missesToRelease >= 1)
        self.sampleRate = sampleRate
        self.parameters = parameters
        let n = max(2, Int((102.0 * Double(sampleRate) / 8000).rounded()))
        blockSize = n
        hop = n / 2
        let fs = Double(sampleRate)
        coefficients = .allocate(capacity: 32)
        let all = Self.rowFrequencies + Self.columnFrequencies
        for i in 0..<8 {
            coefficients[i] = Goertzel.coefficient(frequency: all[i], sampleRate: fs)
            coefficients[8 + i] = Goertzel.coefficient(frequency: all[i] * (1 - parameters.frequencyProbe), sampleRate: fs)
            coefficients[16 + i] = Goertzel.coefficient(frequency: all[i] * (1 + parameters.frequencyProbe), sampleRate: fs)
            coefficients[24 + i] = Goertzel.coefficient(frequency: 2 * all[i], sampleRate: fs)
        }
        window = .allocate(capacity: n)
        window.initialize(repeating: 0, count: n)
        hann = .allocate(capacity: n)
        var sum = 0.0
        for i in 0..<n {
            hann[i] = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n - 1))
            sum += hann[i]
        }
        hannGain = (Double(n) / sum) * (Double(n) / sum)
        windowed = .allocate(capacity: n)
        windowed.initialize(repeating: 0, count: n)
        hannEnergies = .allocate(capacity: 2)
        hannEnergies.initialize(repeating: 0, count: 2)
        energies = .allocate(capacity: 8)
        energies.initialize(repeating: 0, count: 8)
        previousEnergies = .allocate(capacity: 8)
        previousEnergies.initialize(repeating: 0, count: 8)
        let amplitude = pow(10, parameters.minToneLevelDBFS / 20)
        minEnergy = (amplitude * Double(n) / 2) * (amplitude * Double(n) / 2)
        columnAboveRow = pow(10, parameters.maxColumnAboveRowDB / 10)
        rowAboveColumn = pow(10, parameters.maxRowAboveColumnDB / 10)
        relativePeak = pow(10, parameters.relativePeakDB / 10)
        columnHarmonic = pow(10, parameters.columnHarmonicDB / 10)
        rowHarmonic = pow(10, parameters.rowHarmonicDB / 10)
    }

    deinit {
        coefficients.deallocate()
        window.deallocate()
        hann.deallocate()
        windowed.deallocate()
        hannEnergies.deallocate()
        energies.deallocate()
        previousEnergies.deallocate()
    }

    /// Forgets everything heard so far (a partial block, a tone in progress, a held key).
    /// Called by itself when the positions fed jump.
    public func reset() {
        fill = 0
        nextPosition = nil
        havePrevious = false
        runKey = -1
        runCount = 0
        heldKey = -1
        misses = 0
    }

    /// Feeds `count` samples of one leg, `samples[i * stride]`, the first at absolute frame
    /// `startPosition`, and calls `onKey` for every key confirmed in them, in order. For
    /// the customer leg of the pipeline's agent/customer pairs: `process(pairs + 1,
    /// stride: 2, count: frames, startPosition: position) { … }`.
    public func process(_ samples: UnsafePointer<Int16>, stride: Int = 1, count: Int, startPosition: UInt64,
                        onKey: (DTMFEvent) -> Void) {
        if nextPosition != startPosition { reset() }
        if fill == 0 { windowStart = startPosition }
        nextPosition = startPosition &+ UInt64(count)
        let n = blockSize, h = hop
        var p = samples
        for _ in 0..<count {
            window[fill] = Double(p.pointee) * (1.0 / 32768)
            p += stride
            fill += 1
            if fill == n {
                if let event = analyze() { onKey(event) }
                window.update(from: window + h, count: n - h)
                fill = n - h
                windowStart += UInt64(h)
            }
        }
    }

    /// As `process(_:stride:count:startPosition:onKey:)`, returning the first key confirmed
    /// in this call. A call holding several presses (4096 frames at 8 kHz is 0.5 s) reports
    /// only the first; use the closure form when every key matters.
    @discardableResult
    public func process(_ samples: UnsafePointer<Int16>, stride: Int = 1, count: Int, startPosition: UInt64) -> DTMFEvent? {
        var first: DTMFEvent?
        process(samples, stride: stride, count: count, startPosition: startPosition) { event in
            if first == nil { first = event }
        }
        return first
    }

    /// Evaluates the full window `[windowStart, windowStart + blockSize)`.
    private func analyze() -> DTMFEvent? {
        let n = blockSize
        var total = 0.0
        for i in 0..<n { total += window[i] * window[i] }
        for k in 0..<8 { energies[k] = Goertzel.energy(window, count: n, coefficient: coefficients[k]) }
        let key = classify(total: total)
        let event = track(key)
        swap(&energies, &previousEnergies)
        havePrevious = true
        return event
    }

    /// The key index (row·4 + column) this block is a hit for, or −1.
    private func classify(total: Double) -> Int {
        let n = blockSize
        var r = 0, c = 4
        for k in 1..<4 where energies[k] > energies[r] { r = k }
        for k in 5..<8 where energies[k] > energies[c] { c = k }
        // A cheap gate first (the level proper is checked on the refined energies below).
        guard energies[r] >= minEnergy / 2, energies[c] >= minEnergy / 2 else { return reject(.level) }
        // One row and one column, clearly above the rest of their group. Rows are compared
        // through the rectangular window (adjacent rows are 0.93 bin apart, near its first
        // null); columns through the Hann window (≥ 1.6 bins apart), where a loud row tone
        // does not leak into the other columns (−41 dB instead of −21 dB).
        for k in 0..<4 where k != r && energies[k] * relativePeak > energies[r] { return reject(.relativePeak) }
        for i in 0..<n { windowed[i] = window[i] * hann[i] }
        let hc = Goertzel.energy(windowed, count: n, coefficient: coefficients[c])
        for k in 4..<8 where k != c {
            if Goertzel.energy(windowed, count: n, coefficient: coefficients[k]) * relativePeak > hc { return reject(.relativePeak) }
        }
        // Frequency tolerance, through the Hann window: each tone closer to its nominal
        // frequency than to a probe at ±4 %.
        guard withinTolerance(r, slot: 0), withinTolerance(c, slot: 1) else { return reject(.frequency) }
        // Each tone's energy read through the Hann window: the other tone leaks −41 dB
        // instead of −21 dB (at 3.4 bins), and a tone 1.5 % off reads at most 0.5 dB low,
        // so level and twist are measured to a few tenths of a dB.
        let er = hannEnergies[k(r)], ec = hannEnergies[k(c)]
        guard er >= minEnergy, ec >= minEnergy else { return reject(.level) }
        guard ec <= er * columnAboveRow, er <= ec * rowAboveColumn else { return reject(.twist) }
        // The two tones carry most of the block's energy: a sine of power P over n samples
        // has |X|² = P·n²/2 and Σx² = P·n.
        // (Rectangular readings: the Hann window would overrate a tone that covers only the
        // middle of the block, and let tones shorter than the duration limit through.)
        guard 2 * (energies[r] + energies[c]) >= parameters.minToneEnergyShare * Double(n) * total else {
            return reject(.energyShare)
        }
        // Speech has harmonics, DTMF does not.
        if Goertzel.energy(window, count: n, coefficient: coefficients[24 + c]) * columnHarmonic > ec { return reject(.columnHarmonic) }
        if Goertzel.energy(window, count: n, coefficient: coefficients[24 + r]) * rowHarmonic > er { return reject(.rowHarmonic) }
        hitRowEnergy = er
        hitColumnEnergy = ec
        return r * 4 + (c - 4)
    }

    @inline(__always) private func k(_ filter: Int) -> Int { filter < 4 ? 0 : 1 }

    /// Why blocks were not hits, counted for tests and tuning (only blocks that had both
    /// tones above the level floor are interesting; `.level` counts the rest).
    enum Rejection: Int, CaseIterable { case level, twist, relativePeak, energyShare, frequency, columnHarmonic, rowHarmonic }
    private(set) var rejections = [Int](repeating: 0, count: Rejection.allCases.count)

    private func reject(_ why: Rejection) -> Int {
        rejections[why.rawValue] += 1
        return -1
    }

    /// Whether filter `k`'s tone (in the Hann-windowed block) is nearer its nominal
    /// frequency than either probe; keeps the windowed energy, scaled to the rectangular
    /// window's (A·n/2)², in `hannEnergies[slot]`.
    private func withinTolerance(_ k: Int, slot: Int) -> Bool {
        let e = Goertzel.energy(windowed, count: blockSize, coefficient: coefficients[k])
        hannEnergies[slot] = e * hannGain
        return Goertzel.energy(windowed, count: blockSize, coefficient: coefficients[8 + k]) < e
            && Goertzel.energy(windowed, count: blockSize, coefficient: coefficients[16 + k]) < e
    }

    /// Runs, confirmation and release.
    private func track(_ key: Int) -> DTMFEvent? {
        guard key >= 0 else {
            runKey = -1
            runCount = 0
            misses += 1
            if misses >= parameters.missesToRelease { heldKey = -1 }
            return nil
        }
        misses = 0
        let r = key / 4, c = 4 + key % 4
        if key != runKey {
            runKey = key
            runCount = 0
            runStart = windowStart
            runHadPrevious = havePrevious
            runPreviousRow = previousEnergies[r]
            runPreviousColumn = previousEnergies[c]
            runMaxRow = 0
            runMaxColumn = 0
            runLevelRow = 0
            runLevelColumn = 0
        }
        runCount += 1
        runMaxRow = max(runMaxRow, energies[r])
        runMaxColumn = max(runMaxColumn, energies[c])
        runLevelRow = max(runLevelRow, hitRowEnergy)
        runLevelColumn = max(runLevelColumn, hitColumnEnergy)
        guard runCount == parameters.hitsToConfirm, key != heldKey else { return nil }
        heldKey = key
        return DTMFEvent(key: Self.keys[r][c - 4], start: estimatedStart(),
                         confirmedAt: windowStart + UInt64(blockSize),
                         rowLevelDBFS: level(runLevelRow), columnLevelDBFS: level(runLevelColumn))
    }

    /// Where the tone began: the block before the first hit (starting one hop earlier)
    /// holds its first m samples, and its Goertzel amplitude relative to a full block's
    /// gives m (amplitude grows linearly with the samples a sine covers).
    private func estimatedStart() -> UInt64 {
        guard runHadPrevious, runStart >= UInt64(hop), runMaxRow > 0, runMaxColumn > 0 else { return runStart }
        let share = (min(1, sqrt(runPreviousRow / runMaxRow)) + min(1, sqrt(runPreviousColumn / runMaxColumn))) / 2
        let covered = Int((share * Double(blockSize)).rounded())
        let previousStart = runStart - UInt64(hop)
        let estimate = previousStart + UInt64(blockSize - covered)
        // The previous block was not a hit and the first hit block was: the tone began
        // after the one's start and before the other's end.
        return min(max(estimate, previousStart), runStart + UInt64(blockSize / 2))
    }

    private func level(_ energy: Double) -> Double {
        10 * log10(4 * energy / (Double(blockSize) * Double(blockSize)))
    }
}

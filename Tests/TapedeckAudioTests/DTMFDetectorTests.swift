import Foundation
import Testing
import TapedeckTestSupport
@testable import TapedeckAudio

// MARK: - Test signals (shared with SilenceDetectorTests)

/// Synthetic signals as Double samples in [-1, 1) (1.0 = full scale), quantised at the end.
enum TestSignal {
    static func amplitude(_ dbfs: Double) -> Double { pow(10, dbfs / 20) }

    /// A sum of sines, each `(frequency, peak dBFS)`, for `frames` frames.
    static func sines(_ components: [(Double, Double)], rate: Int, frames: Int, phase: Double = 0.3) -> [Double] {
        var out = [Double](repeating: 0, count: frames)
        for (k, (f, db)) in components.enumerated() {
            let a = amplitude(db), w = 2 * Double.pi * f / Double(rate), p0 = phase * Double(k + 1)
            for i in 0..<frames { out[i] += a * sin(w * Double(i) + p0) }
        }
        return out
    }

    static func frames(_ ms: Double, _ rate: Int) -> Int { Int((ms * Double(rate) / 1000).rounded()) }

    static func silence(_ frames: Int) -> [Double] { [Double](repeating: 0, count: frames) }

    /// A DTMF tone: each tone at `level` dBFS, the column `twist` dB above the row, each
    /// frequency scaled by 1 + its deviation.
    static func dtmf(_ key: Character, rate: Int, frames: Int, level: Double = -10, twist: Double = 0,
                     rowDeviation: Double = 0, columnDeviation: Double = 0) -> [Double] {
        let (r, c) = DTMFDetector.frequencies(of: key)!
        return sines([(r * (1 + rowDeviation), level), (c * (1 + columnDeviation), level + twist)], rate: rate, frames: frames)
    }

    /// Deterministic white noise with the given RMS in dBFS (AES17: RMS + 3.01 dB).
    static func noise(frames: Int, rmsDBFS: Double, seed: UInt64 = 1) -> [Double] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        let rms = pow(10, rmsDBFS / 20) / 2.0.squareRoot()
        return (0..<frames).map { _ in
            // Box–Muller
            rms * (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
        }
    }

    /// A vowel: glottal harmonics (−6 dB/octave) through formant resonances, f0 gliding
    /// linearly from `f0` to `f0End` with 5 Hz vibrato, peak normalised to `peakDBFS`.
    static func vowel(formants: [(Double, Double)], f0: Double, f0End: Double, rate: Int, frames: Int,
                      peakDBFS: Double = -6) -> [Double] {
        let top = min(3800, 0.45 * Double(rate))
        let maxHarmonics = Int(top / min(f0, f0End))
        var phases = [Double](repeating: 0, count: maxHarmonics + 1)
        var out = [Double](repeating: 0, count: frames)
        func gain(_ f: Double) -> Double {
            var g = 1.0
            for (fc, bw) in formants {
                let re = 1 - (f / fc) * (f / fc), im = f * bw / (fc * fc)
                g /= (re * re + im * im).squareRoot()
            }
            return g
        }
        for i in 0..<frames {
            let t = Double(i) / Double(rate)
            let base = f0 + (f0End - f0) * Double(i) / Double(max(1, frames - 1))
            let f = base * (1 + 0.02 * sin(2 * Double.pi * 5 * t))
            var x = 0.0
            var k = 1
            while k <= maxHarmonics, Double(k) * f < top {
                phases[k] += 2 * Double.pi * Double(k) * f / Double(rate)
                x += gain(Double(k) * f) / Double(k) * sin(phases[k])
                k += 1
            }
            out[i] = x
        }
        return normalise(out, peakDBFS: peakDBFS)
    }

    static func normalise(_ x: [Double], peakDBFS: Double) -> [Double] {
        let peak = x.map(abs).max() ?? 0
        guard peak > 0 else { return x }
        let g = amplitude(peakDBFS) / peak
        return x.map { $0 * g }
    }

    static func add(_ a: [Double], _ b: [Double]) -> [Double] {
        precondition(a.count == b.count)
        return zip(a, b).map(+)
    }

    static func int16(_ x: [Double]) -> [Int16] {
        x.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) }
    }

    /// Raw 16-bit mono made by sox (`sox -n -r RATE -c 1 -b 16 -e signed -t raw FILE ARGS`).
    static func sox(_ args: [String], rate: Int) throws -> [Int16] {
        let path = FileManager.default.temporaryDirectory.path + "/tapedeck-detect-\(UUID().uuidString).raw"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try Subprocess.run("sox", ["-n", "-r", String(rate), "-c", "1", "-b", "16", "-e", "signed", "-t", "raw", path] + args)
        guard r.status == 0 else { throw SoxFailed(arguments: args, message: r.stderr) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    }
}

struct SoxFailed: Error, CustomStringConvertible {
    let arguments: [String]
    let message: String
    var description: String { "sox \(arguments.joined(separator: " ")) failed: \(message)" }
}

/// Feeds `samples` to a detector in uneven chunks (1 … 4096 frames) from an absolute
/// position, collecting every key.
func detectKeys(_ samples: [Int16], rate: Int, origin: UInt64 = 1_000_003,
                parameters: DTMFDetector.Parameters = .init(), rejections: UnsafeMutablePointer<[Int]>? = nil) -> [DTMFEvent] {
    let detector = DTMFDetector(sampleRate: rate, parameters: parameters)
    var events: [DTMFEvent] = []
    let chunks = [4096, 1, 37, 500, 102, 2048, 160, 3]
    var offset = 0, i = 0
    samples.withUnsafeBufferPointer { buf in
        while offset < buf.count {
            let n = min(chunks[i % chunks.count], buf.count - offset)
            detector.process(buf.baseAddress! + offset, count: n, startPosition: origin + UInt64(offset)) { events.append($0) }
            offset += n
            i += 1
        }
    }
    if let rejections { rejections.pointee = zip(rejections.pointee, detector.rejections).map(+) }
    return events
}

let allKeys: [Character] = Array("123A456B789C*0#D")

// MARK: - Tests

@Suite struct DTMFDetectorTests {
    let origin: UInt64 = 1_000_003

    // Every key, Swift-generated, back to back with 60 ms gaps, at several rates.
    @Test(arguments: [8000, 16000, 44100, 48000])
    func everyKeyWithPosition(rate: Int) {
        var signal = TestSignal.silence(TestSignal.frames(137, rate))
        var starts: [Int] = []
        for key in allKeys {
            starts.append(signal.count)
            signal += TestSignal.dtmf(key, rate: rate, frames: TestSignal.frames(70, rate))
            signal += TestSignal.silence(TestSignal.frames(60, rate) + 13)
        }
        let events = detectKeys(TestSignal.int16(signal), rate: rate, origin: origin)
        #expect(events.map(\.key) == allKeys)
        let detector = DTMFDetector(sampleRate: rate)
        for (event, truth) in zip(events, starts) {
            let t = origin + UInt64(truth)
            // Within a quarter block of the truth (the requirement is ±1 block).
            #expect(abs(Int(event.start) - Int(t)) <= detector.blockSize / 4, "\(event.key): start \(event.start), tone at \(t)")
            #expect(event.confirmedAt > event.start && event.confirmedAt <= t + UInt64(TestSignal.frames(40, rate)))
            #expect(abs(event.rowLevelDBFS + 10) < 1 && abs(event.columnLevelDBFS + 10) < 1)
        }
    }

    // Every key made by sox (`synth 0.1 sine ROW sine COL`), 250 ms into the stream.
    @Test(arguments: [8000, 16000])
    func everyKeyFromSox(rate: Int) throws {
        let detector = DTMFDetector(sampleRate: rate)
        for key in allKeys {
            let (r, c) = DTMFDetector.frequencies(of: key)!
            let samples = try TestSignal.sox(["synth", "0.1", "sine", String(r), "sine", String(c), "pad", "0.25", "0.25"], rate: rate)
            let events = detectKeys(samples, rate: rate, origin: 0)
            #expect(events.map(\.key) == [key])
            if let e = events.first {
                let truth = rate / 4
                #expect(abs(Int(e.start) - truth) <= detector.blockSize / 4, "\(key) from sox: start \(e.start), tone at \(truth)")
            }
        }
    }

    /// Tones of `ms` for every key, at many alignments to the block grid: how many found.
    func detections(ms: Double, rate: Int, level: Double = -10, twist: Double = 0,
                    rowDeviation: Double = 0, columnDeviation: Double = 0, keys: [Character] = allKeys) -> (found: Int, tried: Int) {
        var found = 0, tried = 0
        var why = [Int](repeating: 0, count: DTMFDetector.Rejection.allCases.count)
        defer { if found != 0 && found != tried { print("DIAG \(ms) ms level \(level) twist \(twist) dev \(rowDeviation)/\(columnDeviation): \(found)/\(tried) rejections \(why)") } }
        let blockSize = DTMFDetector(sampleRate: rate).blockSize
        for key in keys {
            for shift in Swift.stride(from: 0, to: blockSize, by: max(1, blockSize / 7)) {
                let tone = TestSignal.dtmf(key, rate: rate, frames: TestSignal.frames(ms, rate), level: level, twist: twist,
                                           rowDeviation: rowDeviation, columnDeviation: columnDeviation)
                let signal = TestSignal.silence(TestSignal.frames(100, rate) + shift) + tone + TestSignal.silence(TestSignal.frames(100, rate))
                let events = detectKeys(TestSignal.int16(signal), rate: rate, rejections: &why)
                tried += 1
                if events.count == 1 && events[0].key == key { found += 1 }
                #expect(events.count <= 1)
                #expect(events.allSatisfy { $0.key == key })
            }
        }
        return (found, tried)
    }

    @Test(arguments: [8000, 16000])
    func durationLimits(rate: Int) {
        for ms in [40.0, 45] {
            let r = detections(ms: ms, rate: rate)
            #expect(r.found == r.tried, "\(ms) ms tones: \(r.found) of \(r.tried) detected")
        }
        for ms in [20.0, 23] {
            let r = detections(ms: ms, rate: rate)
            #expect(r.found == 0, "\(ms) ms tones: \(r.found) of \(r.tried) detected")
        }
    }

    @Test(arguments: [8000, 16000])
    func frequencyTolerance(rate: Int) {
        for d in [0.01, -0.01, 0.015, -0.015] {
            for (rd, cd) in [(d, 0.0), (0.0, d), (d, d), (d, -d)] {
                let r = detections(ms: 60, rate: rate, rowDeviation: rd, columnDeviation: cd)
                #expect(r.found == r.tried, "row \(rd), column \(cd): \(r.found) of \(r.tried)")
            }
        }
        for d in [0.035, -0.035, 0.04, -0.04] {
            for (rd, cd) in [(d, 0.0), (0.0, d), (d, d)] {
                let r = detections(ms: 60, rate: rate, rowDeviation: rd, columnDeviation: cd)
                #expect(r.found == 0, "row \(rd), column \(cd): \(r.found) of \(r.tried)")
            }
        }
    }

    @Test func frequencyToleranceWithTwist() {
        // The other tone leaks into the probes; the worst case is the tolerance edge at the
        // twist limits.
        for twist in [4.0, -8] {
            for d in [0.015, -0.015] {
                for (rd, cd) in [(d, 0.0), (0.0, d)] {
                    let r = detections(ms: 60, rate: 8000, twist: twist, rowDeviation: rd, columnDeviation: cd)
                    #expect(r.found == r.tried, "twist \(twist), row \(rd), column \(cd): \(r.found) of \(r.tried)")
                }
            }
            for d in [0.035, -0.035] {
                for (rd, cd) in [(d, 0.0), (0.0, d)] {
                    let r = detections(ms: 60, rate: 8000, twist: twist, rowDeviation: rd, columnDeviation: cd)
                    #expect(r.found == 0, "twist \(twist), row \(rd), column \(cd): \(r.found) of \(r.tried)")
                }
            }
        }
    }

    @Test(arguments: [8000, 16000])
    func twistLimits(rate: Int) {
        // Column up to 4 dB above the row, row up to 8 dB above the column (Q.24), with
        // 1 dB of measurement allowance: 6 and −10 dB are rejected.
        for twist in [4.0, 3, 0, -7, -8] {
            let r = detections(ms: 60, rate: rate, twist: twist)
            #expect(r.found == r.tried, "twist \(twist): \(r.found) of \(r.tried)")
        }
        for twist in [6.0, 7, -10, -11] {
            let r = detections(ms: 60, rate: rate, twist: twist)
            #expect(r.found == 0, "twist \(twist): \(r.found) of \(r.tried)")
        }
    }

    @Test(arguments: [8000, 16000])
    func levelThreshold(rate: Int) {
        // −36 dBFS per tone is the floor: −35 accepted, −37 rejected.
        let accepted = detections(ms: 60, rate: rate, level: -35)
        #expect(accepted.found == accepted.tried)
        let rejected = detections(ms: 60, rate: rate, level: -37)
        #expect(rejected.found == 0, "\(rejected.found) of \(rejected.tried)")
        // −30 dBm0 (−33.14 dBFS) at the frequency tolerance's edge still passes.
        let edge = detections(ms: 60, rate: rate, level: -33.2, rowDeviation: 0.015, columnDeviation: 0.015)
        #expect(edge.found == edge.tried)
    }

    @Test func levelThresholdIsAParameter() {
        var p = DTMFDetector.Parameters()
        p.minToneLevelDBFS = -45
        let tone = TestSignal.silence(800) + TestSignal.dtmf("5", rate: 8000, frames: 480, level: -43) + TestSignal.silence(800)
        #expect(detectKeys(TestSignal.int16(tone), rate: 8000, parameters: p).map(\.key) == ["5"])
        #expect(detectKeys(TestSignal.int16(tone), rate: 8000).isEmpty)
    }

    @Test func heldKeyIsReportedOnce() {
        let rate = 8000
        let long = TestSignal.dtmf("7", rate: rate, frames: 2 * rate)
        #expect(detectKeys(TestSignal.int16(TestSignal.silence(500) + long + TestSignal.silence(500)), rate: rate).map(\.key) == ["7"])
        // A 10 ms interruption (Q.24: bridged) does not make a second press.
        var broken = TestSignal.dtmf("7", rate: rate, frames: 800)
        broken += TestSignal.silence(80)
        broken += TestSignal.dtmf("7", rate: rate, frames: 800)
        #expect(detectKeys(TestSignal.int16(TestSignal.silence(500) + broken + TestSignal.silence(500)), rate: rate).map(\.key) == ["7"])
    }

    @Test(arguments: [8000, 16000])
    func twoPressesWithShortGap(rate: Int) {
        for (a, b) in [("5", "5"), ("1", "#"), ("0", "0")] as [(Character, Character)] {
            for gap in [40.0, 50] {
                var s = TestSignal.silence(TestSignal.frames(100, rate))
                s += TestSignal.dtmf(a, rate: rate, frames: TestSignal.frames(50, rate))
                let second = s.count + TestSignal.frames(gap, rate)
                s += TestSignal.silence(TestSignal.frames(gap, rate))
                s += TestSignal.dtmf(b, rate: rate, frames: TestSignal.frames(50, rate))
                s += TestSignal.silence(TestSignal.frames(100, rate))
                let events = detectKeys(TestSignal.int16(s), rate: rate)
                #expect(events.map(\.key) == [a, b], "\(a) then \(b) after \(gap) ms")
                if events.count == 2 {
                    #expect(abs(Int(events[1].start) - Int(origin) - second) <= DTMFDetector(sampleRate: rate).blockSize / 4)
                }
            }
        }
        // Straight from one key to another: both reported.
        let direct = TestSignal.dtmf("3", rate: rate, frames: TestSignal.frames(60, rate))
            + TestSignal.dtmf("9", rate: rate, frames: TestSignal.frames(60, rate))
        #expect(detectKeys(TestSignal.int16(direct), rate: rate).map(\.key) == ["3", "9"])
    }

    @Test func detectedInNoiseAndUnderSpeech() {
        let rate = 8000
        // White noise 17 dB below each tone.
        let frames = 8000
        let tone = TestSignal.silence(2000) + TestSignal.dtmf("8", rate: rate, frames: 800) + TestSignal.silence(frames - 2800)
        let noisy = TestSignal.add(tone, TestSignal.noise(frames: frames, rmsDBFS: -27))
        #expect(detectKeys(TestSignal.int16(noisy), rate: rate).map(\.key) == ["8"])
        // A key pressed while a vowel is heard 15 dB lower.
        let voice = TestSignal.vowel(formants: [(730, 60), (1090, 80), (2440, 120)], f0: 120, f0End: 140, rate: rate, frames: frames, peakDBFS: -22)
        #expect(detectKeys(TestSignal.int16(TestSignal.add(tone, voice)), rate: rate).map(\.key) == ["8"])
    }

    // MARK: Talk-off: nothing but tones is a key

    static let vowels: [(String, [(Double, Double)])] = [
        ("i", [(270, 50), (2290, 70), (3010, 110)]), ("ɪ", [(390, 50), (1990, 70), (2550, 110)]),
        ("ɛ", [(530, 50), (1840, 70), (2480, 110)]), ("æ", [(660, 50), (1720, 70), (2410, 110)]),
        ("ɑ", [(730, 50), (1090, 70), (2440, 110)]), ("ɔ", [(570, 50), (840, 70), (2410, 110)]),
        ("ʊ", [(440, 50), (1020, 70), (2240, 110)]), ("u", [(300, 50), (870, 70), (2240, 110)]),
        ("ʌ", [(640, 50), (1190, 70), (2390, 110)]), ("ɝ", [(490, 50), (1350, 70), (1690, 110)]),
        // Formants placed on DTMF rows and columns on purpose.
        ("row/col", [(697, 40), (1209, 60), (2500, 110)]), ("row/col 2", [(852, 40), (1477, 60), (2600, 110)]),
    ]

    @Test(arguments: [8000, 16000])
    func noKeysInVowels(rate: Int) {
        var falseKeys: [String] = []
        for (name, formants) in Self.vowels {
            // f0 gliding over the whole 100–250 Hz range, then held at a few pitches.
            var s = TestSignal.vowel(formants: formants, f0: 100, f0End: 250, rate: rate, frames: 3 * rate)
            for f0 in [100.0, 116, 139, 174, 232, 250] {
                s += TestSignal.vowel(formants: formants, f0: f0, f0End: f0, rate: rate, frames: rate / 2)
            }
            let events = detectKeys(TestSignal.int16(s), rate: rate)
            falseKeys += events.map { "\(name): \($0.key) at \($0.start)" }
        }
        #expect(falseKeys.isEmpty, "\(falseKeys)")
    }

    @Test func noKeysInSoxNoiseAndSweeps() throws {
        for rate in [8000, 16000] {
            let signals: [[String]] = [
                ["synth", "5", "pinknoise", "vol", "0.5"],
                ["synth", "5", "brownnoise", "vol", "0.8"],
                ["synth", "5", "whitenoise", "vol", "0.3"],
                ["synth", "5", "sine", "200-3400"],
                ["synth", "5", "sine", "3400:200"],
                ["synth", "5", "square", "150-1700", "vol", "0.5"],
                ["synth", "5", "sine", "250-1750", "sine", "500-3500"],
            ]
            for args in signals {
                let samples = try TestSignal.sox(args, rate: rate)
                #expect(samples.count == 5 * rate)
                let events = detectKeys(samples, rate: rate)
                #expect(events.isEmpty, "sox \(args.joined(separator: " ")) at \(rate) Hz: \(events.map(\.key))")
            }
        }
    }

    @Test func noKeysFromSingleTones() {
        let rate = 8000
        for f in DTMFDetector.rowFrequencies + DTMFDetector.columnFrequencies {
            let s = TestSignal.sines([(f, -6)], rate: rate, frames: 2 * rate)
            #expect(detectKeys(TestSignal.int16(s), rate: rate).isEmpty, "\(f) Hz alone")
            // Even with noise, which fills the other group's bins.
            let noisy = TestSignal.add(s, TestSignal.noise(frames: s.count, rmsDBFS: -30, seed: UInt64(f)))
            #expect(detectKeys(TestSignal.int16(noisy), rate: rate).isEmpty, "\(f) Hz with noise")
        }
        // Two rows, two columns.
        #expect(detectKeys(TestSignal.int16(TestSignal.sines([(697, -10), (852, -10)], rate: rate, frames: rate)), rate: rate).isEmpty)
        #expect(detectKeys(TestSignal.int16(TestSignal.sines([(1209, -10), (1477, -10)], rate: rate, frames: rate)), rate: rate).isEmpty)
    }

    @Test func noKeysInChords() {
        let rate = 8000
        func note(_ semitonesFromA4: Int) -> Double { 440 * pow(2, Double(semitonesFromA4) / 12) }
        // Triads and sevenths across octaves 4–6, with piano-like harmonics and as pure sines.
        let chords: [[Int]] = [[3, 7, 10], [0, 3, 7], [-2, 2, 5], [-4, 0, 3, 7], [8, 12, 15], [15, 19, 22],
                               [10, 14, 17, 20], [-9, -5, -2], [5, 9, 12, 17], [7, 10, 14, 19]]
        var events: [String] = []
        for chord in chords {
            var harmonic: [(Double, Double)] = []
            var pure: [(Double, Double)] = []
            for n in chord {
                pure.append((note(n), -12))
                for k in 1...8 { harmonic.append((note(n) * Double(k), -12 - 15 * log2(Double(k)))) }
            }
            for comps in [harmonic.filter { $0.0 < 3800 }, pure] {
                let s = TestSignal.sines(comps, rate: rate, frames: 2 * rate)
                events += detectKeys(TestSignal.int16(s), rate: rate).map { "\(chord): \($0.key)" }
            }
        }
        #expect(events.isEmpty, "\(events)")
    }

    // MARK: Streaming contract

    @Test func customerLegOfPairs() {
        let rate = 8000
        let tone = TestSignal.int16(TestSignal.silence(400) + TestSignal.dtmf("#", rate: rate, frames: 600) + TestSignal.silence(400))
        let quiet = [Int16](repeating: 0, count: tone.count)
        func run(agent: [Int16], customer: [Int16]) -> DTMFEvent? {
            var pairs: [Int16] = []
            for i in 0..<agent.count { pairs += [agent[i], customer[i]] }
            let d = DTMFDetector(sampleRate: rate)
            return pairs.withUnsafeBufferPointer { d.process($0.baseAddress! + 1, stride: 2, count: agent.count, startPosition: 5000) }
        }
        #expect(run(agent: tone, customer: quiet) == nil)
        let e = run(agent: quiet, customer: tone)
        #expect(e?.key == "#")
        #expect(e.map { abs(Int($0.start) - 5400) <= 26 } == true)
    }

    @Test func gapInPositionsResetsAndResetForgets() {
        let rate = 8000
        let tone = TestSignal.int16(TestSignal.dtmf("6", rate: rate, frames: 480))   // 60 ms, fed in two halves
        let d = DTMFDetector(sampleRate: rate)
        var events: [DTMFEvent] = []
        func feed(_ first: UInt64, _ second: UInt64) {
            tone.withUnsafeBufferPointer { p in
                d.process(p.baseAddress!, count: 240, startPosition: first) { events.append($0) }
                d.process(p.baseAddress! + 240, count: 240, startPosition: second) { events.append($0) }
            }
        }
        // 1000 frames skipped between the halves (paused): two 30 ms pieces, no key.
        feed(0, 1240)
        #expect(events.isEmpty)
        // Contiguous: a key.
        feed(5000, 5240)
        #expect(events.map(\.key) == ["6"])
        // reset() forgets the held key: the same tone again, contiguous, is a new press.
        d.reset()
        feed(5480, 5720)
        #expect(events.map(\.key) == ["6", "6"])
    }

    @Test func firstEventFormAndBlockGeometry() {
        #expect(DTMFDetector(sampleRate: 8000).blockSize == 102)
        #expect(DTMFDetector(sampleRate: 8000).hop == 51)
        #expect(DTMFDetector(sampleRate: 16000).blockSize == 204)
        #expect(DTMFDetector(sampleRate: 48000).blockSize == 612)
        #expect(DTMFDetector.frequencies(of: "0")! == (941, 1336))
        #expect(DTMFDetector.frequencies(of: "x") == nil)
        // Three presses in one 4096-frame call: the closure form sees all, the returning form the first.
        var s = [Double]()
        for k in ["1", "2", "3"] as [Character] { s += TestSignal.dtmf(k, rate: 8000, frames: 480) + TestSignal.silence(480) }
        let samples = TestSignal.int16(s + TestSignal.silence(4096 - s.count))
        let d1 = DTMFDetector(sampleRate: 8000), d2 = DTMFDetector(sampleRate: 8000)
        var all: [Character] = []
        samples.withUnsafeBufferPointer { p in
            d1.process(p.baseAddress!, count: 4096, startPosition: 0) { all.append($0.key) }
            #expect(d2.process(p.baseAddress!, count: 4096, startPosition: 0)?.key == "1")
        }
        #expect(all == ["1", "2", "3"])
    }
}

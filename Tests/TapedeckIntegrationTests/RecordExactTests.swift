import Foundation
import Testing
import TapedeckTestSupport

/// `tapedeck record` through ALSA's `file` plugin: the device returns a known signal
/// exactly, so every sample of the output can be checked against what the mode must make.
@Suite struct RecordExactTests {
    /// Two legs that cover the interesting cases: ramps, full scale, sums that saturate.
    static let frames = 12_000
    static func signal() -> [Int16] {
        var s = [Int16]()
        s.reserveCapacity(2 * frames)
        for i in 0..<frames {
            let agent = Int16(truncatingIfNeeded: (i &* 97) % 60000 - 30000)
            let customer = i % 1000 < 500 ? Int16(32767 - i % 7) : Int16(-32768 + i % 5)
            s.append(agent)
            s.append(customer)
        }
        return s
    }

    static func expected(_ mode: String, _ s: [Int16]) -> [Int16] {
        let agent = stride(from: 0, to: s.count, by: 2).map { s[$0] }
        let customer = stride(from: 1, to: s.count, by: 2).map { s[$0] }
        switch mode {
        case "mono":
            return zip(agent, customer).map { Int16(clamping: Int32($0) + Int32($1)) }
        case "mono --average":
            return zip(agent, customer).map { Int16((Int32($0) + Int32($1)) >> 1) }
        case "stereo": return s
        case "stereo --swap": return zip(agent, customer).flatMap { [$1, $0] }
        case "agent": return agent
        case "customer": return customer
        default: fatalError("unknown mode \(mode)")
        }
    }

    @Test(arguments: ["mono", "mono --average", "stereo", "stereo --swap", "agent", "customer"])
    func everySampleIsWhatTheModeMakes(mode: String) throws {
        let dir = try TestDirectory()
        let signal = Self.signal()
        try dir.defineFileDevice("exact", raw: try dir.writeRaw("in.raw", samples: signal))
        let out = dir.file("out.wav")
        let words = mode.split(separator: " ").map(String.init)
        let r = try Subprocess.run(Binaries.tapedeck, ["record", "--device", "exact", "--mode", words[0]] + words.dropFirst()
                                   + ["--duration", "1.5", out], environment: dir.environment)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("recorded \(out): 1.500 s"))
        let wav = try WAVContents(path: out)
        #expect(wav.sampleRate == 8000 && wav.bitsPerSample == 16)
        #expect(wav.channels == (mode.hasPrefix("stereo") ? 2 : 1))
        #expect(wav.declaredDataSize == UInt32(wav.availableDataBytes))
        let want = Self.expected(mode, signal)
        #expect(wav.samples.count == want.count)
        let firstDifference = zip(wav.samples, want).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil, "first wrong sample: \(String(describing: firstDifference))")
        #expect(!FileManager.default.fileExists(atPath: out + ".part"))
    }

    /// `--offline` (the benchmarks' whole path): capture paced by the writer through
    /// `CapturePacer`, both sides blocking instead of polling. A recording longer than the
    /// ring (40 s against 32.8 s) makes the capture thread wait for the writer and the
    /// writer for the capture thread: every sample must still come out, in order.
    @Test(arguments: [20, 100])
    func offlineRecordingLongerThanTheRingIsExact(periodMilliseconds: Int) throws {
        let dir = try TestDirectory()
        let frames = 40 * 8000
        let signal = (0..<(2 * frames)).map { i in
            Int16(truncatingIfNeeded: i % 2 == 0 ? (i / 2) &* 13 : 20000 - (i / 2) % 40000)
        }
        try dir.defineFileDevice("long", raw: try dir.writeRaw("long.raw", samples: signal))
        let out = dir.file("long.wav")
        let r = try Subprocess.run(Binaries.tapedeck, ["record", "--offline", "--device", "long", "--mode", "mono",
                                                       "--period", String(periodMilliseconds), "--duration", "40", out],
                                   environment: dir.environment)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("offline, 0 frame(s) lost"), "\(r.stdout)")
        let wav = try WAVContents(path: out)
        let want = Self.expected("mono", signal)
        #expect(wav.samples.count == want.count)
        let firstDifference = zip(wav.samples, want).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil, "first wrong sample: \(String(describing: firstDifference))")
    }

    @Test func channelsOfAManyChannelDeviceAreSelected() throws {
        // 6 channels; the station is agent 4, customer 1.
        let dir = try TestDirectory()
        var s = [Int16]()
        for i in 0..<4000 { for c in 0..<6 { s.append(Int16(c * 1000 + i % 1000)) } }
        try dir.defineFileDevice("six", raw: try dir.writeRaw("six.raw", samples: s))
        let out = dir.file("six.wav")
        let r = try Subprocess.run(Binaries.tapedeck, ["record", "--device", "six", "--channels", "6", "--agent-channel", "4",
                                                       "--customer-channel", "1", "--mode", "stereo", "--duration", "0.5", out],
                                   environment: dir.environment)
        #expect(r.status == 0, "\(r.stderr)")
        let wav = try WAVContents(path: out)
        #expect(wav.channel(0) == (0..<4000).map { Int16(4000 + $0 % 1000) })
        #expect(wav.channel(1) == (0..<4000).map { Int16(1000 + $0 % 1000) })
    }
}

/// The built-in virtual device: paced, with the agent and the customer taking turns.
@Suite struct VirtualDeviceTests {
    @Test func agentAndCustomerTakeTurnsInTheirChannels() throws {
        let dir = try TestDirectory()
        let out = dir.file("virtual.wav")
        let r = try Subprocess.run(Binaries.tapedeck, ["record", "--device", "virtual", "--mode", "stereo", "--duration", "2.4", out],
                                   environment: dir.environment)
        #expect(r.status == 0, "\(r.stderr)")
        let wav = try WAVContents(path: out)
        #expect(wav.frames == 19_200)
        let left = wav.channel(0), right = wav.channel(1)
        // 0.2–1.0 s: the agent talks (440 Hz left), the customer is silent.
        #expect(ToneAnalysis.dominant(left[1600..<8000], among: [440, 1000], sampleRate: 8000).frequency == 440)
        #expect(ToneAnalysis.rms(left[1600..<8000]) > 3000)
        #expect(ToneAnalysis.rms(right[1600..<8000]) == 0)
        // 1.4–2.2 s: the customer talks (1000 Hz right), the agent is silent.
        #expect(ToneAnalysis.dominant(right[11200..<17600], among: [440, 1000], sampleRate: 8000).frequency == 1000)
        #expect(ToneAnalysis.rms(left[11200..<17600]) == 0)
    }
}

import Testing
@testable import TapedeckAudio

@Suite struct MixerTests {
    let pairs: [Int16] = [1000, 2000, 30000, 10000, -30000, -10000, 32767, -32768, -1, 0]

    func mix(_ mode: MixMode) -> [Int16] {
        var out = [Int16](repeating: 99, count: 5 * mode.outputChannels)
        pairs.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { Mixer.mix(mode, pairs: p.baseAddress!, frames: 5, into: $0.baseAddress!) }
        }
        return out
    }

    @Test func monoSumsWithSaturation() {
        #expect(mix(.mono()) == [3000, 32767, -32768, -1, -1])
    }

    @Test func monoAverage() {
        #expect(mix(.mono(average: true)) == [1500, 20000, -20000, -1, -1])
    }

    @Test func stereoKeepsAgentLeftCustomerRight() {
        #expect(mix(.stereo()) == pairs)
        #expect(mix(.stereo(swapped: true)) == [2000, 1000, 10000, 30000, -10000, -30000, -32768, 32767, 0, -1])
    }

    @Test func singleLegs() {
        #expect(mix(.agent) == [1000, 30000, -30000, 32767, -1])
        #expect(mix(.customer) == [2000, 10000, -10000, -32768, 0])
    }

    @Test func mixesInPlace() {
        var buf = pairs
        buf.withUnsafeMutableBufferPointer { Mixer.mix(.mono(), pairs: $0.baseAddress!, frames: 5, into: $0.baseAddress!) }
        #expect(Array(buf.prefix(5)) == [3000, 32767, -32768, -1, -1])
        var swapped = pairs
        swapped.withUnsafeMutableBufferPointer { Mixer.mix(.stereo(swapped: true), pairs: $0.baseAddress!, frames: 5, into: $0.baseAddress!) }
        #expect(swapped == [2000, 1000, 10000, 30000, -10000, -30000, -32768, 32767, 0, -1])
    }
}

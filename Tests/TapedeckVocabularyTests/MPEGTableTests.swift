import Testing
import TapedeckVocabulary

/// The MPEG tables and the MP3 bitrates Tapedeck accepts: one table for the protocol, the
/// configuration and the writer (TapedeckAudioTests' `MP3BitrateTests` measures with LAME
/// that these are exactly the bitrates it writes as asked).
@Suite struct MPEGTableTests {
    static let lameMPEG1 = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    static let lameMPEG2 = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    static let lameMPEG25 = [8, 16, 24, 32, 40, 48, 56, 64]

    @Test(arguments: [(8000, MPEGTableTests.lameMPEG25), (11025, MPEGTableTests.lameMPEG25), (12000, MPEGTableTests.lameMPEG25),
                      (16000, MPEGTableTests.lameMPEG2), (22050, MPEGTableTests.lameMPEG2), (24000, MPEGTableTests.lameMPEG2),
                      (32000, MPEGTableTests.lameMPEG1), (44100, MPEGTableTests.lameMPEG1), (48000, MPEGTableTests.lameMPEG1)])
    func bitratesPerSampleRate(_ rate: Int, _ bitrates: [Int]) {
        #expect(MP3Bitrates.at(sampleRate: rate) == bitrates)
        // Every one is in the standard's table of the rate's version, so a validator decodes it.
        #expect(Set(bitrates).isSubset(of: MPEGVersion(sampleRate: rate).layer3Bitrates))
    }

    @Test func everyBitrateOfSomeRate() {
        #expect(MP3Bitrates.any == [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320])
        #expect(Set(MPEGVersion.sampleRates.flatMap(MP3Bitrates.at(sampleRate:))).sorted() == MP3Bitrates.any)
        #expect(MP3Bitrates.list([8, 16, 24]) == "8, 16, 24")
    }

    @Test func versionsAndTheirRates() {
        #expect(MPEGVersion.sampleRates == [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000])
        #expect(MPEGVersion.allCases.flatMap(\.sampleRates).sorted() == MPEGVersion.sampleRates)
        for version in MPEGVersion.allCases {
            for rate in version.sampleRates { #expect(MPEGVersion(sampleRate: rate) == version) }
            #expect(MPEGVersion(headerBits: version.headerBits) == version)
            #expect(version.layer3Bitrates.count == 14)
        }
        #expect(MPEGVersion(headerBits: 0b01) == nil)
        #expect(MPEGVersion.mpeg1.sampleRates == [44100, 48000, 32000])
        #expect(MPEGVersion.mpeg2.sampleRates == [22050, 24000, 16000])
        #expect(MPEGVersion.mpeg25.sampleRates == [11025, 12000, 8000])
        #expect(MPEGVersion.mpeg1.rawValue == "MPEG-1" && MPEGVersion.mpeg25.rawValue == "MPEG-2.5")
    }

    @Test func frameSizes() {
        #expect(MPEGVersion.mpeg1.samplesPerFrame == 1152 && MPEGVersion.mpeg2.samplesPerFrame == 576
                && MPEGVersion.mpeg25.samplesPerFrame == 576)
        // 16 kbit/s at 8 kHz (VICIdial's default): 144 bytes; 128 kbit/s at 44.1 kHz: 417 or 418.
        #expect(MPEGVersion.mpeg25.frameLength(bitrateKbps: 16, sampleRate: 8000) == 144)
        #expect(MPEGVersion.mpeg1.frameLength(bitrateKbps: 128, sampleRate: 44100) == 417)
        #expect(MPEGVersion.mpeg1.frameLength(bitrateKbps: 128, sampleRate: 44100, padding: true) == 418)
        #expect(MPEGVersion.mpeg1.sideInfoLength(channels: 1) == 17 && MPEGVersion.mpeg1.sideInfoLength(channels: 2) == 32)
        #expect(MPEGVersion.mpeg2.sideInfoLength(channels: 1) == 9 && MPEGVersion.mpeg25.sideInfoLength(channels: 2) == 17)
    }

    @Test func audioFormats() {
        #expect(AudioFormat.allCases.map(\.rawValue) == ["wav", "mp3"])
        #expect(AudioFormat.mp3.fileExtension == ".mp3")
        #expect(AudioFormat(pathExtension: "/spool/a.b/call.MP3") == .mp3)
        #expect(AudioFormat(pathExtension: "call.wav") == .wav)
        #expect(AudioFormat(pathExtension: "/spool/a.wav/call") == nil)
        #expect(AudioFormat(pathExtension: "call.ogg") == nil && AudioFormat(pathExtension: "call") == nil)
    }
}

import Testing
import TapedeckAudio
import TapedeckConfig
import TapedeckControl
@testable import TapedeckFileCheck

/// The MP3 bitrate table is kept in three targets that cannot share code yet: the protocol
/// (`MP3Bitrates`, used by START/BEGIN and the domain), the configuration
/// (`ConfigRules.mp3Bitrates`) and the writer (`AudioFileSpec.mp3Bitrates`). They must agree
/// at every MPEG rate, and every bitrate in them must be one the validator can decode.
@Suite struct MP3BitrateTableTests {
    @Test(arguments: ConfigRules.mpegRates)
    func theCopiesAgree(_ rate: Int) {
        let protocolTable = MP3Bitrates.at(sampleRate: rate)
        #expect(!protocolTable.isEmpty)
        #expect(ConfigRules.mp3Bitrates(rate: rate) == protocolTable, "\(rate) Hz")
        #expect(AudioFileSpec.mp3Bitrates(sampleRate: rate) == protocolTable, "\(rate) Hz")
        let decodable = rate >= 32000 ? MP3FrameHeader.mpeg1Bitrates : MP3FrameHeader.mpeg2Bitrates
        #expect(Set(protocolTable).isSubset(of: decodable), "\(rate) Hz")
    }

    @Test func theRatesAgree() {
        #expect(ConfigRules.mpegRates == AudioFileSpec.mp3SampleRates)
        #expect(Set(ConfigRules.mpegRates.flatMap(MP3Bitrates.at(sampleRate:))).sorted() == MP3Bitrates.any)
    }
}

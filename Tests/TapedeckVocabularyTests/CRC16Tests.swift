import Testing
import TapedeckVocabulary

@Suite struct CRC16Tests {
    static let check = Array("123456789".utf8)

    /// The catalogue's check values: CRC-16/ARC (the LAME tag) and CRC-16/CMS (the MPEG
    /// frame CRC: polynomial 0x8005, initial 0xFFFF, not reflected).
    @Test func knownVectors() {
        #expect(CRC16.arc(Self.check) == 0xBB3D)
        #expect(CRC16.mpeg(Self.check) == 0xAEE7)
        #expect(CRC16.arc([UInt8]()) == 0 && CRC16.mpeg([UInt8]()) == 0xFFFF)
        #expect(CRC16.arc([0x00]) == 0x0000 && CRC16.arc([0xFF]) == 0x4040)
    }

    /// A CRC over two pieces, the first's CRC as the second's initial value, is the CRC of
    /// the whole (how the music CRC and the frame CRC are carried along).
    @Test func carriesOverPieces() {
        let whole = Self.check
        #expect(CRC16.arc(whole[4...], initial: CRC16.arc(whole[..<4])) == CRC16.arc(whole))
        #expect(CRC16.mpeg(whole[4...], initial: CRC16.mpeg(whole[..<4])) == CRC16.mpeg(whole))
    }

    /// The stream CRC (four bytes a step) equals the byte-by-byte CRC-16/ARC, at every
    /// length and alignment, and when carried on from one chunk to the next.
    @Test func streamCRCMatchesTheByteByByteCRC() {
        var rng = SystemRandomNumberGenerator()
        let data = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        #expect(CRC16.arc(Array("123456789".utf8)) == 0xBB3D)   // CRC-16/ARC check value
        data.withUnsafeBufferPointer { all in
            for start in 0..<5 {
                for count in [0, 1, 2, 3, 4, 5, 7, 8, 63, 144, 995 - start] {
                    let part = UnsafeBufferPointer(rebasing: all[start..<(start + count)])
                    #expect(CRC16.arc(part, initial: 0x1D0F) == CRC16.arc(data[start..<(start + count)], initial: 0x1D0F))
                }
            }
            let split = CRC16.arc(UnsafeBufferPointer(rebasing: all[333...]),
                                  initial: CRC16.arc(UnsafeBufferPointer(rebasing: all[..<333]), initial: 0))
            #expect(split == CRC16.arc(data))
        }
    }
}

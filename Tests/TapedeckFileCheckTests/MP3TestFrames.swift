/// A test-side Layer III frame walker, written independently of the library,
/// used to find frame boundaries for building broken variants.
enum MP3TestFrames {
    struct Frame {
        let offset: Int
        let length: Int
    }

    static func audioStart(_ b: [UInt8]) -> Int {
        guard b.count >= 10, b[0] == 0x49, b[1] == 0x44, b[2] == 0x33 else { return 0 }
        return 10 + (Int(b[6]) << 21 | Int(b[7]) << 14 | Int(b[8]) << 7 | Int(b[9]))
    }

    static func length(_ b: [UInt8], _ i: Int) -> Int? {
        guard i + 4 <= b.count, b[i] == 0xFF, b[i + 1] & 0xE6 == 0xE2 else { return nil }
        let v = (b[i + 1] >> 3) & 3  // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
        let bi = Int(b[i + 2] >> 4), si = Int((b[i + 2] >> 2) & 3)
        guard v != 1, bi > 0, bi < 15, si < 3 else { return nil }
        let br1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        let br2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        let rate = [44100, 48000, 32000][si] / (v == 3 ? 1 : v == 2 ? 2 : 4)
        let pad = Int((b[i + 2] >> 1) & 1)
        return v == 3 ? 144_000 * br1[bi] / rate + pad : 72_000 * br2[bi] / rate + pad
    }

    /// Consecutive frames from the audio start until the chain ends.
    static func frames(_ b: [UInt8]) -> [Frame] {
        var out: [Frame] = []
        var p = audioStart(b)
        while let n = length(b, p), p + n <= b.count {
            out.append(Frame(offset: p, length: n))
            p += n
        }
        return out
    }
}

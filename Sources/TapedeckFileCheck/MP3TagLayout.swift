/// Where the tags of an MP3 file are, and therefore where its audio stream
/// starts and ends: ID3v2 tags at the front (possibly several, possibly with
/// a footer), and at the back any mix of ID3v1, APEv1/v2, Lyrics3v2 and an
/// appended ID3v2 (found by its "3DI" footer).
struct MP3TagLayout: Sendable {
    var audioStart = 0
    var audioEnd = 0
    var tagNames: [String] = []
    /// True when the trailing tags were all parsed intact (repair keeps them).
    var trailingTagsValid = true
    var leadingTagsValid = true

    static func locate(_ file: RandomAccessFile, report: inout FileReport) throws -> MP3TagLayout {
        var L = MP3TagLayout()
        let S = file.size
        L.audioEnd = S
        // Leading ID3v2 tags.
        var pos = 0
        for _ in 0..<16 {
            let h = try file.read(at: pos, count: 10)
            guard h.count == 10, ByteFields.matches(h, 0, "ID3") else { break }
            guard h[3] != 0xFF, h[4] != 0xFF, h[6] < 0x80, h[7] < 0x80, h[8] < 0x80, h[9] < 0x80 else {
                report.add(.id3v2Invalid, .broken,
                           "ID3v2 tag at offset \(pos) has an invalid version or size field: the audio start cannot be found reliably")
                L.leadingTagsValid = false
                break
            }
            let body = Int(h[6]) << 21 | Int(h[7]) << 14 | Int(h[8]) << 7 | Int(h[9])
            let footer = h[3] >= 4 && (h[5] & 0x10) != 0 ? 10 : 0
            let total = 10 + body + footer
            if pos + total > S {
                report.add(.id3v2Truncated, .broken,
                           "ID3v2 tag at offset \(pos) declares \(total) bytes but only \(S - pos) remain: file truncated")
                L.leadingTagsValid = false
                L.audioStart = S
                L.audioEnd = S
                return L
            }
            L.tagNames.append("ID3v2.\(h[3])")
            pos += total
        }
        L.audioStart = pos

        // Trailing tags, outermost first.
        var end = S
        var foundV1 = false
        for _ in 0..<8 {
            if !foundV1, end - 128 >= L.audioStart, try ByteFields.matches(file.read(at: end - 128, count: 3), 0, "TAG") {
                foundV1 = true
                end -= 128
                L.tagNames.append("ID3v1")
                continue
            }
            if end - 32 >= L.audioStart {
                let f = try file.read(at: end - 32, count: 32)
                if ByteFields.matches(f, 0, "APETAGEX") {
                    let size = Int(ByteFields.le32(f, 12) ?? 0)
                    let flags = ByteFields.le32(f, 20) ?? 0
                    let header = flags & 0x8000_0000 != 0 ? 32 : 0
                    let start = end - size - header
                    if size < 32 || start < L.audioStart {
                        report.add(.apeTagInvalid, .warning,
                                   "APE tag footer at offset \(end - 32) declares \(size) bytes, more than the \(end - L.audioStart) before it")
                        L.trailingTagsValid = false
                        end -= 32
                        break
                    }
                    if header == 32, try !ByteFields.matches(file.read(at: start, count: 8), 0, "APETAGEX") {
                        report.add(.apeTagInvalid, .warning,
                                   "APE tag footer at offset \(end - 32) announces a header at offset \(start) that is not there")
                        L.trailingTagsValid = false
                    }
                    end = start
                    L.tagNames.append("APE")
                    continue
                }
            }
            if end - 15 >= L.audioStart {
                let f = try file.read(at: end - 15, count: 15)
                if ByteFields.matches(f, 6, "LYRICS200") {
                    let digits = f[0..<6]
                    let size = digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
                        ? digits.reduce(0) { $0 * 10 + Int($1 - 0x30) } : -1
                    let start = end - 15 - size
                    let beginBytes = size >= 11 && start >= L.audioStart ? try file.read(at: start, count: 11) : []
                    let begins = ByteFields.matches(beginBytes, 0, "LYRICSBEGIN")
                    if !begins {
                        report.add(.lyrics3Invalid, .warning, "Lyrics3v2 tag ending at offset \(end) has a wrong size field")
                        L.trailingTagsValid = false
                        break
                    }
                    end = start
                    L.tagNames.append("Lyrics3v2")
                    continue
                }
            }
            if end - 10 >= L.audioStart {
                let f = try file.read(at: end - 10, count: 10)
                if ByteFields.matches(f, 0, "3DI"), f[6] < 0x80, f[7] < 0x80, f[8] < 0x80, f[9] < 0x80 {
                    let body = Int(f[6]) << 21 | Int(f[7]) << 14 | Int(f[8]) << 7 | Int(f[9])
                    let start = end - 20 - body
                    if start >= L.audioStart, try ByteFields.matches(file.read(at: start, count: 3), 0, "ID3") {
                        end = start
                        L.tagNames.append("ID3v2 (appended)")
                        continue
                    }
                }
            }
            break
        }
        L.audioEnd = end
        return L
    }
}

/// Walks the chunks of a RIFF/RF64 WAVE file and judges its structure
/// against the file's real size. Reads only chunk headers and the small
/// chunks it needs (`fmt `, `ds64`), never sample data.
enum WAVInspector {
    /// Chunk ids that are recognised as chunks even when they run past the
    /// end of the file (so a cut LIST is not mistaken for audio).
    static let knownChunkIDs: Set<String> = [
        "fmt ", "data", "fact", "LIST", "list", "JUNK", "junk", "PAD ", "FLLR", "bext", "iXML", "axml",
        "cue ", "smpl", "inst", "PEAK", "id3 ", "ID3 ", "acid", "afsp", "DISP", "plst", "cart", "umid",
        "minf", "elm1", "regn", "ovwf", "levl", "link", "chna", "dbmd", "ds64", "r64m", "MD5 ", "SyLp",
    ]
    static let maxSmallChunk = 1 << 16

    static func inspect(_ file: RandomAccessFile, report: inout FileReport) throws -> WAVLayout {
        var L = WAVLayout()
        let S = file.size
        L.fileSize = S
        let head = try file.read(at: 0, count: 12)
        guard head.count == 12 else {
            report.add(.riffHeaderTruncated, .broken, "file is \(S) bytes, shorter than the 12-byte RIFF header")
            return L
        }
        let magic = ByteFields.fourCC(head, 0) ?? ""
        if magic == "RIFX" {
            report.add(.rifxUnsupported, .broken, "big-endian RIFX files are not supported")
            return L
        }
        L.isRF64 = magic == "RF64" || magic == "BW64"
        report.format = L.isRF64 ? .rf64 : .wav
        L.riffField = ByteFields.le32(head, 4) ?? 0
        guard ByteFields.matches(head, 8, "WAVE") else {
            report.add(.notWave, .broken, "\(magic) form type is '\(printable(head[8..<12]))', not 'WAVE'")
            return L
        }

        var pos = 12
        var sawData = false
        var sawFmt = false
        var firstChunk = true
        walk: while pos < S {
            if S - pos < 8 {
                L.trailingBytes = S - pos
                break
            }
            let hdr = try file.read(at: pos, count: 8)
            guard hdr.count == 8, let id = ByteFields.fourCC(hdr, 0), let size32 = ByteFields.le32(hdr, 4) else { break }
            guard isPlausibleID(hdr) else {
                L.trailingBytes = S - pos
                if firstChunk {
                    report.add(.chunkHeaderInvalid, .broken, "no valid chunk header at offset \(pos): bytes '\(printable(hdr[0..<4]))' are not a chunk id")
                }
                break
            }
            let payload = pos + 8
            let available = S - payload
            var declared = UInt64(size32)
            if L.isRF64 && id == "data" && size32 == 0xFFFF_FFFF, let d = L.ds64DataSize { declared = d }
            let pad = declared & 1 == 1 ? 1 : 0

            if firstChunk && L.isRF64 && id != "ds64" {
                report.add(.ds64Missing, .broken, "RF64 file has no ds64 chunk first (found '\(id)' at offset 12)")
            }
            firstChunk = false

            if id == "data" && !sawData {
                sawData = true
                L.dataHeaderOffset = pos
                L.dataPayloadOffset = payload
                L.dataDeclared = declared
                L.fmtSeenBeforeData = sawFmt
                let align = max(1, L.format?.blockAlign ?? 1)
                let placeholder = (!L.isRF64 && (size32 == 0 || size32 == 0xFFFF_FFFF)) || (L.isRF64 && declared == 0)
                if declared > UInt64(available) {
                    L.dataReal = available
                    L.dataIsLast = true
                    L.lastChunkEnd = S
                    if placeholder {
                        report.add(.dataSizePlaceholder, .broken,
                                   "data chunk size is the 0x\(String(size32, radix: 16, uppercase: true)) placeholder of a writer that never finished; \(available) bytes of audio follow")
                    } else {
                        report.add(.dataTruncated, .broken,
                                   "data chunk declares \(declared) bytes but only \(available) remain: file truncated")
                    }
                    pos = S
                    break walk
                }
                let declaredInt = Int(declared)  // ≤ available, so fits
                let next = payload + declaredInt + pad
                let followed = next >= S ? true : try chunkFollows(file, at: next)
                if followed {
                    L.dataReal = declaredInt
                    if next > S {
                        report.add(.missingPadByte, .warning, "data chunk has odd size \(declaredInt) but the file ends without its pad byte")
                    }
                    pos = min(next, S)
                    L.lastChunkEnd = pos
                    L.dataIsLast = pos >= S
                    if declaredInt % align != 0 {
                        report.add(.dataPartialFrame, .warning,
                                   "data chunk size \(declaredInt) is not a whole number of \(align)-byte frames: \(declaredInt % align) stray bytes at the end")
                    }
                    continue walk
                }
                // Bytes after the declared data that are not a chunk: audio the
                // header does not count, or junk.
                let extra = available - declaredInt
                L.dataIsLast = true
                if placeholder && declaredInt == 0 {
                    L.dataReal = available
                    report.add(.dataSizePlaceholder, .broken,
                               "data chunk size is 0, the placeholder of a writer that never finished, but \(available) bytes of audio follow: header never updated")
                } else if extra >= align {
                    L.dataReal = available
                    report.add(.dataUnderDeclared, .broken,
                               "data chunk declares \(declaredInt) bytes but \(available) follow it to the end of the file: header not updated (\(seconds(extra, L.format)) of audio unreachable)")
                } else {
                    L.dataReal = declaredInt
                    L.lastChunkEnd = payload + declaredInt
                    L.trailingBytes = extra
                    if declaredInt % align != 0 {
                        report.add(.dataPartialFrame, .warning,
                                   "data chunk size \(declaredInt) is not a whole number of \(align)-byte frames: \(declaredInt % align) stray bytes at the end")
                    }
                    break walk
                }
                L.lastChunkEnd = S
                pos = S
                break walk
            }

            // Any other chunk (or a second data chunk).
            if declared > UInt64(available) {
                let severity: Severity = sawData && L.dataReal > 0 ? .warning : .broken
                report.add(.chunkTruncated, severity,
                           "'\(id)' chunk at offset \(pos) declares \(declared) bytes but only \(available) remain: file truncated")
                L.trailingBytes = S - pos
                break walk
            }
            let size = Int(declared)
            switch id {
            case "fmt ":
                if sawFmt {
                    report.add(.duplicateChunk, .warning, "second 'fmt ' chunk at offset \(pos) ignored")
                } else {
                    sawFmt = true
                    let p = try file.read(at: payload, count: min(size, maxSmallChunk))
                    switch WAVFormat.parse(p) {
                    case .success(let f):
                        L.format = f
                    case .failure(let e):
                        L.fmtInvalid = true
                        report.add(.fmtInvalid, .broken, e.message)
                    }
                }
            case "ds64":
                if L.isRF64 && L.ds64PayloadOffset == nil {
                    let p = try file.read(at: payload, count: min(size, 28))
                    if let r = ByteFields.le64(p, 0), let d = ByteFields.le64(p, 8) {
                        L.ds64PayloadOffset = payload
                        L.ds64RiffSize = r
                        L.ds64DataSize = d
                    } else {
                        report.add(.ds64Invalid, .broken, "ds64 chunk is \(size) bytes, too short for its 64-bit sizes")
                    }
                }
            case "JUNK", "junk":
                if pos == 12 && size >= 28 { L.junkPayloadOffset = payload }
            case "data":
                report.add(.duplicateChunk, .warning, "second 'data' chunk at offset \(pos) ignored")
            default:
                break
            }
            let next = payload + size + pad
            if next > S {
                report.add(.missingPadByte, .warning, "'\(id)' chunk has odd size \(size) but the file ends without its pad byte")
            }
            pos = min(next, S)
            L.lastChunkEnd = pos
        }

        // Summaries that need the whole walk.
        if L.isRF64 && L.ds64PayloadOffset == nil && !report.has(.ds64Missing) && !report.has(.ds64Invalid) {
            report.add(.ds64Missing, .broken, "RF64 file has no ds64 chunk")
        }
        if !sawFmt {
            report.add(.fmtMissing, .broken, "no 'fmt ' chunk: sample format unknown")
        } else if sawData && !L.fmtSeenBeforeData {
            report.add(.fmtAfterData, .broken, "'fmt ' chunk comes after 'data': streaming readers cannot play the file")
        }
        if !sawData {
            report.add(.dataMissing, .broken, "no 'data' chunk: the file holds no audio")
        }
        if let f = L.format {
            report.sampleRate = f.sampleRate
            report.channels = f.channels
            report.bitsPerSample = f.bitsPerSample
            report.encoding = f.encodingName
            if f.isLinear {
                let expected = f.channels * ((f.bitsPerSample + 7) / 8)
                if f.blockAlign != expected {
                    report.add(.blockAlignMismatch, .broken,
                               "block align \(f.blockAlign) does not match \(f.channels) channels × \(f.bitsPerSample) bits (expected \(expected))")
                }
            } else {
                report.add(.encodingUnchecked, .warning,
                           "format tag \(f.encodingName) is a compressed encoding: only the container is checked")
            }
            let (rate, overflow) = f.sampleRate.multipliedReportingOverflow(by: f.blockAlign)
            if overflow || rate != f.byteRate {
                report.add(.byteRateMismatch, .warning,
                           "byte rate \(f.byteRate) does not match \(f.sampleRate) Hz × \(f.blockAlign)-byte blocks")
            }
            if sawData && f.blockAlign > 0 && f.isLinear {
                let frames = L.dataReal / f.blockAlign
                report.frameCount = Int64(frames)
                report.durationSeconds = Double(frames) / Double(f.sampleRate)
            }
        }
        if L.trailingBytes > 0 && !report.has(.chunkTruncated) && !report.has(.chunkHeaderInvalid) {
            report.add(.trailingBytes, .warning,
                       "\(L.trailingBytes) bytes after the last chunk (from offset \(S - L.trailingBytes)) are not a chunk")
        }
        checkRiffSize(&L, report: &report)
        return L
    }

    /// The RIFF (or ds64) size against the file's real size.
    private static func checkRiffSize(_ L: inout WAVLayout, report: inout FileReport) {
        let S = L.fileSize
        let actual = UInt64(S - 8)
        if L.isRF64 {
            if L.riffField != 0xFFFF_FFFF {
                report.add(.riffSizeMismatch, .warning,
                           "RF64 header size is \(L.riffField), not the 0xFFFFFFFF that points to ds64")
            }
            guard let r = L.ds64RiffSize else { return }
            if r != actual && r != actual + 1 {
                report.add(.riffSizeMismatch, .warning,
                           "ds64 declares a RIFF size of \(r) bytes but the file holds \(actual) after the header: \(r > actual ? "file truncated" : "header not updated")")
            }
            if let d = L.ds64DataSize, L.dataPayloadOffset != nil, !L.dataIsLast, d != L.dataDeclared {
                report.add(.ds64Invalid, .warning, "ds64 data size \(d) differs from the data chunk's \(L.dataDeclared)")
            }
            return
        }
        let r = UInt64(L.riffField)
        if L.riffField == 0 || L.riffField == 0xFFFF_FFFF {
            report.add(.riffSizePlaceholder, .warning,
                       "RIFF size is the 0x\(String(L.riffField, radix: 16, uppercase: true)) placeholder of a writer that never finished; the file holds \(actual) bytes after the header")
        } else if r != actual && !(r == actual + 1 && report.has(.missingPadByte)) {
            if r > actual {
                report.add(.riffSizeMismatch, .warning,
                           "RIFF header declares \(r) bytes but only \(actual) follow it: file truncated")
            } else {
                report.add(.riffSizeMismatch, .warning,
                           "RIFF header declares \(r) bytes but \(actual) follow it: header not updated or bytes appended")
            }
        }
    }

    /// Whether a chunk header that a reader would accept starts at `offset`.
    static func chunkFollows(_ file: RandomAccessFile, at offset: Int) throws -> Bool {
        let hdr = try file.read(at: offset, count: 8)
        guard hdr.count == 8, isPlausibleID(hdr), let id = ByteFields.fourCC(hdr, 0),
              let size = ByteFields.le32(hdr, 4) else { return false }
        if knownChunkIDs.contains(id) { return true }
        return UInt64(offset) + 8 + UInt64(size) <= UInt64(file.size) + 1
    }

    static func isPlausibleID(_ b: [UInt8]) -> Bool {
        guard b.count >= 4 else { return false }
        for k in 0..<4 where b[k] < 0x20 || b[k] > 0x7E { return false }
        return !(b[0] == 0x20)
    }

    static func printable(_ b: ArraySlice<UInt8>) -> String {
        String(b.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "." })
    }

    static func seconds(_ bytes: Int, _ f: WAVFormat?) -> String {
        guard let f, f.blockAlign > 0, f.sampleRate > 0 else { return "\(bytes) bytes" }
        let s = Double(bytes / f.blockAlign) / Double(f.sampleRate)
        return formatSeconds(s)
    }
}

func formatSeconds(_ s: Double) -> String {
    let ms = Int((s * 1000).rounded())
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000) s"
}

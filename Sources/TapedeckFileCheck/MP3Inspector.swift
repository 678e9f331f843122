import TapedeckVocabulary

/// Checks an MP3 file: tags, the Layer III frame chain, consistency across
/// frames, frame CRCs and the Xing/Info/LAME or VBRI tag against the stream.
/// Streams the file through a fixed-size window.
enum MP3Inspector {
    static func inspect(_ file: RandomAccessFile, report: inout FileReport) throws -> MP3Layout {
        var L = MP3Layout()
        report.format = .mp3
        L.tags = try MP3TagLayout.locate(file, report: &report)
        L.streamEnd = L.tags.audioStart
        if report.has(.id3v2Truncated) {
            report.add(.noFrames, .broken, "no MPEG audio frames: the file ends inside its ID3v2 tag")
            return L
        }
        let reader = WindowedReader(file: file)
        var scanner = MP3FrameScanner(reader: reader, start: L.tags.audioStart, end: L.tags.audioEnd)

        var first: MP3FrameHeader?
        var sawFrame = false
        var pendingGarbage: (offset: Int, length: Int)?
        var leading = 0, leadingAt = 0
        var between = 0, betweenRuns = 0, betweenAt = -1
        var bitrates = Set<Int>()
        var frameBytes = 0
        var crcFirstBad = -1
        var crcChecked = 0
        var change: [ReasonCode: String] = [:]
        var frameIndex = 0
        var musicCRC: UInt16 = 0
        var segments: [MP3StreamSegment] = []
        var tagsInside = 0, tagsInsideAt = -1, tagBeforeNextFrame = false
        var hiddenAt = -1

        while let event = try scanner.next() {
            switch event {
            case .tag(let offset, _):
                if let g = pendingGarbage {
                    between += g.length; betweenRuns += 1
                    if betweenAt < 0 { betweenAt = g.offset }
                    pendingGarbage = nil
                }
                tagsInside += 1
                if tagsInsideAt < 0 { tagsInsideAt = offset }
                tagBeforeNextFrame = true
            case .garbage(let offset, let length, let hidden):
                if hidden > 0 {
                    L.hiddenFrames += hidden
                    if hiddenAt < 0 { hiddenAt = offset }
                }
                if !sawFrame {
                    leading += length
                    if leadingAt == 0 || leading == length { leadingAt = offset }
                } else {
                    pendingGarbage = (offset, length)
                }
            case .truncatedFrame(let offset, let header, let available):
                if let g = pendingGarbage {
                    between += g.length; betweenRuns += 1
                    if betweenAt < 0 { betweenAt = g.offset }
                    pendingGarbage = nil
                }
                L.truncatedFrameBytes = available
                if let header {
                    report.add(.truncatedLastFrame, .broken,
                               "last frame at offset \(offset) needs \(header.frameLength) bytes but only \(available) remain: file truncated")
                } else {
                    report.add(.truncatedLastFrame, .broken,
                               "last frame at offset \(offset) is cut inside its header: only \(available) of its 4 header bytes remain: file truncated")
                }
            case .frame(let offset, let h):
                if let g = pendingGarbage {
                    between += g.length; betweenRuns += 1
                    if betweenAt < 0 { betweenAt = g.offset }
                    pendingGarbage = nil
                }
                L.streamEnd = offset + h.frameLength
                if let last = segments.last, h.isCompatible(with: last.header) {
                    segments[segments.count - 1].end = offset + h.frameLength
                } else {
                    segments.append(MP3StreamSegment(header: h, start: offset, end: offset + h.frameLength,
                                                     afterTag: tagBeforeNextFrame))
                }
                tagBeforeNextFrame = false
                if !sawFrame {
                    sawFrame = true
                    let bytes = try reader.bytes(at: offset, count: h.frameLength)
                    if let tag = XingTag.find(in: Array(bytes), header: h) {
                        L.xing = tag
                        L.tagFrameOffset = offset
                        L.tagFrameHeader = h
                        first = h
                        continue
                    }
                }
                frameIndex += 1
                if let f = first {
                    if h.sampleRate != f.sampleRate, change[.sampleRateChanges] == nil {
                        change[.sampleRateChanges] = "sample rate changes from \(f.sampleRate) Hz to \(h.sampleRate) Hz at frame \(frameIndex) (offset \(offset))"
                    }
                    if h.version != f.version, change[.versionChanges] == nil {
                        change[.versionChanges] = "MPEG version changes from \(f.version.rawValue) to \(h.version.rawValue) at frame \(frameIndex) (offset \(offset))"
                    }
                    if h.channels != f.channels, change[.channelModeChanges] == nil {
                        change[.channelModeChanges] = "channel count changes from \(f.channels) to \(h.channels) at frame \(frameIndex) (offset \(offset))"
                    }
                } else {
                    first = h
                }
                L.audioFrames += 1
                segments[segments.count - 1].frames += 1
                frameBytes += h.frameLength
                if L.xing?.lame != nil {
                    musicCRC = CRC16.arc(try reader.bytes(at: offset, count: h.frameLength), initial: musicCRC)
                }
                bitrates.insert(h.bitrateKbps)
                if h.hasCRC {
                    crcChecked += 1
                    let n = 6 + h.sideInfoLength
                    let b = try reader.bytes(at: offset, count: n)
                    if b.count == n, let stored = ByteFields.be16(b, 4) {
                        let s = b.startIndex
                        var crc = CRC16.mpeg(b[(s + 2)..<(s + 4)])
                        crc = CRC16.mpeg(b[(s + 6)..<(s + n)], initial: crc)
                        if crc != stored {
                            L.crcErrors += 1
                            if crcFirstBad < 0 { crcFirstBad = offset }
                        }
                    }
                }
            }
        }
        let trailing = pendingGarbage?.length ?? 0
        L.garbageBytes = leading + between + trailing

        if leading > 0 {
            report.add(.leadingGarbage, sawFrame ? .warning : .broken,
                       sawFrame ? "\(leading) bytes at offset \(leadingAt) before the first frame are not audio"
                                : "no MPEG Layer III frames found in \(leading) bytes of audio region")
        }
        guard sawFrame, let f = first else {
            if !report.has(.leadingGarbage) && !report.has(.truncatedLastFrame) {
                report.add(.noFrames, .broken, "no MPEG Layer III frames found")
            } else {
                report.add(.noFrames, .broken, "no complete MPEG Layer III frame in the file")
            }
            return L
        }
        if between > 0 {
            report.add(.garbageBetweenFrames, .warning,
                       "\(between) bytes of garbage in \(betweenRuns) place\(betweenRuns == 1 ? "" : "s") between frames (first at offset \(betweenAt)): decoders must resync")
        }
        if let g = pendingGarbage {
            report.add(.trailingGarbage, .warning,
                       "\(g.length) bytes after the last frame (offset \(g.offset)) are neither audio nor a known tag")
        }
        if tagsInside > 0 {
            report.add(.id3v2InsideAudio, .warning,
                       "\(tagsInside) ID3v2 tag\(tagsInside == 1 ? "" : "s") between frames (first at offset \(tagsInsideAt)): files joined end to end; decoders skip \(tagsInside == 1 ? "it" : "them")")
        }
        if L.hiddenFrames > 0 {
            report.add(.framesInGarbage, .warning,
                       "\(L.hiddenFrames) whole frame\(L.hiddenFrames == 1 ? "" : "s") of the stream inside the garbage (first run at offset \(hiddenAt)) \(L.hiddenFrames == 1 ? "is" : "are") not followed by a frame header: a decoder may play \(L.hiddenFrames == 1 ? "it" : "them"), so the garbage is not dropped")
        }
        L.segments = segments.count
        L.tagsInside = tagsInside
        if segments.count > 1 {
            report.add(.multipleStreams, .broken, MP3StreamSegment.describe(segments))
        }
        for code in [ReasonCode.sampleRateChanges, .versionChanges, .channelModeChanges] {
            if let m = change[code] {
                L.inconsistent = true
                report.add(code, .broken, m)
            }
        }
        if L.crcErrors > 0 {
            report.add(.crcMismatch, .broken,
                       "\(L.crcErrors) of \(crcChecked) frames fail their CRC (first at offset \(crcFirstBad)): audio data corrupted")
        }

        report.sampleRate = f.sampleRate
        report.channels = f.channels
        report.mpegVersion = f.version.rawValue
        report.frameCount = Int64(L.audioFrames)
        // Each stream at its own rate (one stream in any file but a joined one).
        let duration = segments.isEmpty ? 0 : segments.reduce(0) { $0 + $1.seconds }
        report.durationSeconds = duration
        report.isVBR = bitrates.count > 1
        if bitrates.count == 1, let b = bitrates.first {
            report.bitrateKbps = b
        } else if duration > 0 {
            report.bitrateKbps = Int((Double(frameBytes) * 8 / duration / 1000).rounded())
        }
        if L.audioFrames == 0 {
            report.add(.noFrames, .broken, "the stream holds only its \(L.xing?.kind.rawValue ?? "tag") frame and no audio")
        }
        if let tag = L.xing, let tagOffset = L.tagFrameOffset {
            checkTag(tag, tagOffset: tagOffset, layout: L, report: &report, samplesPerFrame: f.samplesPerFrame, musicCRC: musicCRC)
        }
        return L
    }

    /// The delay of the MPEG Layer III decoder (synthesis filter bank) that
    /// gapless players add to the encoder delay of the LAME tag.
    static let decoderDelay = 529

    private static func checkTag(_ tag: XingTag, tagOffset: Int, layout L: MP3Layout, report: inout FileReport, samplesPerFrame: Int, musicCRC: UInt16) {
        let name = tag.kind.rawValue
        if let problem = tag.problem {
            report.add(.xingInvalid, .warning, problem)
            return
        }
        let actualBytes = L.streamEnd - tagOffset
        var countsAgree = true
        if let frames = tag.frames {
            let declared = Int(frames)
            let ok = declared == L.audioFrames || (tag.kind == .vbri && declared == L.audioFrames + 1)
            if !ok {
                countsAgree = false
                if declared > L.audioFrames {
                    report.add(.xingFrameCountMismatch, .broken,
                               "\(name) tag declares \(declared) frames but the stream has \(L.audioFrames): file truncated")
                } else {
                    report.add(.xingFrameCountMismatch, .warning,
                               "\(name) tag declares \(declared) frames but the stream has \(L.audioFrames): tag not updated, players show the wrong duration")
                }
            }
        }
        if let bytes = tag.bytes {
            let declared = Int(bytes)
            if declared != actualBytes {
                countsAgree = false
                let severity: Severity = declared > actualBytes && report.has(.truncatedLastFrame) ? .broken : .warning
                report.add(.xingByteCountMismatch, severity,
                           "\(name) tag declares \(declared) bytes but the stream from the tag frame to the last frame is \(actualBytes)")
            }
        }
        if tag.kind == .info && report.isVBR == true {
            report.add(.xingTypeMismatch, .warning, "Info tag marks the stream as constant bitrate but its frames vary in bitrate")
        }
        if let lame = tag.lame {
            let checksummed = ["LAME", "Lavc", "Lavf"].contains { lame.encoder.hasPrefix($0) }
            if checksummed {
                report.lameTagCRC = lame.crcVariant
                if lame.crcVariant == .mismatch {
                    report.add(.lameTagCRCMismatch, .warning,
                               "LAME tag CRC is 0x\(String(lame.storedCRC, radix: 16)) but the tag frame's first \(lame.offsetInFrame + 34) bytes give 0x\(String(lame.computedCRC, radix: 16))"
                                   + (lame.isFFmpeg ? " (and ffmpeg's fixed 190 bytes give 0x\(String(lame.ffmpegCRC, radix: 16)))" : ""))
                }
            }
            if countsAgree && checksummed && L.garbageBytes == 0 && lame.musicCRC != musicCRC {
                report.add(.lameMusicCRCMismatch, .warning,
                           "LAME tag's audio CRC is 0x\(String(lame.musicCRC, radix: 16)) but the frames give 0x\(String(musicCRC, radix: 16)): audio changed after encoding")
            }
            if countsAgree, let sr = report.sampleRate, sr > 0 {
                // Decoders (mpg123, ffmpeg) play from encoder delay + 529 (their
                // own delay) to frames × samples − padding + 529, and stop at the
                // end of the last frame when the padding is shorter than 529 (a
                // stream that lost its end: a crash, a cut).
                let samples = L.audioFrames * samplesPerFrame
                let total = min(samples, samples - lame.encoderPadding + decoderDelay) - (lame.encoderDelay + decoderDelay)
                if total > 0 {
                    // The length of the original recording, which is what
                    // decoders (mpg123, ffmpeg) give: report it as the duration.
                    report.gaplessDurationSeconds = Double(total) / Double(sr)
                    report.durationSeconds = report.gaplessDurationSeconds
                }
            }
        }
    }
}

import TapedeckVocabulary

/// Plans the repair of an MP3 file: keeps the tags and every frame of the
/// chain, drops garbage and a truncated last frame, and rewrites a wrong
/// Xing/Info tag (frame and byte counts, table of contents, VBR/CBR name,
/// LAME music length, CRCs) or removes a tag that cannot be rewritten.
enum MP3Repair {
    static func plan(_ L: MP3Layout, file: RandomAccessFile, report: FileReport) throws -> RepairPlan {
        guard L.tags.leadingTagsValid else {
            throw RepairRefusal(message: "the ID3v2 tag is damaged, so where the audio starts is unknown")
        }
        guard L.audioFrames > 0 else { throw RepairRefusal(message: "no audio frames to keep") }
        guard !L.inconsistent && L.segments <= 1 else {
            throw RepairRefusal(message: "the file holds more than one MPEG stream (sample rate, version or channels change); dropping bytes cannot fix that, and no decodable segment is given up")
        }
        guard L.tagsInside == 0 else {
            throw RepairRefusal(message: "the file joins several MP3s (an ID3v2 tag between frames); each keeps its own tag and encoder delay, which one Info tag cannot describe")
        }
        guard L.hiddenFrames == 0 else {
            throw RepairRefusal(message: "the garbage holds \(L.hiddenFrames) whole frame\(L.hiddenFrames == 1 ? "" : "s") of the stream that a decoder may play; dropping it could lose audio")
        }
        var plan = RepairPlan()
        plan.copy(0, L.tags.audioStart)
        let reader = WindowedReader(file: file)
        var scanner = MP3FrameScanner(reader: reader, start: L.tags.audioStart, end: L.tags.audioEnd)

        // What to do with the tag frame.
        var rewriteTag = false
        var dropTag = false
        if let tag = L.xing {
            if tag.kind == .vbri || tag.problem != nil || (tag.framesFieldOffset == nil && tag.bytesFieldOffset == nil) {
                dropTag = report.reasons.contains { $0.code.rawValue.hasPrefix("xing") || $0.code.rawValue.hasPrefix("lame") }
                    || L.garbageBytes > 0 || L.truncatedFrameBytes > 0
            } else {
                rewriteTag = true
            }
        }

        // Copy the chain, remembering where the frames land for the TOC.
        let n = L.audioFrames
        var sampleIndex = 0
        var tocOffsets: [Int] = []
        var audioIndex = 0
        var outOffset = L.tags.audioStart
        var tagOutOffset: Int?
        var musicCRC: UInt16 = 0
        var dropped = 0
        var droppedTruncated = 0
        var sawTagFrame = false
        while let event = try scanner.next() {
            switch event {
            case .garbage(_, let length, _):
                dropped += length
            case .tag:
                break  // refused above: a joined file is not repaired
            case .truncatedFrame(_, _, let available):
                droppedTruncated += available
            case .frame(let offset, let h):
                if !sawTagFrame && offset == L.tagFrameOffset {
                    sawTagFrame = true
                    if dropTag { continue }
                    tagOutOffset = outOffset
                    plan.copy(offset, h.frameLength)
                    outOffset += h.frameLength
                    continue
                }
                while sampleIndex < 100 && sampleIndex * n / 100 <= audioIndex {
                    tocOffsets.append(outOffset - (tagOutOffset ?? outOffset))
                    sampleIndex += 1
                }
                if rewriteTag && L.xing?.lame != nil {
                    musicCRC = CRC16.arc(try reader.bytes(at: offset, count: h.frameLength), initial: musicCRC)
                }
                plan.copy(offset, h.frameLength)
                outOffset += h.frameLength
                audioIndex += 1
            }
        }
        guard audioIndex == n else {
            throw RepairRefusal(message: "the frame chain changed while reading the file (\(audioIndex) frames, expected \(n))")
        }
        if dropped > 0 { plan.changes.append("dropped \(dropped) bytes of garbage") }
        if droppedTruncated > 0 { plan.changes.append("dropped a truncated last frame (\(droppedTruncated) bytes)") }
        if dropTag { plan.changes.append("removed the \(L.xing?.kind.rawValue ?? "") tag frame, which could not be rewritten") }
        let streamEnd = outOffset
        plan.copy(L.tags.audioEnd, file.size - L.tags.audioEnd)

        if rewriteTag, let tag = L.xing, let tagOut = tagOutOffset, let tagIn = L.tagFrameOffset, let h = L.tagFrameHeader {
            var frame = Array(try reader.bytes(at: tagIn, count: h.frameLength))
            guard frame.count == h.frameLength else { throw RepairRefusal(message: "tag frame could not be read back") }
            let original = frame
            let isVBR = report.isVBR ?? false
            let name = isVBR ? "Xing" : (tag.kind == .info ? "Info" : "Xing")
            frame.replaceSubrange(tag.offsetInFrame..<(tag.offsetInFrame + 4), with: Array(name.utf8))
            if let o = tag.framesFieldOffset { ByteFields.putBE32(UInt32(clamping: n), into: &frame, at: o) }
            let bytes = streamEnd - tagOut
            if let o = tag.bytesFieldOffset { ByteFields.putBE32(UInt32(clamping: bytes), into: &frame, at: o) }
            // The table of contents describes the stream's layout: rebuild it
            // only when the tag disagrees with the written stream in both
            // counts (it described another, longer or shorter, stream). One
            // wrong field alone is a damaged field, not a different stream.
            let framesWrong = tag.frames.map { Int($0) != n } ?? true
            let bytesWrong = tag.bytes.map { Int($0) != bytes } ?? true
            if framesWrong && bytesWrong, let o = tag.tocOffset, o + 100 <= frame.count, tocOffsets.count == 100 {
                let toc = XingTag.tableOfContents(frameOffsets: tocOffsets, streamBytes: bytes)
                frame.replaceSubrange(o..<(o + 100), with: toc)
            }
            if let lame = tag.lame {
                let p = lame.offsetInFrame
                let lostEnd = droppedTruncated > 0
                    || ((tag.frames.map { Int($0) > n } ?? false) && (tag.bytes.map { Int($0) > bytes } ?? true))
                if lostEnd && p + 24 <= frame.count {
                    // The encoder's end padding belonged to frames that are gone.
                    frame[p + 22] &= 0xF0
                    frame[p + 23] = 0
                }
                ByteFields.putBE32(UInt32(clamping: bytes), into: &frame, at: p + 28)
                ByteFields.putBE16(musicCRC, into: &frame, at: p + 32)
                ByteFields.putBE16(CRC16.arc(frame[0..<(p + 34)]), into: &frame, at: p + 34)
            }
            if h.hasCRC, frame.count >= 6 + h.sideInfoLength {
                var crc = CRC16.mpeg(frame[2..<4])
                crc = CRC16.mpeg(frame[6..<(6 + h.sideInfoLength)], initial: crc)
                ByteFields.putBE16(crc, into: &frame, at: 4)
            }
            if frame != original {
                plan.patches.append(.init(outputOffset: tagOut, bytes: frame))
                var what: [String] = []
                if let f = tag.frames, Int(f) != n { what.append("frames \(f) → \(n)") }
                if let b = tag.bytes, Int(b) != bytes { what.append("bytes \(b) → \(bytes)") }
                if tag.kind.rawValue != name { what.append("\(tag.kind.rawValue) → \(name)") }
                if what.isEmpty { what.append("checksums") }
                plan.changes.append("rewrote the \(tag.kind.rawValue) tag (\(what.joined(separator: ", ")))")
            }
        }
        return plan
    }
}

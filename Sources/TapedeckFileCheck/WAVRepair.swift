/// Plans the repair of a WAV/RF64 file: rewrites the RIFF (or ds64) and
/// data sizes from the audio that is really there, rounded down to whole
/// frames, and drops what follows the last complete chunk. Sample bytes are
/// copied unchanged; nothing is ever inserted into or moved within them.
enum WAVRepair {
    static func plan(_ L: WAVLayout, report: FileReport,
                     riffLimit: UInt64 = UInt64(UInt32.max) - 1) throws -> RepairPlan {
        guard let f = L.format, !L.fmtInvalid else {
            throw RepairRefusal(message: "no valid 'fmt ' chunk: the frame size is unknown")
        }
        guard let dataPayload = L.dataPayloadOffset, let dataHeader = L.dataHeaderOffset else {
            throw RepairRefusal(message: "no 'data' chunk to repair")
        }
        guard L.fmtSeenBeforeData else {
            throw RepairRefusal(message: "'fmt ' comes after 'data'; moving chunks is not a repair this tool makes")
        }
        let align = f.blockAlign
        var plan = RepairPlan()
        var newData: Int?
        var end: Int
        if L.dataIsLast {
            let whole = (L.dataReal / align) * align
            newData = whole
            end = dataPayload + whole
            if UInt64(L.dataDeclared) != UInt64(whole) {
                plan.changes.append("data size \(L.dataDeclared) → \(whole) bytes (\(whole / align) frames)")
            }
        } else {
            end = L.lastChunkEnd
        }
        plan.copy(0, min(end, L.fileSize))
        var outSize = end
        if let n = newData, n & 1 == 1 {
            plan.patches.append(.init(outputOffset: end, bytes: [0]))
            outSize += 1
            plan.changes.append("pad byte added after odd-sized data")
        } else if newData == nil && report.has(.missingPadByte) && L.lastChunkEnd >= L.fileSize {
            plan.patches.append(.init(outputOffset: L.fileSize, bytes: [0]))
            outSize = L.fileSize + 1
            plan.changes.append("missing pad byte added at the end")
        }
        if L.fileSize > end {
            plan.changes.append("dropped \(L.fileSize - end) bytes after the last whole frame or chunk")
        }
        let riff = UInt64(outSize - 8)
        let frames = UInt64((newData ?? L.dataReal) / align)

        if L.isRF64 {
            guard let ds64 = L.ds64PayloadOffset else {
                throw RepairRefusal(message: "RF64 file without a usable ds64 chunk")
            }
            var b = [UInt8](repeating: 0, count: 24)
            ByteFields.putLE64(riff, into: &b, at: 0)
            ByteFields.putLE64(newData.map(UInt64.init) ?? L.dataDeclared, into: &b, at: 8)
            ByteFields.putLE64(frames, into: &b, at: 16)
            plan.patches.append(.init(outputOffset: ds64, bytes: b))
            plan.patches.append(.init(outputOffset: 4, bytes: [0xFF, 0xFF, 0xFF, 0xFF]))
            if newData != nil {
                plan.patches.append(.init(outputOffset: dataHeader + 4, bytes: [0xFF, 0xFF, 0xFF, 0xFF]))
            }
            if L.ds64RiffSize != riff { plan.changes.append("ds64 RIFF size \(L.ds64RiffSize ?? 0) → \(riff)") }
            return plan
        }

        let needsRF64 = riff > riffLimit || UInt64(newData ?? 0) > riffLimit
        if needsRF64 {
            guard let junk = L.junkPayloadOffset else {
                throw RepairRefusal(message: "the audio needs \(riff) bytes, more than a RIFF WAV can declare, and there is no JUNK chunk to turn into ds64")
            }
            // Promote to RF64: the reserved JUNK chunk becomes ds64.
            plan.patches.append(.init(outputOffset: 0, bytes: Array("RF64".utf8) + [0xFF, 0xFF, 0xFF, 0xFF]))
            plan.patches.append(.init(outputOffset: junk - 8, bytes: Array("ds64".utf8)))
            var b = [UInt8](repeating: 0, count: 28)
            ByteFields.putLE64(riff, into: &b, at: 0)
            ByteFields.putLE64(UInt64(newData ?? L.dataReal), into: &b, at: 8)
            ByteFields.putLE64(frames, into: &b, at: 16)
            plan.patches.append(.init(outputOffset: junk, bytes: b))
            plan.patches.append(.init(outputOffset: dataHeader + 4, bytes: [0xFF, 0xFF, 0xFF, 0xFF]))
            plan.changes.append("converted to RF64 (JUNK chunk became ds64) for \(riff) bytes")
            return plan
        }
        var b = [UInt8](repeating: 0, count: 4)
        ByteFields.putLE32(UInt32(riff), into: &b, at: 0)
        plan.patches.append(.init(outputOffset: 4, bytes: b))
        if UInt64(L.riffField) != riff { plan.changes.append("RIFF size \(L.riffField) → \(riff)") }
        if let n = newData {
            var d = [UInt8](repeating: 0, count: 4)
            ByteFields.putLE32(UInt32(n), into: &d, at: 0)
            plan.patches.append(.init(outputOffset: dataHeader + 4, bytes: d))
        }
        return plan
    }
}

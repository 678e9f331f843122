/// How to build a repaired file: byte ranges copied verbatim from the
/// original, in order, then small patches written over (or after) them.
struct RepairPlan: Sendable {
    struct Range: Sendable, Equatable {
        var offset: Int
        var length: Int
    }

    struct Patch: Sendable {
        var outputOffset: Int
        var bytes: [UInt8]
    }

    var ranges: [Range] = []
    var patches: [Patch] = []
    var changes: [String] = []

    /// Appends a source range, merging it with the previous one when adjacent.
    mutating func copy(_ offset: Int, _ length: Int) {
        guard length > 0 else { return }
        if let last = ranges.last, last.offset + last.length == offset {
            ranges[ranges.count - 1].length += length
        } else {
            ranges.append(Range(offset: offset, length: length))
        }
    }

    var outputSize: Int {
        let copied = ranges.reduce(0) { $0 + $1.length }
        return patches.reduce(copied) { max($0, $1.outputOffset + $1.bytes.count) }
    }

    /// Whether the repaired file is the original's first bytes with patches
    /// over them (and possibly a few bytes appended): the repair can then be
    /// made in place, by writing the patches and truncating, with no copy.
    var isPrefixOfOriginal: Bool {
        ranges.isEmpty || (ranges.count == 1 && ranges[0].offset == 0)
    }

    /// The bytes of the repaired file at `offset` (up to `count`), read from
    /// `source` through the plan without writing anything: lets the result
    /// be inspected before the original is touched.
    func read(from source: RandomAccessFile, at offset: Int, count: Int) throws -> [UInt8] {
        let end = min(outputSize, offset + count)
        guard offset >= 0, offset < end else { return [] }
        var out = [UInt8](repeating: 0, count: end - offset)
        var position = 0
        for range in ranges {
            let lo = max(offset, position), hi = min(end, position + range.length)
            if lo < hi {
                let bytes = try source.read(at: range.offset + (lo - position), count: hi - lo)
                out.replaceSubrange((lo - offset)..<(lo - offset + bytes.count), with: bytes)
            }
            position += range.length
            if position >= end { break }
        }
        for patch in patches {
            let lo = max(offset, patch.outputOffset), hi = min(end, patch.outputOffset + patch.bytes.count)
            if lo < hi {
                out.replaceSubrange((lo - offset)..<(hi - offset),
                                    with: patch.bytes[(lo - patch.outputOffset)..<(hi - patch.outputOffset)])
            }
        }
        return out
    }
}

/// Why a file is not repaired, in words.
struct RepairRefusal: Error, Sendable {
    let message: String
}

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
}

/// Why a file is not repaired, in words.
struct RepairRefusal: Error, Sendable {
    let message: String
}

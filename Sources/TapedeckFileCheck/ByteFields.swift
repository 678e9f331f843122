/// Bounds-checked little/big-endian field reads over byte collections. Every
/// accessor returns nil instead of trapping when the field is not all there.
enum ByteFields {
    static func u8<C: RandomAccessCollection>(_ b: C, _ i: Int) -> UInt8? where C.Element == UInt8, C.Index == Int {
        guard i >= 0, i < b.count else { return nil }
        return b[b.startIndex + i]
    }

    static func le16<C: RandomAccessCollection>(_ b: C, _ i: Int) -> UInt16? where C.Element == UInt8, C.Index == Int {
        guard i >= 0, i <= b.count - 2 else { return nil }
        let s = b.startIndex + i
        return UInt16(b[s]) | UInt16(b[s + 1]) << 8
    }

    static func le32<C: RandomAccessCollection>(_ b: C, _ i: Int) -> UInt32? where C.Element == UInt8, C.Index == Int {
        guard i >= 0, i <= b.count - 4 else { return nil }
        let s = b.startIndex + i
        return UInt32(b[s]) | UInt32(b[s + 1]) << 8 | UInt32(b[s + 2]) << 16 | UInt32(b[s + 3]) << 24
    }

    static func le64<C: RandomAccessCollection>(_ b: C, _ i: Int) -> UInt64? where C.Element == UInt8, C.Index == Int {
        guard let lo = le32(b, i), let hi = le32(b, i + 4) else { return nil }
        return UInt64(lo) | UInt64(hi) << 32
    }

    static func be16<C: RandomAccessCollection>(_ b: C, _ i: Int) -> UInt16? where C.Element == UInt8, C.Index == Int {
        guard i >= 0, i <= b.count - 2 else { return nil }
        let s = b.startIndex + i
        return UInt16(b[s]) << 8 | UInt16(b[s + 1])
    }

    static func be32<C: RandomAccessCollection>(_ b: C, _ i: Int) -> UInt32? where C.Element == UInt8, C.Index == Int {
        guard i >= 0, i <= b.count - 4 else { return nil }
        let s = b.startIndex + i
        return UInt32(b[s]) << 24 | UInt32(b[s + 1]) << 16 | UInt32(b[s + 2]) << 8 | UInt32(b[s + 3])
    }

    /// Four bytes as ASCII text, for chunk ids and magic numbers.
    static func fourCC<C: RandomAccessCollection>(_ b: C, _ i: Int) -> String? where C.Element == UInt8, C.Index == Int {
        guard i >= 0, i <= b.count - 4 else { return nil }
        let s = b.startIndex + i
        return String(decoding: b[s..<(s + 4)], as: UTF8.self)
    }

    static func matches<C: RandomAccessCollection>(_ b: C, _ i: Int, _ ascii: String) -> Bool where C.Element == UInt8, C.Index == Int {
        let want = Array(ascii.utf8)
        guard i >= 0, i <= b.count - want.count else { return false }
        let s = b.startIndex + i
        for k in 0..<want.count where b[s + k] != want[k] { return false }
        return true
    }

    static func putLE32(_ v: UInt32, into b: inout [UInt8], at i: Int) {
        guard i >= 0, i <= b.count - 4 else { return }
        for k in 0..<4 { b[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
    }

    static func putLE64(_ v: UInt64, into b: inout [UInt8], at i: Int) {
        guard i >= 0, i <= b.count - 8 else { return }
        for k in 0..<8 { b[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
    }

    static func putBE32(_ v: UInt32, into b: inout [UInt8], at i: Int) {
        guard i >= 0, i <= b.count - 4 else { return }
        for k in 0..<4 { b[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(3 - k))) }
    }

    static func putBE16(_ v: UInt16, into b: inout [UInt8], at i: Int) {
        guard i >= 0, i <= b.count - 2 else { return }
        b[i] = UInt8(truncatingIfNeeded: v >> 8)
        b[i + 1] = UInt8(truncatingIfNeeded: v)
    }
}

/// The two CRC-16s of MP3 files.
public enum CRC16 {
    /// MPEG audio frame CRC: polynomial 0x8005, initial value 0xFFFF, MSB first.
    @inlinable
    public static func mpeg<C: Collection>(_ bytes: C, initial: UInt16 = 0xFFFF) -> UInt16 where C.Element == UInt8 {
        var crc = initial
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 {
                crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x8005 : crc << 1
            }
        }
        return crc
    }

    /// CRC-16/ARC (polynomial 0x8005 reflected, 0xA001; initial 0), as the LAME tag uses it
    /// for the tag and for the music.
    @inlinable
    public static func arc<C: Collection>(_ bytes: C, initial: UInt16 = 0) -> UInt16 where C.Element == UInt8 {
        var crc = initial
        for b in bytes { crc = (crc >> 8) ^ table[Int((crc ^ UInt16(b)) & 0xFF)] }
        return crc
    }

    /// The same over a stream's bytes (every MP3 frame written: the LAME tag's music CRC),
    /// four bytes per step ("slicing by 4": four independent lookups instead of a chain of
    /// four), the rest byte by byte.
    public static func arc(_ bytes: UnsafeBufferPointer<UInt8>, initial: UInt16) -> UInt16 {
        guard var p = bytes.baseAddress else { return initial }
        let t = slices
        var crc = UInt32(initial)
        var left = bytes.count
        while left >= 4 {
            let x = crc ^ (UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24)
            crc = UInt32(t[768 + Int(x & 0xFF)] ^ t[512 + Int(x >> 8 & 0xFF)] ^ t[256 + Int(x >> 16 & 0xFF)] ^ t[Int(x >> 24)])
            p += 4
            left -= 4
        }
        var c = UInt16(crc)
        for i in 0..<left { c = (c >> 8) ^ t[Int((c ^ UInt16(p[i])) & 0xFF)] }
        return c
    }

    /// CRC-16/ARC of each byte value.
    @usableFromInline
    static let table: [UInt16] = (0..<256).map { byte -> UInt16 in
        var c = UInt16(byte)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xA001 : c >> 1 }
        return c
    }

    /// `table` followed by the CRCs of each byte followed by one, two and three zero bytes.
    nonisolated(unsafe) private static let slices: UnsafePointer<UInt16> = {
        let t = UnsafeMutablePointer<UInt16>.allocate(capacity: 4 * 256)
        for i in 0..<256 { t[i] = table[i] }
        for k in 1..<4 {
            for i in 0..<256 {
                let prev = t[256 * (k - 1) + i]
                t[256 * k + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return UnsafePointer(t)   // kept for the life of the process
    }()
}

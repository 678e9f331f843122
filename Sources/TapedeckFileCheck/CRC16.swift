/// The two CRC-16s found in MP3 files.
enum CRC16 {
    /// MPEG audio frame CRC: polynomial 0x8005, initial value 0xFFFF, MSB first.
    static func mpeg<C: Collection>(_ bytes: C, initial: UInt16 = 0xFFFF) -> UInt16 where C.Element == UInt8 {
        var crc = initial
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 {
                crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x8005 : crc << 1
            }
        }
        return crc
    }

    /// The LAME tag's CRC (CRC-16/ARC): reflected polynomial 0xA001, initial 0.
    static func lame<C: Collection>(_ bytes: C, initial: UInt16 = 0) -> UInt16 where C.Element == UInt8 {
        var crc = initial
        for byte in bytes {
            crc = (crc >> 8) ^ arcTable[Int((crc ^ UInt16(byte)) & 0xFF)]
        }
        return crc
    }

    private static let arcTable: [UInt16] = (0..<256).map { i -> UInt16 in
        var c = UInt16(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xA001 : c >> 1 }
        return c
    }
}

/// ASCII character classes used by every parser and rule.
public enum ASCII {
    /// Blank bytes trimmed from both ends of a request line: space, tab, CR.
    public static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// `0-9`.
    public static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `0-9`.
    public static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    /// `A-Z a-z 0-9`.
    public static func isAlnum(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9": return true
        default: return false
        }
    }

    /// `A-Z a-z 0-9 _ - .`: the characters of names (stations, devices, groups, call
    /// identifiers), file names and filename templates.
    public static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isAlnum(scalar) || scalar == "_" || scalar == "-" || scalar == "."
    }

    /// The value of a hexadecimal digit (`0-9 A-F a-f`), else nil.
    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// `value` in hexadecimal, at least `digits` digits (zero-padded): `hex(0x1B, digits: 4)` is `001b`.
    public static func hex(_ value: UInt32, digits: Int, uppercase: Bool = false) -> String {
        let h = String(value, radix: 16, uppercase: uppercase)
        return h.count >= digits ? h : String(repeating: "0", count: digits - h.count) + h
    }
}

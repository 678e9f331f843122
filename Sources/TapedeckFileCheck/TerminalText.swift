/// Text made safe for a terminal: control characters (C0, DEL, C1) are
/// shown as escapes, so a file name holding ESC cannot drive the terminal
/// and one holding a newline cannot forge a row. `\n`, `\r` and `\t` are
/// written as such, other control characters as `\xHH` (C0 and DEL) or
/// `\u{HH}` (C1), and a backslash as `\\` so that the escaping is
/// unambiguous.
public enum TerminalText {
    public static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += "\\x" + hex(u.value)
                } else if (0x80...0x9F).contains(u.value) {
                    out += "\\u{" + hex(u.value) + "}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    private static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        u == "\\" || u.value < 0x20 || (0x7F...0x9F).contains(u.value)
    }

    private static func hex(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return h.count == 1 ? "0" + h : h
    }
}

import TapedeckVocabulary

/// Text made safe for a terminal: control characters (``ControlCharacter``: C0, DEL,
/// C1, U+2028, U+2029) are shown as escapes, so a file name holding ESC cannot drive the
/// terminal and one holding a newline cannot forge a row. `\n`, `\r` and `\t` are
/// written as such, other control characters as `\xHH` (C0 and DEL) or `\u{HH}` (C1,
/// `\u{2028}`), and a backslash as `\\` so that the escaping is unambiguous.
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
                    out += "\\x" + ASCII.hex(u.value, digits: 2, uppercase: true)
                } else if ControlCharacter.isControl(u) {
                    out += "\\u{" + ASCII.hex(u.value, digits: 2, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    private static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        u == "\\" || ControlCharacter.isControl(u)
    }
}

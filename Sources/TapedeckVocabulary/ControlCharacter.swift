/// What Tapedeck calls a control character, everywhere it refuses or cleans one (request
/// fields, text replies, configuration paths and names, terminal output): C0
/// (U+0000–U+001F), DEL and C1 (U+007F–U+009F), and the line and paragraph separators
/// U+2028 and U+2029, which some readers take for a line break.
public enum ControlCharacter {
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Whether `s` holds a control character.
    public static func occurs(in s: String) -> Bool {
        s.unicodeScalars.contains(where: isControl)
    }
}

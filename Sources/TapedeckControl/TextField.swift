/// Cleaning of values echoed in text lines, so a reply is always one line
/// with the expected number of `|` fields: control characters (U+0000–U+001F,
/// U+007F–U+009F, U+2028, U+2029) and `|` become `?`.
public enum TextField {
    public static func clean(_ s: String, keepingBars: Bool = false) -> String {
        func bad(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) || (!keepingBars && scalar == "|") }
        guard s.unicodeScalars.contains(where: bad) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            out.append(bad(scalar) ? "?" : scalar)
        }
        return String(out)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}

/// Cleaning of values echoed in text lines, so a reply is always one line
/// with the expected number of `|` fields: control characters (U+0000–U+001F,
/// U+007F–U+009F, U+2028, U+2029: ``ControlCharacter``) and `|` become `?`.
public enum TextField {
    public static func clean(_ s: String, keepingBars: Bool = false) -> String {
        func bad(_ scalar: Unicode.Scalar) -> Bool { ControlCharacter.isControl(scalar) || (!keepingBars && scalar == "|") }
        guard s.unicodeScalars.contains(where: bad) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            out.append(bad(scalar) ? "?" : scalar)
        }
        return String(out)
    }
}

/// The optional `stage` of START/BEGIN, sanitised by Tapedeck's own rule.
///
/// Every Unicode scalar outside `A-Z a-z 0-9 _ -` becomes `_` (so `é` is one
/// `_`, but `e` + combining acute is `e_`, and an emoji is one `_`); then the
/// result is cut to its first 14 characters. An empty stage is no stage.
///
/// This is not VICIdial's rule: VICIdial's api.php removes only `' " \ ;` from
/// stage and later deletes (not replaces) what a file name may not hold. Tapedeck
/// replaces at once, so the `START<stage>` of the reply, the log row and the file
/// name carry the same stage, and a dropped character still shows as `_`.
public struct Stage: Sendable, Hashable, CustomStringConvertible {
    public static let maximumLength = 14
    public let value: String

    /// Sanitises `raw`; nil when `raw` is empty.
    public init?(sanitizing raw: String) {
        guard !raw.isEmpty else { return nil }
        var out = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars.prefix(Stage.maximumLength) {
            out.append(Stage.isAllowed(scalar) ? scalar : "_")
        }
        value = String(out)
    }

    public var description: String { value }

    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        ASCII.isAlnum(scalar) || scalar == "_" || scalar == "-"
    }
}

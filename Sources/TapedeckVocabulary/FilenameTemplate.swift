/// Recording file names from VICIdial-style templates (the dates come from the protocol's
/// `FilenameTemplate.Values`, which needs a calendar).
///
/// Rendering: the template is scanned once, left to right; at each position
/// the longest variable name that matches is replaced by its value, otherwise
/// the character is copied. Substituted values are never re-scanned (an
/// AGENT named `EPOCH` stays `EPOCH`). A variable without a value is empty.
/// Then the stage (already sanitised) is appended, and the whole is made
/// safe (see ``sanitize(_:)``) and cut to 90 characters (the template part
/// is cut first, so the stage survives). The caller adds `.wav` / `.mp3`.
public struct FilenameTemplate: Sendable, Hashable {
    public static let maximumLength = 90
    /// For `recording`.
    public static let defaultRecording = FilenameTemplate("FULLDATE_CUSTPHONE_AGENT")
    /// For `stereo_recording`.
    public static let defaultStereo = FilenameTemplate("S_FULLDATE_CUSTPHONE_AGENT")

    public enum Variable: String, Sendable, Hashable, CaseIterable {
        case fullDate = "FULLDATE"            // YYYYMMDD-HHMMSS local
        case tinyDate = "TINYDATE"            // YYMMDDHHMMSS local
        case epoch = "EPOCH"                  // seconds since 1970
        case agent = "AGENT"
        case custPhone = "CUSTPHONE"
        case campaign = "CAMPAIGN"
        case inGroup = "INGROUP"
        case leadID = "LEADID"
        case vendorLeadCode = "VENDORLEADCODE"
        case callID = "CALLID"
        case station = "STATION"
        case recordingID = "RECID"

        /// Longest names first, so a longer name always wins at one position.
        static let byLength: [Variable] = allCases.sorted {
            $0.rawValue.count != $1.rawValue.count ? $0.rawValue.count > $1.rawValue.count : $0.rawValue < $1.rawValue
        }
    }

    public let template: String

    public init(_ template: String) {
        self.template = template
    }

    /// Variables used by the template, in order of appearance.
    public var variables: [Variable] {
        var found: [Variable] = []
        _ = expand { found.append($0); return "" }
        return found
    }

    /// The file name without extension: at most 90 characters of
    /// `A-Z a-z 0-9 _ - .`, never empty, never starting with `-` or `.`, never
    /// ending with `.`, never containing `..`.
    /// `value` gives each variable's value (empty when it has none).
    public func render(stage: Stage? = nil, value: (Variable) -> String) -> String {
        let base = FilenameTemplate.sanitize(expand(value))
        let suffix = stage?.value ?? ""
        var name = String(base.prefix(FilenameTemplate.maximumLength - suffix.count)) + suffix
        name = FilenameTemplate.sanitize(name)  // the cut may leave a trailing "."
        return name.isEmpty ? "recording" : name
    }

    /// Single left-to-right pass, longest match first, no re-scanning.
    public func expand(_ value: (Variable) -> String) -> String {
        let chars = Array(template.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        outer: while i < chars.count {
            for variable in Variable.byLength {
                let name = Array(variable.rawValue.unicodeScalars)
                if i + name.count <= chars.count, Array(chars[i..<i + name.count]) == name {
                    out.append(contentsOf: value(variable).unicodeScalars)
                    i += name.count
                    continue outer
                }
            }
            out.append(chars[i])
            i += 1
        }
        return String(out)
    }

    /// Every Unicode scalar outside `A-Z a-z 0-9 _ - .` becomes `_`; a `.`
    /// at the start or end, or right after another `.`, becomes `_` (no
    /// hidden files, no `..`), and so does a `-` at the start (no name a shell
    /// command takes for an option, as `rm *` would). No `/` can survive, so no
    /// path leaves the spool.
    public static func sanitize(_ s: String) -> String {
        var out: [Unicode.Scalar] = s.unicodeScalars.map { c in ASCII.isNameCharacter(c) ? c : "_" }
        if out.first == "-" { out[0] = "_" }
        for i in out.indices where out[i] == "." {
            if i == 0 || i == out.count - 1 || out[i - 1] == "." { out[i] = "_" }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: out)
        return String(view)
    }

    /// `name` if not taken, else `name-2`, `name-3`, … (the name is cut so
    /// the result stays within 90 characters). `taken` is asked about the
    /// name without extension; it should check every extension the daemon may
    /// write.
    public static func uniqued(_ name: String, maximumLength: Int = FilenameTemplate.maximumLength,
                               taken: (String) -> Bool) -> String {
        if !taken(name) { return name }
        var n = 2
        while true {
            let suffix = "-\(n)"
            let candidate = String(name.prefix(max(0, maximumLength - suffix.count))) + suffix
            if !taken(candidate) { return candidate }
            n += 1
        }
    }
}

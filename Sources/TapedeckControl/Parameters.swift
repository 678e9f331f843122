/// The key/value pairs of one request, from either form.
///
/// Repeated keys: the last occurrence wins, as in PHP's `$_GET` and
/// `json_decode` (what api.php would see). Keys are case-sensitive and taken
/// literally (no PHP `.`→`_` key mangling, no `a[]` arrays).
public struct Parameters: Sendable, Hashable {
    public private(set) var values: [String: String] = [:]
    /// Keys in order of first appearance.
    public private(set) var keys: [String] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public subscript(key: String) -> String? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }

    public var isEmpty: Bool { values.isEmpty }
}

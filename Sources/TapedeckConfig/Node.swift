import TOMLKit

/// A parsed TOML value, copied out of TOMLKit into plain Swift values.
enum Node {
    case table([String: Node])
    case array([Node])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    /// Dates and times: carried only to be refused with their type's name.
    case other(String)

    static func table(_ t: TOMLTable) -> [String: Node] {
        var out: [String: Node] = [:]
        for (key, value) in t { out[key] = Node(value.tomlValue) }
        return out
    }

    init(_ v: TOMLValue) {
        switch v.type {
        case .table: self = .table(Node.table(v.table!))
        case .array: self = .array(v.array!.map { Node($0.tomlValue) })
        case .string: self = .string(v.string!)
        case .int: self = .int(v.int!)
        case .double: self = .double(v.double!)
        case .bool: self = .bool(v.bool!)
        case .date: self = .other("a date")
        case .time: self = .other("a time")
        case .dateTime: self = .other("a date-time")
        }
    }

    var typeName: String {
        switch self {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a float"
        case .bool: "a boolean"
        case .other(let name): name
        }
    }
}

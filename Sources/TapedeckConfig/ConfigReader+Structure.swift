/// The shape of the file: the keys each table holds, tables and arrays of tables.
extension ConfigReader {
    func checkKeys(_ table: [String: Node], allowed: [String], path: String) throws(ConfigError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let full = path.isEmpty ? key : "\(path).\(key)"
            var problem = "unknown key \(ConfigRules.quoted(full))"
            if let guess = Self.closest(to: key, in: allowed) {
                let fullGuess = path.isEmpty ? guess : "\(path).\(guess)"
                problem += " (did you mean \(ConfigRules.quoted(fullGuess))?)"
            }
            throw fail(nil, problem)
        }
    }

    func subtable(_ root: [String: Node], _ key: String) throws(ConfigError) -> [String: Node] {
        guard let node = root[key] else { return [:] }
        guard case .table(let t) = node else {
            throw fail(key, "must be a table ([\(key)]), not \(node.typeName)")
        }
        return t
    }

    func arrayOfTables(_ root: [String: Node], _ key: String) throws(ConfigError) -> [[String: Node]] {
        guard let node = root[key] else { return [] }
        switch node {
        case .array(let items):
            var tables: [[String: Node]] = []
            for (i, item) in items.enumerated() {
                guard case .table(let t) = item else {
                    throw fail("\(key)[\(i + 1)]", "must be a table, not \(item.typeName)")
                }
                tables.append(t)
            }
            return tables
        case .table:
            throw fail(key, "must be an array of tables: write [[\(key)]], not [\(key)]")
        default:
            throw fail(key, "must be an array of tables ([[\(key)]]), not \(node.typeName)")
        }
    }
}

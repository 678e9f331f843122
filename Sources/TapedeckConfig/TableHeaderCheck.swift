/// Finds the table headers that toml++ (the parser inside TOMLKit) cannot be given:
/// one whose name starts with a character that cannot start a key (`[!station]`,
/// `[ .a]`, `[[#x]]`, a `[` alone on its line). toml++ asserts on them, which aborts
/// the process; such a file is refused with this syntax error instead.
///
/// A lexer just good enough to tell headers apart: it skips comments and strings
/// (basic, literal, multi-line) and counts the brackets and braces of values, so a
/// `[` is a header only at the start of a line outside any value. In a file that is
/// invalid before that point the count may be wrong; the caller first has toml++
/// parse what comes before the header, so that earlier error is the one reported.
enum TableHeaderCheck {
    struct Finding: Equatable {
        /// Where the header's line starts (a byte offset).
        let lineStart: Int
        /// `line L, column C: TOML syntax error ...`, as for toml++'s errors.
        let problem: String
    }

    static func firstUnsafeHeader(_ b: [UInt8]) -> Finding? {
        var lexer = Lexer(b: b)
        return lexer.run()
    }

    private struct Lexer {
        let b: [UInt8]
        var i = 0
        var line = 1
        var lineStart = 0

        mutating func step() {
            if b[i] == 0x0A { line += 1; lineStart = i + 1 }
            i += 1
        }

        mutating func run() -> Finding? {
            var depth = 0            // open [ and { of values
            var atLineStart = true   // nothing but blanks yet on this line, outside values
            var inHeader = false
            while i < b.count {
                switch b[i] {
                case 0x0A:
                    if depth == 0 { atLineStart = true; inHeader = false }
                    step()
                case 0x20, 0x09, 0x0D:
                    step()
                case UInt8(ascii: "#"):
                    while i < b.count, b[i] != 0x0A { step() }
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    skipString()
                    atLineStart = false
                case UInt8(ascii: "["):
                    if atLineStart && depth == 0 {
                        if let finding = checkHeader() { return finding }
                        inHeader = true
                    } else if !inHeader {
                        depth += 1
                    }
                    atLineStart = false
                    step()
                case UInt8(ascii: "{"):
                    if !inHeader { depth += 1 }
                    atLineStart = false
                    step()
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if !inHeader && depth > 0 { depth -= 1 }
                    atLineStart = false
                    step()
                default:
                    atLineStart = false
                    step()
                }
            }
            return nil
        }

        /// At a header's `[`: what toml++ does before it reads the name (skip `[`,
        /// blanks, a second `[` right after the first, blanks), then whether the
        /// name starts as a key must (bare key character or quote), is empty (`]`)
        /// or is cut by the end of the file; anything else would trip its assertion.
        func checkHeader() -> Finding? {
            func blanks(_ j: Int) -> Int {
                var j = j
                while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                return j
            }
            var j = blanks(i + 1)
            if j == i + 1, j < b.count, b[j] == UInt8(ascii: "[") { j = blanks(j + 1) }
            guard j < b.count else { return nil }
            let c = b[j]
            if isBareKeyCharacter(c) || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "]") {
                return nil
            }
            if j > i + 1, c == UInt8(ascii: "[") { return nil }  // `[ [`: toml++ refuses it itself
            let column = b[lineStart..<j].filter { $0 & 0xC0 != 0x80 }.count + 1
            return Finding(lineStart: lineStart,
                           problem: "line \(line), column \(column): TOML syntax error while parsing table header: "
                               + "expected bare key starting character or string delimiter, saw '\(shown(at: j))'")
        }

        /// The character at `j` as toml++ shows one: itself, or an escape.
        func shown(at j: Int) -> String {
            var iterator = b[j...].makeIterator()
            var decoder = UTF8()
            guard case .scalarValue(let s) = decoder.decode(&iterator) else { return "?" }
            switch s {
            case "\n": return "\\n"
            case "\r": return "\\r"
            default:
                if s.value < 0x20 || s.value == 0x7F || s.value >= 0x80 {
                    let hex = String(s.value, radix: 16, uppercase: true)
                    return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                }
                return String(s)
            }
        }

        func isBareKeyCharacter(_ c: UInt8) -> Bool {
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }

        /// Past the string starting at `i` (a quote). A single-line string ends at
        /// its line break if unterminated (toml++ then reports it).
        mutating func skipString() {
            let quote = b[i]
            let basic = quote == UInt8(ascii: "\"")
            let multiLine = i + 2 < b.count && b[i + 1] == quote && b[i + 2] == quote
            step()
            if multiLine {
                step(); step()
                while i < b.count {
                    if basic && b[i] == UInt8(ascii: "\\") {
                        step()
                        if i < b.count { step() }
                        continue
                    }
                    if b[i] == quote, i + 2 < b.count, b[i + 1] == quote, b[i + 2] == quote {
                        step(); step(); step()
                        // Up to two quotes may stand right before the closing three.
                        var extra = 0
                        while extra < 2, i < b.count, b[i] == quote { step(); extra += 1 }
                        return
                    }
                    step()
                }
                return
            }
            while i < b.count, b[i] != 0x0A {
                if basic && b[i] == UInt8(ascii: "\\") {
                    step()
                    if i < b.count, b[i] != 0x0A { step() }
                    continue
                }
                if b[i] == quote { step(); return }
                step()
            }
        }
    }
}

import TapedeckVocabulary

/// Finds what toml++ (the parser inside TOMLKit) cannot be given: input on which one of
/// its assertions fails, which aborts the process. These are the places known (each
/// found by the config fuzz target); a file with one is refused with a syntax error:
/// - a table header whose name starts with a character that cannot start a key
///   (`[!station]`, `[ .a]`, `[[#x]]`, a `[` at the end of a line);
/// - a `}` where an array expects a value (`[ } ]`, `[1, }`);
/// - a date, a space and one digit, then anything but a digit (`1979-05-27 0`);
/// - a date, a `T` and anything but a digit (`1979-05-27T!7:32:00Z`).
///
/// A lexer just good enough for that: it skips comments and strings (basic, literal,
/// multi-line) and follows the brackets and braces of values, so a `[` is a header
/// only at the start of a line outside any value. In a file that is invalid before
/// that point it may be wrong; the caller first has toml++ parse the lines before the
/// statement, so that an earlier error is the one reported.
enum TOMLPreflight {
    struct Finding: Equatable {
        /// Where the line of the statement holding it starts (a byte offset).
        let statementStart: Int
        /// `line L, column C: TOML syntax error ...`, as for toml++'s errors.
        let problem: String
    }

    static func firstTrap(_ b: [UInt8]) -> Finding? {
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
            var open: [UInt8] = []      // the [ and { of the values open here
            var statementStart = 0
            var atLineStart = true      // nothing but blanks yet on this line, outside values
            var inHeader = false
            var elementStart = false    // right after an array's [ or , (blanks and comments aside)
            while i < b.count {
                let c = b[i]
                switch c {
                case 0x0A:
                    if open.isEmpty { atLineStart = true; inHeader = false }
                    step()
                case 0x20, 0x09, 0x0D:
                    step()
                case UInt8(ascii: "#"):
                    while i < b.count, b[i] != 0x0A { step() }
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    skipString()
                    atLineStart = false
                    elementStart = false
                case UInt8(ascii: "["):
                    if atLineStart && open.isEmpty {
                        if let problem = checkHeader() { return Finding(statementStart: lineStart, problem: problem) }
                        inHeader = true
                        elementStart = false
                    } else if !inHeader {
                        if open.isEmpty { statementStart = lineStart }
                        open.append(c)
                        elementStart = true
                    }
                    atLineStart = false
                    step()
                case UInt8(ascii: "{"):
                    if !inHeader {
                        if open.isEmpty { statementStart = lineStart }
                        open.append(c)
                    }
                    atLineStart = false
                    elementStart = false
                    step()
                case UInt8(ascii: ","):
                    elementStart = !inHeader && open.last == UInt8(ascii: "[")
                    atLineStart = false
                    step()
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if elementStart && c == UInt8(ascii: "}") {
                        return Finding(statementStart: statementStart,
                                       problem: "line \(line), column \(column(i)): TOML syntax error while parsing array: "
                                           + "expected value or closing ']', saw '}'")
                    }
                    if !inHeader && !open.isEmpty { open.removeLast() }
                    atLineStart = false
                    elementStart = false
                    step()
                default:
                    if i == 0 || isTokenBoundary(b[i - 1]), let problem = checkDateTime() {
                        return Finding(statementStart: open.isEmpty ? lineStart : statementStart, problem: problem)
                    }
                    atLineStart = false
                    elementStart = false
                    step()
                }
            }
            return nil
        }

        func isTokenBoundary(_ c: UInt8) -> Bool {
            [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "="), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(c)
        }

        /// At the start of a word: toml++ reads ten characters (underscores aside)
        /// that start with a digit and have `-` fifth and eighth (`dddd-dd-dd`),
        /// a space and a digit as the start of a date-time, then asserts that more
        /// follows unless the file ends there; and it asserts that a digit follows
        /// the `T` of a date-time.
        func checkDateTime() -> String? {
            let date = Array("dddd-dd-dd".utf8)
            if i + 11 < b.count, b[i + 10] == UInt8(ascii: "T") || b[i + 10] == UInt8(ascii: "t"),
               !isDigit(b[i + 11]),
               zip(b[i..<(i + 10)], date).allSatisfy({ $1 == UInt8(ascii: "d") ? isDigit($0) : $0 == $1 }) {
                return "line \(line), column \(column(i + 11)): TOML syntax error while parsing date-time: "
                    + "expected a time after '\(shown(at: i + 10))', saw '\(shown(at: i + 11))'"
            }
            var j = i
            var chars: [UInt8] = []
            // The word ends where toml++'s value does: blank, line break, ] } , or #.
            while j < b.count, !((0x09...0x0D).contains(b[j]) || [0x20, UInt8(ascii: "]"), UInt8(ascii: "}"),
                                                                   UInt8(ascii: ","), UInt8(ascii: "#")].contains(b[j])) {
                if b[j] != UInt8(ascii: "_"), b[j] & 0xC0 != 0x80 { chars.append(b[j]) }
                j += 1
            }
            guard chars.count == 10, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
                  chars.first.map(isDigit) == true,
                  j + 2 < b.count, b[j] == 0x20, isDigit(b[j + 1]), !isDigit(b[j + 2]) else { return nil }
            return "line \(line), column \(column(j + 2)): TOML syntax error while parsing date-time: "
                + "expected the hour's second digit, saw '\(shown(at: j + 2))'"
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        /// Column of byte `j` on its line, counted in characters from 1.
        func column(_ j: Int) -> Int {
            b[lineStart..<j].filter { $0 & 0xC0 != 0x80 }.count + 1
        }

        /// At a header's `[`: what toml++ does before it reads the name (skip `[`,
        /// blanks, a second `[` right after the first, blanks), then whether the
        /// name starts as a key must (bare key character or quote), is empty (`]`)
        /// or is cut by the end of the file; anything else would trip its assertion.
        func checkHeader() -> String? {
            func blanks(_ j: Int) -> Int {
                var j = j
                while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                return j
            }
            var j = blanks(i + 1)
            if j < b.count, b[j] == UInt8(ascii: "[") {
                guard j == i + 1 else { return nil }  // `[ [`: toml++ refuses it itself
                j = blanks(j + 1)
            }
            guard j < b.count else { return nil }
            let c = b[j]
            if isBareKeyCharacter(c) || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "]") {
                return nil
            }
            return "line \(line), column \(column(j)): TOML syntax error while parsing table header: "
                + "expected bare key starting character or string delimiter, saw '\(shown(at: j))'"
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
                    return "\\u" + ASCII.hex(s.value, digits: 4, uppercase: true)
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

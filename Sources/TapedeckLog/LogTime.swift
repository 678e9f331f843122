import Foundation

/// The log's time texts, always with an explicit time zone. Fractions of a
/// second are dropped (floor), as in `start_epoch`.
/// Same shapes as TapedeckControl's TimeFormat (kept separate so this target
/// depends on GRDB only).
enum LogTime {
    /// Whole seconds since 1970 (floor).
    static func epoch(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    private static func components(_ epoch: Int64, _ timeZone: TimeZone)
        -> (y: Int, mo: Int, d: Int, h: Int, mi: Int, s: Int, offset: Int) {
        let date = Date(timeIntervalSince1970: TimeInterval(epoch))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return (c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0,
                timeZone.secondsFromGMT(for: date))
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value.magnitude)
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// `YYYY-MM-DD HH:MM:SS` local time (VICIdial's start_time / end_time).
    static func local(epoch: Int64, timeZone: TimeZone) -> String {
        let t = components(epoch, timeZone)
        return "\(pad(t.y, 4))-\(pad(t.mo, 2))-\(pad(t.d, 2)) \(pad(t.h, 2)):\(pad(t.mi, 2)):\(pad(t.s, 2))"
    }

    /// ISO 8601 with offset, e.g. `2026-11-21T10:10:10+01:00` (UTC is `+00:00`).
    static func iso8601(_ date: Date, timeZone: TimeZone) -> String {
        let t = components(epoch(date), timeZone)
        let sign = t.offset < 0 ? "-" : "+"
        let minutes = abs(t.offset) / 60
        return "\(pad(t.y, 4))-\(pad(t.mo, 2))-\(pad(t.d, 2))T\(pad(t.h, 2)):\(pad(t.mi, 2)):\(pad(t.s, 2))"
            + "\(sign)\(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))"
    }

    /// Parses what ``iso8601(_:timeZone:)`` writes (`YYYY-MM-DDTHH:MM:SS±HH:MM`, or `Z`).
    static func parseISO8601(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count == 25 || u.count == 20 else { return nil }
        func num(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T"),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              let h = num(11, 2), let mi = num(14, 2), let sec = num(17, 2) else { return nil }
        var offset = 0
        if u.count == 25 {
            guard u[19] == UInt8(ascii: "+") || u[19] == UInt8(ascii: "-"), u[22] == UInt8(ascii: ":"),
                  let oh = num(20, 2), let om = num(23, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (u[19] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            guard u[19] == UInt8(ascii: "Z") else { return nil }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        guard let utc = calendar.date(from: DateComponents(year: y, month: mo, day: d,
                                                           hour: h, minute: mi, second: sec)) else { return nil }
        return utc.addingTimeInterval(TimeInterval(-offset))
    }

    /// True for `YYYY-MM-DD` naming a real Gregorian date.
    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.count == 4, parts[1].utf8.count == 2, parts[2].utf8.count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m) else {
            return false
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d)
    }
}

import Foundation

/// Date formatting with an explicit time zone (never the process's implicit one).
/// Fractions of a second are dropped (floor). Here: the dates of file names (FULLDATE,
/// TINYDATE, EPOCH); the protocol adds the forms of its replies (TimeFormat+Wire.swift).
public enum TimeFormat {
    public struct LocalTime: Sendable, Hashable {
        public var year, month, day, hour, minute, second: Int
        /// Offset from UTC in seconds at that instant.
        public var utcOffset: Int
    }

    public static func localTime(_ date: Date, timeZone: TimeZone) -> LocalTime {
        let whole = Date(timeIntervalSince1970: (date.timeIntervalSince1970).rounded(.down))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: whole)
        return LocalTime(year: c.year ?? 0, month: c.month ?? 0, day: c.day ?? 0, hour: c.hour ?? 0,
                         minute: c.minute ?? 0, second: c.second ?? 0,
                         utcOffset: timeZone.secondsFromGMT(for: whole))
    }

    /// `value` in decimal, zero-padded to `width` digits (a sign before them).
    package static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value.magnitude)
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// FULLDATE: `YYYYMMDD-HHMMSS`.
    public static func fullDate(_ date: Date, timeZone: TimeZone) -> String {
        let t = localTime(date, timeZone: timeZone)
        return "\(pad(t.year, 4))\(pad(t.month, 2))\(pad(t.day, 2))-\(pad(t.hour, 2))\(pad(t.minute, 2))\(pad(t.second, 2))"
    }

    /// TINYDATE: `YYMMDDHHMMSS`.
    public static func tinyDate(_ date: Date, timeZone: TimeZone) -> String {
        let t = localTime(date, timeZone: timeZone)
        return "\(pad(t.year % 100, 2))\(pad(t.month, 2))\(pad(t.day, 2))\(pad(t.hour, 2))\(pad(t.minute, 2))\(pad(t.second, 2))"
    }

    /// EPOCH: whole seconds since 1970 (floor).
    public static func epoch(_ date: Date) -> String {
        String(Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}

import Foundation

/// The times of replies and events.
extension TimeFormat {
    /// `YYYY-MM-DD HH:MM:SS` local time (VICIdial's start_time).
    public static func localDateTime(_ date: Date, timeZone: TimeZone) -> String {
        let t = localTime(date, timeZone: timeZone)
        return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2)) \(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))"
    }

    /// ISO 8601 with offset, e.g. `2026-11-21T10:10:10+01:00` (UTC is `+00:00`).
    public static func iso8601(_ date: Date, timeZone: TimeZone) -> String {
        let t = localTime(date, timeZone: timeZone)
        let offset = t.utcOffset
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))T\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))"
            + "\(sign)\(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))"
    }
}

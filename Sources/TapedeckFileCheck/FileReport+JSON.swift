extension FileReport {
    /// One JSON object on one line, keys always in this order:
    /// path, format, sample_rate, channels, bits_per_sample, bitrate_kbps,
    /// vbr, duration_seconds, gapless_duration_seconds, lame_tag_crc, frames, file_size,
    /// verdict, reasons ([{severity, code, message}]). Unknown or
    /// inapplicable values are null.
    public var jsonLine: String {
        var out = "{"
        func key(_ k: String) { out += (out.count > 1 ? "," : "") + JSON.string(k) + ":" }
        key("path"); out += JSON.string(path)
        key("format"); out += JSON.string(format.rawValue)
        key("sample_rate"); out += JSON.int(sampleRate)
        key("channels"); out += JSON.int(channels)
        key("bits_per_sample"); out += JSON.int(bitsPerSample)
        key("bitrate_kbps"); out += JSON.int(bitrateKbps)
        key("vbr"); out += isVBR.map { $0 ? "true" : "false" } ?? "null"
        key("duration_seconds"); out += durationSeconds.map { JSON.fixed($0, digits: 6) } ?? "null"
        key("gapless_duration_seconds"); out += gaplessDurationSeconds.map { JSON.fixed($0, digits: 6) } ?? "null"
        key("lame_tag_crc"); out += lameTagCRC.map { JSON.string($0.rawValue) } ?? "null"
        key("frames"); out += frameCount.map { String($0) } ?? "null"
        key("file_size"); out += fileSize.map { String($0) } ?? "null"
        key("verdict"); out += JSON.string(verdict.rawValue)
        key("reasons")
        out += "[" + reasons.map { r in
            "{\"severity\":\(JSON.string(r.severity.rawValue)),\"code\":\(JSON.string(r.code.rawValue)),\"message\":\(JSON.string(r.message))}"
        }.joined(separator: ",") + "]"
        out += "}"
        return out
    }
}

/// Minimal JSON text rendering (no Foundation needed, fixed key order).
public enum JSON {
    public static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static func int(_ v: Int?) -> String { v.map { String($0) } ?? "null" }

    /// A non-negative or negative finite number with exactly `digits`
    /// decimals; falls back to Swift's own rendering for huge values.
    static func fixed(_ x: Double, digits: Int) -> String {
        guard x.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        guard abs(x) * scale < 9e15 else { return "\(x)" }
        let units = Int64((abs(x) * scale).rounded())
        let p = Int64(scale)
        let frac = String(units % p)
        let sign = x < 0 && units != 0 ? "-" : ""
        if digits == 0 { return sign + String(units) }
        return sign + String(units / p) + "." + String(repeating: "0", count: digits - frac.count) + frac
    }
}

import TapedeckVocabulary

extension FileReport {
    /// One JSON object on one line, keys always in this order:
    /// path, format, sample_rate, channels, bits_per_sample, bitrate_kbps,
    /// vbr, duration_seconds, gapless_duration_seconds, lame_tag_crc, frames, file_size,
    /// verdict, reasons ([{severity, code, message}]). Unknown or
    /// inapplicable values are null.
    public var jsonLine: String {
        var out = "{"
        func key(_ k: String) { out += (out.count > 1 ? "," : "") + JSONValue.quoted(k) + ":" }
        key("path"); out += JSONValue.quoted(path)
        key("format"); out += JSONValue.quoted(format.rawValue)
        key("sample_rate"); out += JSON.int(sampleRate)
        key("channels"); out += JSON.int(channels)
        key("bits_per_sample"); out += JSON.int(bitsPerSample)
        key("bitrate_kbps"); out += JSON.int(bitrateKbps)
        key("vbr"); out += isVBR.map { $0 ? "true" : "false" } ?? "null"
        key("duration_seconds"); out += durationSeconds.map { JSON.fixed($0, digits: 6) } ?? "null"
        key("gapless_duration_seconds"); out += gaplessDurationSeconds.map { JSON.fixed($0, digits: 6) } ?? "null"
        key("lame_tag_crc"); out += lameTagCRC.map { JSONValue.quoted($0.rawValue) } ?? "null"
        key("frames"); out += frameCount.map { String($0) } ?? "null"
        key("file_size"); out += fileSize.map { String($0) } ?? "null"
        key("verdict"); out += JSONValue.quoted(verdict.rawValue)
        key("reasons")
        out += "[" + reasons.map { r in
            "{\"severity\":\(JSONValue.quoted(r.severity.rawValue)),\"code\":\(JSONValue.quoted(r.code.rawValue)),\"message\":\(JSONValue.quoted(r.message))}"
        }.joined(separator: ",") + "]"
        out += "}"
        return out
    }
}

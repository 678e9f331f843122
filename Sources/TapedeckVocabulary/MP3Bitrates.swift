/// The MP3 bitrates (kbit/s) Tapedeck writes exactly as asked, by sample rate: the MPEG
/// Layer III table of the version the rate implies (``MPEGVersion``), as far as the encoder
/// (LAME) honours it.
///
/// | rate | MPEG version | bitrates |
/// | --- | --- | --- |
/// | 32000, 44100, 48000 | MPEG-1 | 32–320 |
/// | 16000, 22050, 24000 | MPEG-2 | 8–160 (with 144) |
/// | 8000, 11025, 12000 | MPEG-2.5 | 8–64: the standard's table goes on to 160, but LAME writes every higher bitrate as 64 |
///
/// Anything else LAME would silently change, so it is refused: by the protocol (START,
/// BEGIN), the configuration and the writer alike.
public enum MP3Bitrates {
    /// MPEG-1 Layer III (32, 44.1 and 48 kHz).
    public static let mpeg1 = MPEGVersion.mpeg1.layer3Bitrates
    /// MPEG-2 Layer III (16, 22.05 and 24 kHz).
    public static let mpeg2 = MPEGVersion.mpeg2.layer3Bitrates
    /// MPEG-2.5 Layer III (8, 11.025 and 12 kHz) as LAME encodes it: at most 64.
    public static let mpeg25 = MPEGVersion.mpeg25.layer3Bitrates.filter { $0 <= 64 }

    /// The bitrates at `sampleRate`.
    public static func at(sampleRate: Int) -> [Int] {
        switch MPEGVersion(sampleRate: sampleRate) {
        case .mpeg1: mpeg1
        case .mpeg2: mpeg2
        case .mpeg25: mpeg25
        }
    }

    /// Every bitrate of some rate: what a request may name before the station's rate is known.
    public static let any: [Int] = Array(Set(mpeg1 + mpeg2 + mpeg25)).sorted()

    /// `8, 16, 24`.
    public static func list(_ bitrates: [Int]) -> String {
        bitrates.map(String.init).joined(separator: ", ")
    }
}

import Foundation

/// A WAV file as the tests read it: an independent RIFF parser (no libsndfile), so the
/// tests judge the files our writers made without trusting the code that wrote them.
public struct WAVContents: Sendable {
    public var formatTag: UInt16
    public var channels: Int
    public var sampleRate: Int
    public var bitsPerSample: Int
    /// The RIFF size field and the data chunk's declared size, as found in the header.
    public var declaredRIFFSize: UInt32
    public var declaredDataSize: UInt32
    /// Bytes actually present after the data chunk's header.
    public var availableDataBytes: Int
    /// Samples of the declared data that are present (interleaved).
    public var samples: [Int16]

    public var frames: Int { samples.count / max(1, channels) }
    public var durationSeconds: Double { Double(frames) / Double(sampleRate) }

    /// Channel `c` of the interleaved samples.
    public func channel(_ c: Int) -> [Int16] {
        stride(from: c, to: samples.count, by: channels).map { samples[$0] }
    }

    public enum ParseError: Error, CustomStringConvertible {
        case notWAV(String)
        public var description: String { switch self { case .notWAV(let s): s } }
    }

    public init(path: String) throws {
        try self.init(data: try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    public init(data: Data) throws {
        let bytes = [UInt8](data)
        func u32(_ o: Int) -> UInt32 { UInt32(bytes[o]) | UInt32(bytes[o+1]) << 8 | UInt32(bytes[o+2]) << 16 | UInt32(bytes[o+3]) << 24 }
        func u16(_ o: Int) -> UInt16 { UInt16(bytes[o]) | UInt16(bytes[o+1]) << 8 }
        func tag(_ o: Int) -> String { String(decoding: bytes[o..<o+4], as: UTF8.self) }
        guard bytes.count >= 12, tag(0) == "RIFF", tag(8) == "WAVE" else { throw ParseError.notWAV("no RIFF/WAVE header") }
        declaredRIFFSize = u32(4)
        var offset = 12
        var fmt: (UInt16, Int, Int, Int)?
        var data: (size: UInt32, start: Int)?
        while offset + 8 <= bytes.count {
            let id = tag(offset), size = u32(offset + 4)
            if id == "fmt " {
                guard offset + 24 <= bytes.count else { throw ParseError.notWAV("fmt chunk cut short") }
                fmt = (u16(offset + 8), Int(u16(offset + 10)), Int(u32(offset + 12)), Int(u16(offset + 22)))
            } else if id == "data" {
                data = (size, offset + 8)
                break
            }
            offset += 8 + Int(size) + Int(size & 1)
        }
        guard let fmt else { throw ParseError.notWAV("no fmt chunk") }
        guard let data else { throw ParseError.notWAV("no data chunk") }
        formatTag = fmt.0; channels = fmt.1; sampleRate = fmt.2; bitsPerSample = fmt.3
        declaredDataSize = data.size
        availableDataBytes = bytes.count - data.start
        let usable = min(Int(data.size), availableDataBytes) / 2 * 2
        samples = stride(from: data.start, to: data.start + usable, by: 2).map {
            Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
        }
    }
}

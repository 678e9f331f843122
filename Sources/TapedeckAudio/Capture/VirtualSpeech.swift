import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// Recorded audio a virtual device plays instead of its tones: a 16-bit PCM WAV file at
/// the device's rate, looped. Device channel c plays channel c mod C of the file's C
/// channels (a two-channel file, agent then customer, puts the same conversation on every
/// station). Read once, when the device opens; the capture thread only copies from it.
public final class VirtualSpeech: Sendable {
    public let path: String
    public let fileChannels: Int
    public let frames: Int
    /// The file's samples, interleaved as in the file.
    private let samples: [Int16]

    /// Why a file cannot be played.
    public struct LoadError: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String
        public var description: String { "virtual device speech \(path): \(reason)" }
    }

    /// Reads `path`: a RIFF/WAVE file of 16-bit PCM at `sampleRate`, at least one frame.
    public init(path: String, sampleRate: Int) throws(LoadError) {
        self.path = path
        guard let b = Self.contents(of: path) else { throw LoadError(path: path, reason: "cannot be read") }
        func u16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        guard b.count >= 12, b[0..<4] == [0x52, 0x49, 0x46, 0x46], b[8..<12] == [0x57, 0x41, 0x56, 0x45] else {
            throw LoadError(path: path, reason: "not a RIFF/WAVE file")
        }
        var channels = 0, data16: ArraySlice<UInt8>? = nil
        var i = 12
        while i + 8 <= b.count {
            let id = String(decoding: b[i..<i + 4], as: UTF8.self), size = u32(i + 4)
            let body = i + 8, end = min(b.count, body + size)
            if id == "fmt ", end - body >= 16 {
                let tag = u16(body), bits = u16(body + 14), rate = u32(body + 4)
                guard tag == 1 || tag == 0xFFFE, bits == 16 else {
                    throw LoadError(path: path, reason: "not 16-bit PCM")
                }
                guard rate == sampleRate else {
                    throw LoadError(path: path, reason: "\(rate) Hz, the device captures at \(sampleRate) Hz")
                }
                channels = u16(body + 2)
            } else if id == "data" {
                data16 = b[body..<end]
            }
            i = body + size + (size & 1)
        }
        guard channels > 0, let pcm = data16 else { throw LoadError(path: path, reason: "no fmt or data chunk") }
        let count = pcm.count / (2 * channels) * channels
        guard count > 0 else { throw LoadError(path: path, reason: "no audio") }
        var samples = [Int16](repeating: 0, count: count)
        let base = pcm.startIndex
        for k in 0..<count { samples[k] = Int16(bitPattern: UInt16(pcm[base + 2 * k]) | UInt16(pcm[base + 2 * k + 1]) << 8) }
        self.samples = samples
        fileChannels = channels
        frames = count / channels
    }

    /// The whole file, or nil if it cannot be opened or read.
    private static func contents(of path: String) -> [UInt8]? {
        guard let fd = try? FileDescriptor.open(path, .readOnly) else { return nil }
        defer { try? fd.close() }
        return try? fd.readToEnd()
    }

    /// Writes `frames` interleaved frames of `channels` channels from the loop's frame
    /// `position` (mod its length) on. No allocation.
    func render(into buffer: UnsafeMutablePointer<Int16>, channels: Int, frames: Int, from position: Int) {
        samples.withUnsafeBufferPointer { s in
            let fc = fileChannels
            var p = position % self.frames
            // A two-channel file on an even number of device channels: each device frame is
            // the file's frame repeated, one 32-bit pattern filled across the frame.
            if fc == 2 && channels % 2 == 0 {
                let from = UnsafeRawPointer(s.baseAddress!)
                for f in 0..<frames {
                    let pair = from.loadUnaligned(fromByteOffset: 4 &* p, as: UInt32.self)
                    let out = UnsafeMutableRawPointer(buffer + f &* channels)
                    for c in 0..<channels / 2 { out.storeBytes(of: pair, toByteOffset: 4 &* c, as: UInt32.self) }
                    p += 1
                    if p == self.frames { p = 0 }
                }
                return
            }
            for f in 0..<frames {
                let from = s.baseAddress! + p * fc, out = buffer + f * channels
                // The file's frame again and again across the device's channels (no
                // division per sample: a 64-channel device is 512,000 samples a second).
                var c = 0
                while c < channels {
                    let k = min(fc, channels - c)
                    for j in 0..<k { out[c + j] = from[j] }
                    c += k
                }
                p += 1
                if p == self.frames { p = 0 }
            }
        }
    }
}

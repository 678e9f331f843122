import Crypto
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 of a whole file, in lower-case hex (what `sha256sum` prints).
///
/// The writers rewrite the header (WAV) or the Info frame (MP3) at the start of the
/// file up to the moment it is final, and SHA-256 consumes bytes in order, so the
/// digest of the final file cannot be built while the audio is appended: it is
/// computed once the file is complete, by one sequential read of what was just
/// written (still in the page cache), before the file is renamed into place.
public enum FileDigest {
    /// Bytes read per call.
    static let chunk = 1 << 20

    /// The file's SHA-256, or a ``FileError`` naming the path.
    public static func sha256(path: String) throws(FileError) -> String {
        let file = try FileDescriptor.open(path, .readOnly)
        defer { try? file.close() }
        file.adviseSequential()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        while true {
            let n = try file.read(into: buffer)
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
        }
        return hex(hasher.finalize())
    }

    /// Lower-case hex of a digest's bytes.
    public static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

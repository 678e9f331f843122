import CSndFile
import TapedeckSystem
#if canImport(Glibc)
import Glibc
#endif

/// The libsndfile calls Tapedeck makes, behind typed errors.
struct SndFile {
    let handle: OpaquePointer
    let path: String
    /// The file libsndfile writes through: created by us (so with our permission bits),
    /// closed by us after `sf_close`.
    let file: FileDescriptor

    static func createWAV(path: String, sampleRate: Int, channels: Int, mode: mode_t? = nil) throws(WriterError) -> SndFile {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        // RF64 with auto-downgrade: a plain WAV unless the file passes 4 GiB.
        info.format = Int32(SF_FORMAT_RF64 | SF_FORMAT_PCM_16)
        let file: FileDescriptor
        do throws(FileError) {
            file = try FileDescriptor.create(path, mode: mode)
        } catch {
            throw WriterError(error)
        }
        errno = 0
        guard let h = sf_open_fd(file.raw, Int32(SFM_WRITE), &info, Int32(SF_FALSE)) else {
            let saved = errno
            try? file.close()
            FileSystem.remove(path)
            throw WriterError(path: path, operation: "create",
                              reason: saved != 0 ? Errno(saved).description : String(cString: sf_strerror(nil)),
                              errno: saved != 0 ? Errno(saved) : nil)
        }
        _ = sf_command(h, Int32(SFC_RF64_AUTO_DOWNGRADE), nil, Int32(SF_TRUE))
        return SndFile(handle: h, path: path, file: file)
    }

    func write(_ samples: UnsafePointer<Int16>, count: Int) throws(WriterError) {
        errno = 0
        let n = sf_write_short(handle, samples, sf_count_t(count))
        if n != sf_count_t(count) {
            let saved = errno
            throw WriterError(path: path, operation: "write",
                              reason: saved != 0 ? Errno(saved).description : String(cString: sf_strerror(handle)),
                              errno: saved != 0 ? Errno(saved) : nil)
        }
    }

    func updateHeader() {
        _ = sf_command(handle, Int32(SFC_UPDATE_HEADER_NOW), nil, 0)
    }

    func sync() { sf_write_sync(handle) }

    func close() throws(WriterError) {
        let rc = sf_close(handle)
        let closed: Result<Void, FileError>
        do throws(FileError) { try file.close(); closed = .success(()) } catch { closed = .failure(error) }
        if rc != 0 {
            throw WriterError(path: path, operation: "close", reason: String(cString: sf_error_number(rc)))
        }
        if case .failure(let error) = closed { throw WriterError(error) }
    }
}

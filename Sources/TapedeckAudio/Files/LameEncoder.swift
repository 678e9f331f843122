import CLame

/// The libmp3lame calls Tapedeck makes: CBR, no resampling, Info tag enabled.
final class LameEncoder {
    private let flags: OpaquePointer
    let channels: Int

    init(sampleRate: Int, channels: Int, bitrateKbps: Int, path: String) throws(WriterError) {
        guard let gf = lame_init() else {
            throw WriterError(path: path, operation: "start MP3 encoder", reason: "lame_init failed")
        }
        lame_set_in_samplerate(gf, Int32(sampleRate))
        lame_set_out_samplerate(gf, Int32(sampleRate))
        lame_set_num_channels(gf, Int32(channels))
        lame_set_mode(gf, channels == 1 ? MONO : JOINT_STEREO)
        lame_set_VBR(gf, vbr_off)
        lame_set_brate(gf, Int32(bitrateKbps))
        lame_set_bWriteVbrTag(gf, 1)
        guard lame_init_params(gf) >= 0 else {
            lame_close(gf)
            throw WriterError(path: path, operation: "start MP3 encoder",
                              reason: "LAME refuses \(bitrateKbps) kbit/s at \(sampleRate) Hz, \(channels) channel(s)")
        }
        self.flags = gf
        self.channels = channels
    }

    deinit { lame_close(flags) }

    /// Worst-case output size for `frames` input frames (LAME's documented bound).
    static func outputBound(frames: Int) -> Int { frames * 5 / 4 + 7200 }

    /// Encodes interleaved frames; returns the bytes produced (or < 0 on error).
    func encode(_ samples: UnsafePointer<Int16>, frames: Int, into out: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        if channels == 1 {
            return Int(lame_encode_buffer(flags, samples, samples, Int32(frames), out, Int32(capacity)))
        }
        return Int(lame_encode_buffer_interleaved(flags, UnsafeMutablePointer(mutating: samples), Int32(frames),
                                                  out, Int32(capacity)))
    }

    func flush(into out: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        Int(lame_encode_flush(flags, out, Int32(capacity)))
    }

    /// Samples of delay LAME puts before the audio.
    var encoderDelay: Int { Int(lame_get_encoder_delay(flags)) }
    /// Frames encoded so far.
    var framesEncoded: Int { Int(lame_get_frameNum(flags)) }

    /// The Info/LAME tag frame for the stream so far (written over the stream's first frame).
    func infoTag(into out: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        Int(lame_get_lametag_frame(flags, out, capacity))
    }
}

import CALSA
#if canImport(Glibc)
import Glibc
#endif

/// What a capture device is asked for.
public struct CaptureFormat: Sendable, Equatable {
    public var sampleRate: Int
    public var channels: Int
    public var periodFrames: Int
    /// Periods in the device buffer (at least 4).
    public var bufferPeriods: Int

    public static let supportedRates = 8000...48000
    public static let supportedChannels = 1...64

    public init(sampleRate: Int, channels: Int, periodMilliseconds: Int = 20, bufferPeriods: Int = 8) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.periodFrames = max(16, sampleRate * periodMilliseconds / 1000)
        self.bufferPeriods = max(4, bufferPeriods)
    }
}

/// An ALSA PCM opened for capture: S16_LE, interleaved, non-blocking (waits happen in
/// `wait`, with a timeout, so the capture thread can be stopped promptly).
public final class ALSACapturePCM: CaptureSource, @unchecked Sendable {
    public let name: String
    public let sampleRate: Int
    public let channels: Int
    public let periodFrames: Int
    public let bufferFrames: Int
    private let pcm: OpaquePointer
    private let status: OpaquePointer
    /// The PCM's poll descriptors (filled anew by every `wait`, allocated once here).
    private let pollFDs: UnsafeMutablePointer<pollfd>
    private let pollCount: Int

    /// Opens `name` (`hw:1,0`, `plughw:1,0` or any PCM of the ALSA configuration) with
    /// exactly the rate and channel count asked for.
    public init(name: String, format: CaptureFormat) throws(ALSAError) {
        func check(_ rc: Int32, _ what: String) throws(ALSAError) {
            if rc < 0 { throw ALSAError(device: name, operation: what, code: rc) }
        }
        guard CaptureFormat.supportedRates.contains(format.sampleRate) else {
            throw ALSAError(device: name, operation: "rate \(format.sampleRate) Hz is outside 8000–48000", code: -EINVAL)
        }
        guard CaptureFormat.supportedChannels.contains(format.channels) else {
            throw ALSAError(device: name, operation: "\(format.channels) channels is outside 1–64", code: -EINVAL)
        }
        tapedeck_alsa_silence_errors()
        var handle: OpaquePointer?
        try check(snd_pcm_open(&handle, name, SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK), "open")
        guard let pcm = handle else { throw ALSAError(device: name, operation: "open", code: -ENODEV) }
        var hw: OpaquePointer?
        var sw: OpaquePointer?
        var st: OpaquePointer?
        do throws(ALSAError) {
            try check(snd_pcm_hw_params_malloc(&hw), "allocate hardware parameters")
            try check(snd_pcm_sw_params_malloc(&sw), "allocate software parameters")
            try check(snd_pcm_status_malloc(&st), "allocate status")
            try check(snd_pcm_hw_params_any(pcm, hw), "read hardware parameters")
            try check(snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED), "set interleaved access")
            try check(snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16_LE), "set format S16_LE")
            try check(snd_pcm_hw_params_set_channels(pcm, hw, UInt32(format.channels)),
                      "set \(format.channels) channels (unsupported channel count)")
            try check(snd_pcm_hw_params_set_rate(pcm, hw, UInt32(format.sampleRate), 0),
                      "set rate \(format.sampleRate) Hz (unsupported rate)")
            var period = snd_pcm_uframes_t(format.periodFrames)
            var dir: Int32 = 0
            try check(snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &dir), "set period size")
            var buffer = period * snd_pcm_uframes_t(format.bufferPeriods)
            try check(snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer), "set buffer size")
            try check(snd_pcm_hw_params(pcm, hw), "apply hardware parameters")
            try check(snd_pcm_hw_params_get_period_size(hw, &period, &dir), "read period size")
            try check(snd_pcm_hw_params_get_buffer_size(hw, &buffer), "read buffer size")
            guard buffer >= 4 * period else {
                throw ALSAError(device: name, operation: "buffer of \(buffer) frames is under 4 periods of \(period)", code: -EINVAL)
            }
            try check(snd_pcm_sw_params_current(pcm, sw), "read software parameters")
            try check(snd_pcm_sw_params_set_avail_min(pcm, sw, period), "set avail_min")
            try check(snd_pcm_sw_params_set_tstamp_mode(pcm, sw, SND_PCM_TSTAMP_ENABLE), "enable timestamps")
            try check(snd_pcm_sw_params_set_tstamp_type(pcm, sw, snd_pcm_tstamp_type_t(SND_PCM_TSTAMP_TYPE_MONOTONIC.rawValue)),
                      "set monotonic timestamps")
            try check(snd_pcm_sw_params(pcm, sw), "apply software parameters")
            try check(snd_pcm_prepare(pcm), "prepare")
            let descriptors = snd_pcm_poll_descriptors_count(pcm)
            if descriptors <= 0 { try check(descriptors < 0 ? descriptors : -EINVAL, "count poll descriptors") }
            self.pollCount = Int(descriptors)
            self.periodFrames = Int(period)
            self.bufferFrames = Int(buffer)
        } catch {
            if let hw { snd_pcm_hw_params_free(hw) }
            if let sw { snd_pcm_sw_params_free(sw) }
            if let st { snd_pcm_status_free(st) }
            snd_pcm_close(pcm)
            throw error
        }
        snd_pcm_hw_params_free(hw)
        snd_pcm_sw_params_free(sw)
        self.pollFDs = .allocate(capacity: pollCount)
        self.pollFDs.initialize(repeating: pollfd(), count: pollCount)
        self.pcm = pcm
        self.status = st!
        self.name = name
        self.sampleRate = format.sampleRate
        self.channels = format.channels
    }

    deinit {
        snd_pcm_close(pcm)
        snd_pcm_status_free(status)
        pollFDs.deallocate()
    }

    public func start() -> Int32 { snd_pcm_start(pcm) }

    /// One poll at most, unlike `snd_pcm_wait`: that one polls again at once whenever the
    /// descriptors wake without the PCM being readable, and a plugin whose descriptor stays
    /// readable while its stream is not (ALSA's `pulse` plugin, while PulseAudio starts the
    /// stream) keeps it polling without end — a busy SCHED_FIFO thread that starves the
    /// sound server it waits for. Here such a wake-up returns 0, and the capture loop paces
    /// itself before it waits again.
    public func wait(timeoutMilliseconds: Int32) -> Int32 {
        // A period already there (or an xrun): no need to poll.
        let avail = snd_pcm_avail_update(pcm)
        if avail < 0 { return Int32(clamping: avail) }
        if avail >= snd_pcm_sframes_t(periodFrames) { return 1 }
        let count = snd_pcm_poll_descriptors(pcm, pollFDs, UInt32(pollCount))
        if count < 0 { return count }
        let rc = poll(pollFDs, nfds_t(count), timeoutMilliseconds)
        if rc < 0 { return errno == EINTR ? 0 : -errno }
        if rc == 0 { return 0 }
        var revents: UInt16 = 0
        let err = snd_pcm_poll_descriptors_revents(pcm, pollFDs, UInt32(count), &revents)
        if err < 0 { return err }
        if revents & UInt16(POLLERR | POLLNVAL) != 0 { return stateError() }
        return revents & UInt16(POLLIN) != 0 ? 1 : 0
    }

    /// What a PCM whose descriptors report an error is in, as an ALSA error.
    private func stateError() -> Int32 {
        switch snd_pcm_state(pcm) {
        case SND_PCM_STATE_XRUN: -EPIPE
        case SND_PCM_STATE_SUSPENDED: -ESTRPIPE
        case SND_PCM_STATE_DISCONNECTED: -ENODEV
        default: -EIO
        }
    }

    public func read(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Int {
        Int(snd_pcm_readi(pcm, buffer, snd_pcm_uframes_t(frames)))
    }

    public func recover(from error: Int32) -> Int32 {
        var rc: Int32 = 0
        if error == -ESTRPIPE {
            // Wait for the device to come back from suspend (bounded), else re-prepare.
            var tries = 0
            repeat {
                rc = snd_pcm_resume(pcm)
                if rc == -EAGAIN { var ts = timespec(tv_sec: 0, tv_nsec: 10_000_000); nanosleep(&ts, nil) }
                tries += 1
            } while rc == -EAGAIN && tries < 100
            if rc < 0 { rc = snd_pcm_prepare(pcm) }
        } else {
            rc = snd_pcm_prepare(pcm)
        }
        if rc < 0 { return rc }
        rc = snd_pcm_start(pcm)
        return rc == -EBADFD ? 0 : rc   // already running after resume
    }

    public func triggerTime() -> Double? {
        guard snd_pcm_status(pcm, status) >= 0 else { return nil }
        var ts = snd_htimestamp_t()
        snd_pcm_status_get_trigger_htstamp(status, &ts)
        if ts.tv_sec == 0 && ts.tv_nsec == 0 { return nil }
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

import CALSA

/// An ALSA call that failed: which device, which step, and ALSA's own words.
public struct ALSAError: Error, Equatable, Sendable, CustomStringConvertible {
    public let device: String
    public let operation: String
    /// ALSA's return value: a negative errno.
    public let code: Int32

    public init(device: String, operation: String, code: Int32) {
        self.device = device
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "ALSA device '\(device)': \(operation): \(String(cString: snd_strerror(code)))"
    }
}

import Foundation

/// When a failed delivery is tried again: exponential (base × 2^(attempt−1), at most
/// `cap`) with jitter (a random 50–100 % of that), never past the row's deadline.
public struct Backoff: Sendable, Equatable {
    public var baseSeconds: Double
    public var capSeconds: Double

    public init(baseSeconds: Double = 5, capSeconds: Double = 3600) {
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
    }

    /// The delay before the next try after `attempts` failed ones (1 or more);
    /// `jitter` is a number in 0...1.
    public func delay(afterAttempts attempts: Int, jitter: Double) -> Double {
        let exponent = Double(min(max(attempts, 1) - 1, 60))
        let full = min(capSeconds, baseSeconds * pow(2, exponent))
        return full * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }

    /// The time of the next try, or nil when it would fall past `deadline` (the row is dead).
    public func retryAt(afterAttempts attempts: Int, now: Date, deadline: Date, jitter: Double) -> Date? {
        let at = now.addingTimeInterval(delay(afterAttempts: attempts, jitter: jitter))
        return at <= deadline ? at : nil
    }
}

/// `pause_behavior`.
public enum PauseBehavior: String, Sendable, Hashable, CaseIterable {
    /// Paused time is left out of the file.
    case skip
    /// Silence is written so the timeline is kept (default).
    case silence
}

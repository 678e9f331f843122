/// What a `value` asks for, independent of the function's wording.
public enum RecordingVerb: String, Sendable, Hashable, CaseIterable {
    case start, stop, status, pause, resume, mask, unmask
}

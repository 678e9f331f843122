/// `recording` (mono, several at once) or `stereo_recording` (at most one).
public enum RecordingFunction: String, Sendable, Hashable, CaseIterable {
    case recording
    case stereoRecording = "stereo_recording"
}

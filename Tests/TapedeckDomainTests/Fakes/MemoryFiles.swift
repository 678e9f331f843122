import Synchronization
import TapedeckDomain

/// The spool's names in memory: names a test says exist, files the domain discarded.
final class MemoryFiles: RecordingFiles, Sendable {
    private let state = Mutex<(existing: Set<String>, discarded: [String])>(([], []))

    func add(_ name: String) { state.withLock { _ = $0.existing.insert(name) } }
    var discarded: [String] { state.withLock { $0.discarded } }

    func nameTaken(_ name: String, in folder: String) -> Bool { state.withLock { $0.existing.contains(name) } }
    func discard(path: String) { state.withLock { $0.discarded.append(path) } }
}

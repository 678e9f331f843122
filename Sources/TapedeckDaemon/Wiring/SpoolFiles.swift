import Foundation
import TapedeckControl
import TapedeckDomain

/// The domain's `RecordingFiles` on the file system.
struct SpoolFiles: RecordingFiles {
    func nameTaken(_ name: String, in folder: String) -> Bool {
        let fm = FileManager.default
        return RecordingSnapshot.Format.allCases.contains { f in
            let path = folder + "/" + name + f.fileExtension
            return fm.fileExists(atPath: path) || fm.fileExists(atPath: path + ".part")
        }
    }

    func discard(path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

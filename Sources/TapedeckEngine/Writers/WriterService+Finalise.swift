import TapedeckVocabulary
import TapedeckAudio
import TapedeckFileCheck
import TapedeckSystem

/// How a recording's files become final: finished by their writers (WAV header, MP3 Info
/// tag, fsync, rename into place), or, after a write error, salvaged: closed as they are,
/// repaired in place and renamed, the repair noted for the log.
extension WriterService {
    func finalise(_ h: LiveRecordingHandle) -> RecordingResult {
        let p = h.pipeline
        let rate = Double(h.ring.sampleRate)
        let paused = Double(p.pausedFrames) / rate, masked = Double(p.maskedFrames) / rate
        let failure = h.failure
        // A write error ends the recording with cause disk_full (ENOSPC) or error.
        let cause = failure.map { $0.errno == .noSpace ? RecordingResult.Cause.diskFull : .error } ?? p.endedBy.map(RecordingResult.Cause.init)
        var files: [RecordingResult] = []
        if failure == nil, let done = try? p.finishAll() {
            files = done.map { f in
                RecordingResult(path: f.path, durationSeconds: f.durationSeconds, sizeBytes: Int64(f.sizeBytes),
                                  sha256: f.sha256)
            }
        } else {
            // Keep what was written up to the failure: finish each file if it still can be,
            // else close it as it is and repair it in place (header or Info tag from the
            // real length), then rename it to its final name.
            files = p.outputs.map { o in salvage(o.writer, rate: rate) }
        }
        var main = files[0]
        main.framesLost = p.framesLost
        main.error = failure?.description
        main.cause = cause
        main.pausedSeconds = paused
        main.maskedSeconds = masked
        main.legs = Array(files.dropFirst())
        return main
    }

    func salvage(_ writer: any AudioFileWriter, rate: Double) -> RecordingResult {
        let path = writer.path
        if let f = try? writer.finish() {
            // After a write error the writer's count may include samples that never
            // reached the file: the row gets the duration of what is in it.
            return RecordingResult(path: f.path, durationSeconds: FileInspector.inspect(path: f.path).durationSeconds ?? f.durationSeconds,
                                     sizeBytes: Int64(f.sizeBytes), sha256: f.sha256)
        }
        writer.abandon()
        var problems: [String] = []
        var repair: InPlaceRepair?
        if FileSystem.size(of: writer.partPath) != nil {
            // The log records the repair (and the file's hash before it), so
            // `tapedeck verify` tells this repair from tampering.
            repair = InPlaceRepair(originalSHA256: try? FileDigest.sha256(path: writer.partPath))
            // Cut to the last whole frame and rewrite the header or Info tag in place:
            // no copy, so this works on the full disk that ended the recording.
            do {
                let outcome = try FileRepairer.repair(path: writer.partPath)
                if outcome.status == .refused, let refusal = outcome.refusal { problems.append(refusal) }
            } catch {
                problems.append("\(error)")
            }
            // The log row names the final path, so the file goes there whatever the repair did.
            do {
                try FileSystem.renameDurably(writer.partPath, to: path)
            } catch {
                problems.append("\(error)")
            }
        }
        let final = FileSystem.size(of: writer.partPath) == nil ? path : writer.partPath
        if !problems.isEmpty {
            logger.error("recording file not fully repaired", metadata: ["path": "\(final)", "error": "\(problems.joined(separator: "; "))"])
        }
        return RecordingResult(path: final, durationSeconds: FileInspector.inspect(path: final).durationSeconds ?? 0,
                                 sizeBytes: Int64(FileSystem.size(of: final) ?? 0),
                                 sha256: try? FileDigest.sha256(path: final), repair: repair)
    }
}

extension RecordingResult.Cause {
    /// The cause a pipeline that ended by itself gives.
    init(_ cause: RecordingEndCause) {
        switch cause {
        case .timeout: self = .timeout
        case .silence: self = .silence
        case .key: self = .key
        }
    }
}

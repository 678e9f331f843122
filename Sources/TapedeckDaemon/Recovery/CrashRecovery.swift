import Foundation
import Logging
import TapedeckAudio
import TapedeckControl
import TapedeckDomain
import TapedeckFileCheck
import TapedeckLog
import TapedeckSystem

/// What a crash (SIGKILL, power cut) left behind, found and finished at start: every
/// log row still `started` and every `.part` file in the spool. Each file is repaired with
/// the validate/repair code, renamed to its final name, and its row closed with cause
/// `recovered` (and `recording.completed` sent). Nothing is left behind or dropped silently.
struct CrashRecovery {
    let log: RecordingLog
    let spool: String
    /// The permission bits every recovered file is given.
    let fileMode: mode_t
    let events: any EventSink
    let logger: Logger
    /// The webhook rows of an event, written in the transaction that closes the row.
    var outbox: @Sendable (Event) -> [OutboxEntry] = { _ in [] }
    /// The MP3 write-behind folder: what the killed daemon's tails hold is written into
    /// their files first, so the repair below sees all of it.
    var writeBehind: String?

    /// Returns the rows it closed.
    @discardableResult
    func run(now: Date = Date()) -> [RecordingRow] {
        if let writeBehind { writeTails(writeBehind) }
        var closed: [RecordingRow] = []
        let rows: [RecordingRow]
        do { rows = try log.openRows() } catch {
            logger.error("cannot read the recording log's open rows", metadata: ["error": "\(error)"])
            return []
        }
        for row in rows {
            if isEmpty(row.location + ".part") && !FileManager.default.fileExists(atPath: row.location) {
                // Killed before any audio was written: nothing to keep. The row says so.
                FileSystem.remove(row.location + ".part")
                do {
                    let done = try log.complete(id: row.id, end: now, status: .discarded, cause: .recovered,
                                                durationSeconds: 0, sizeBytes: 0,
                                                error: "no audio had been written when the daemon stopped",
                                                outbox: { outbox(Event(.recordingCompleted(LogStore.snapshot($0)), createdAt: now)) })
                    closed.append(done)
                    events.publish(Event(.recordingCompleted(LogStore.snapshot(done)), createdAt: now))
                    logger.notice("discarded an empty recording left by a crash", metadata: ["recording_id": "\(row.id)"])
                } catch {
                    logger.error("cannot close a recovered row", metadata: ["recording_id": "\(row.id)", "error": "\(error)"])
                }
                continue
            }
            let (ok, problem, repair) = finalise(row.location)
            let report = FileInspector.inspect(path: row.location)
            do {
                let done = try log.complete(
                    id: row.id, end: now, status: ok ? .completed : .failed, cause: .recovered,
                    durationSeconds: ok ? report.durationSeconds : nil,
                    sizeBytes: ok ? Int64(FileSystem.size(of: row.location) ?? 0) : nil, error: problem,
                    sha256: ok ? (try? FileDigest.sha256(path: row.location)) : nil, repair: repair,
                    outbox: { outbox(LogStore.event(ending: LogStore.snapshot($0))) })
                closed.append(done)
                let snapshot = LogStore.snapshot(done)
                events.publish(Event(ok ? .recordingCompleted(snapshot) : .recordingFailed(snapshot, reason: problem ?? "recovery failed"),
                                     createdAt: now))
                logger.notice("recovered a recording left by a crash",
                              metadata: ["recording_id": "\(row.id)", "path": "\(row.location)", "ok": "\(ok)",
                                         "error": "\(problem ?? "")"])
            } catch {
                logger.error("cannot close a recovered row", metadata: ["recording_id": "\(row.id)", "error": "\(error)"])
            }
        }
        // .part files without an open row (their row was closed, or there was none).
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []
        for name in names where name.hasSuffix(".part") {
            let final = spool + "/" + String(name.dropLast(5))
            if isEmpty(spool + "/" + name) {
                FileSystem.remove(spool + "/" + name)
                logger.notice("removed an empty partial file", metadata: ["path": "\(spool)/\(name)"])
                continue
            }
            let (ok, problem, _) = finalise(final)
            logger.notice("recovered a partial file", metadata: ["path": "\(final)", "ok": "\(ok)", "error": "\(problem ?? "")"])
        }
        return closed
    }

    private func writeTails(_ folder: String) {
        for r in WriteBehindTail.recover(folder: folder) {
            if let problem = r.problem {
                logger.warning("a write-behind tail left by a crash was not written",
                               metadata: ["path": "\(r.path)", "tail": "\(r.tail)", "error": "\(problem)"])
            } else if r.bytes > 0 {
                logger.notice("wrote a write-behind tail left by a crash into its file",
                              metadata: ["path": "\(r.path)", "bytes": "\(r.bytes)"])
            } else if !r.path.isEmpty {
                // Killed right after a checkpoint, or its file already finished: nothing to write.
                logger.notice("removed a write-behind tail left by a crash with nothing to write",
                              metadata: ["path": "\(r.path)"])
            }
        }
    }

    /// Whether `part` exists and holds no audio at all (a writer killed right after it
    /// opened the file: a bare header or Info frame, or nothing).
    private func isEmpty(_ part: String) -> Bool {
        guard FileManager.default.fileExists(atPath: part) else { return false }
        let report = FileInspector.inspect(path: part)
        return (report.durationSeconds ?? 0) == 0 && (report.frameCount ?? 0) == 0
    }

    /// Repairs `path.part` if it exists and renames it to `path`. Returns whether `path`
    /// is now a valid file, what went wrong if not, and the repair to record (with the
    /// `.part` file's SHA-256 before it) when one was made.
    private func finalise(_ path: String) -> (Bool, String?, RecordingCompletion.Repair?) {
        let part = path + ".part"
        let fm = FileManager.default
        var repair: RecordingCompletion.Repair?
        if fm.fileExists(atPath: part) {
            repair = RecordingCompletion.Repair(originalSHA256: try? FileDigest.sha256(path: part))
            do {
                let outcome = try FileRepairer.repair(path: part)
                if outcome.status == .refused {
                    return (false, "cannot repair \(part): \(outcome.refusal ?? "refused"); left as it is", repair)
                }
                try FileSystem.renameDurably(part, to: path)
            } catch {
                return (false, "cannot recover \(part): \(error)", repair)
            }
        }
        guard fm.fileExists(atPath: path) else { return (false, "no file at \(path) or \(part) after the crash", repair) }
        do throws(FileError) {
            try FileSystem.setMode(path, fileMode)
        } catch {
            logger.warning("a recovered recording keeps its permission bits", metadata: ["path": "\(path)", "error": "\(error)"])
        }
        let verdict = FileInspector.inspect(path: path).verdict
        return verdict == .broken ? (false, "\(path) is broken and could not be repaired", repair) : (true, nil, repair)
    }
}

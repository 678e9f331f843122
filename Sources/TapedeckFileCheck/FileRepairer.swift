import TapedeckSystem

/// Repairs WAV/RF64 and MP3 files (see docs/validate.md for the rules).
/// The planned result is inspected first (through a read-only view of the
/// plan) and the repair refused, the original untouched, unless it is
/// better. A repair that only cuts the end of the file and rewrites header
/// bytes is then made in place (no copy, no free space needed); any other
/// writes a new file next to its destination, fsyncs it, checks it again
/// and renames it into place.
public enum FileRepairer {
    /// - Parameters:
    ///   - path: the file to repair.
    ///   - output: a directory to write the repaired file into (same base
    ///     name); nil replaces the original.
    ///   - dryRun: only say what would change.
    /// - Throws: `RepairError` when writing fails (the original is untouched).
    public static func repair(path: String, output: String? = nil, dryRun: Bool = false) throws -> RepairOutcome {
        try repair(path: path, output: output, dryRun: dryRun, riffLimit: UInt64(UInt32.max) - 1)
    }

    static func repair(path: String, output: String?, dryRun: Bool, riffLimit: UInt64) throws -> RepairOutcome {
        let analysis = FileInspector.analyze(path: path)
        let before = analysis.report
        var outcome = RepairOutcome(path: path, status: .refused, destination: nil, changes: [],
                                    refusal: nil, before: before, after: nil)
        if before.verdict == .ok {
            outcome.status = .alreadyOK
            return outcome
        }
        let blocking = before.reasons.filter { $0.severity == .broken && !$0.code.isRepairable }
        if !blocking.isEmpty {
            outcome.refusal = blocking.map(\.message).joined(separator: "; ")
            return outcome
        }
        guard before.reasons.contains(where: { $0.code.isRepairable }) else {
            outcome.refusal = "nothing this tool repairs: " + before.reasons.map(\.message).joined(separator: "; ")
            return outcome
        }
        let source: RandomAccessFile
        do { source = try RandomAccessFile(path: path) } catch {
            outcome.refusal = "\(error)"
            return outcome
        }
        let plan: RepairPlan
        do {
            switch analysis.layout {
            case .wav(let L): plan = try WAVRepair.plan(L, report: before, riffLimit: riffLimit)
            case .mp3(let L): plan = try MP3Repair.plan(L, file: source, report: before)
            case .none: throw RepairRefusal(message: "not a WAV, RF64 or MP3 file")
            }
        } catch let refusal as RepairRefusal {
            outcome.refusal = refusal.message
            return outcome
        } catch {
            outcome.refusal = "\(error)"
            return outcome
        }
        if plan.changes.isEmpty {
            outcome.refusal = "no change would fix: " + before.reasons.map(\.message).joined(separator: "; ")
            return outcome
        }
        outcome.changes = plan.changes
        // Judge the result before anything is written: a repair that would
        // not be strictly better is refused with the file untouched.
        let predicted = FileInspector.analyze(RandomAccessFile(viewOf: plan, over: source), path: path).report
        guard isBetter(predicted, than: before) else {
            outcome.changes = []
            outcome.refusal = notBetter(predicted)
            return outcome
        }
        if dryRun {
            outcome.status = .wouldRepair
            return outcome
        }
        // Only the end cut off and header bytes rewritten: done in place,
        // with no copy, so it needs no free space (a disk-full salvage).
        if output == nil, plan.isPrefixOfOriginal, try RepairWriter.applyInPlace(plan, to: source) {
            var after = FileInspector.inspect(path: path)
            after.path = path
            outcome.status = .repaired
            outcome.destination = path
            outcome.after = after
            return outcome
        }

        let name = path.split(separator: "/").last.map(String.init) ?? path
        let dir: String
        if let output {
            dir = output
        } else if let slash = path.lastIndex(of: "/") {
            dir = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            dir = "."
        }
        let destination = dir.hasSuffix("/") ? dir + name : dir + "/" + name
        let temp = try RepairWriter.write(plan, from: source, inDirectory: dir, name: name)
        var after = FileInspector.inspect(path: temp)
        guard isBetter(after, than: before) else {
            FileSystem.remove(temp)
            outcome.refusal = notBetter(after)
            return outcome
        }
        do throws(FileError) {
            try FileSystem.rename(temp, to: destination)
        } catch {
            FileSystem.remove(temp)
            throw RepairError(path: destination, message: "cannot rename repaired file into place: \(error.errno)")
        }
        FileSystem.syncDirectory(of: destination)
        after.path = destination
        outcome.status = .repaired
        outcome.destination = destination
        outcome.after = after
        return outcome
    }

    static func notBetter(_ after: FileReport) -> String {
        "the repaired file would not be better (\(after.verdict.rawValue): "
            + after.reasons.map(\.message).joined(separator: "; ") + "); original left as it was"
    }

    /// Strictly better: a lower verdict, or the same verdict with fewer
    /// findings and none that the original did not have.
    static func isBetter(_ after: FileReport, than before: FileReport) -> Bool {
        if after.verdict < before.verdict { return true }
        guard after.verdict == before.verdict else { return false }
        let old = Set(before.reasons.map(\.code))
        return after.reasons.count < before.reasons.count && after.reasons.allSatisfy { old.contains($0.code) }
    }
}

/// Writes a `RepairPlan` to a temporary file in the destination directory.
enum RepairWriter {
    static let bufferSize = 1 << 20

    /// Returns the temporary file's path, fsynced and with the original's
    /// permissions; removes it and throws on any error.
    static func write(_ plan: RepairPlan, from source: RandomAccessFile, inDirectory dir: String, name: String) throws -> String {
        let fd: FileDescriptor
        do throws(FileError) {
            fd = try FileDescriptor.createTemporary(in: dir, prefix: ".\(name).repair-")
        } catch {
            throw RepairError(path: dir, message: "cannot create a temporary file: \(error.errno)")
        }
        let temp = fd.path
        var ok = false
        defer {
            try? fd.close()
            if !ok { FileSystem.remove(temp) }
        }
        if let st = source.currentStatus { try? fd.setMode(st.permissions) }
        var out = 0
        for range in plan.ranges {
            var done = 0
            while done < range.length {
                let chunk = try source.read(at: range.offset + done, count: min(bufferSize, range.length - done))
                if chunk.isEmpty {
                    throw RepairError(path: source.path, message: "file shrank while being repaired")
                }
                try writeAll(fd, chunk, at: out, path: temp)
                done += chunk.count
                out += chunk.count
            }
        }
        for patch in plan.patches {
            try writeAll(fd, patch.bytes, at: patch.outputOffset, path: temp)
        }
        try sync(fd)
        ok = true
        return temp
    }

    static func writeAll(_ fd: FileDescriptor, _ bytes: [UInt8], at offset: Int, path: String) throws {
        do throws(FileError) {
            try fd.write(bytes, at: offset)
        } catch {
            throw RepairError(path: path, message: "write failed: \(error.errno)")
        }
    }

    static func sync(_ fd: FileDescriptor) throws {
        do throws(FileError) { try fd.sync() } catch {
            throw RepairError(path: fd.path, message: "fsync failed: \(error.errno)")
        }
    }
}

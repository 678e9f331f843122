import ArgumentParser
import Foundation
import TapedeckAudio
import TapedeckConfig
import TapedeckFileCheck
import TapedeckLog
import TapedeckSystem
import TapedeckVocabulary

/// `tapedeck verify`: checks a spool against its recording log (read-only): the hash
/// chain over closed rows, every recorded file present with its recorded SHA-256, and no
/// file the log does not know. Exit status: 0 clean, 1 problems found, 2 usage or I/O error.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a spool's files and the recording log's hash chain for tampering.",
        discussion: """
            Options: --config FILE (the daemon's tapedeck.toml: its database and spool), or \
            --database PATH and --spool PATH; --json for one JSON object per line. Prints one \
            line per problem, one per recorded repair, then a summary. Exit status: \
            0 clean, 1 problems found, 2 usage or I/O error. See docs/validate.md.
            """
    )

    // Parsed here rather than by ArgumentParser so that every usage error exits with 2.
    @Argument(parsing: .allUnrecognized, help: "--config FILE | --database PATH --spool PATH, and --json.")
    var arguments: [String] = []

    struct Options {
        var json = false
        var config: String?
        var database: String?
        var spool: String?
    }

    static func parse(_ arguments: [String]) throws(CommandFailure) -> Options {
        var options = Options()
        var rest = arguments[...]
        while let arg = rest.popFirst() {
            func value() throws(CommandFailure) -> String {
                guard let v = rest.popFirst(), !v.isEmpty else {
                    throw CommandFailure(message: "\(arg) needs a value", exitCode: 2)
                }
                return v
            }
            switch arg {
            case "--json": options.json = true
            case "--config": options.config = try value()
            case "--database": options.database = try value()
            case "--spool": options.spool = try value()
            default: throw CommandFailure(message: "unknown argument '\(arg)'", exitCode: 2)
            }
        }
        if options.config != nil {
            guard options.database == nil && options.spool == nil else {
                throw CommandFailure(message: "give --config or --database and --spool, not both", exitCode: 2)
            }
        } else if options.database == nil || options.spool == nil {
            throw CommandFailure(message: "give --config FILE, or --database PATH and --spool PATH", exitCode: 2)
        }
        return options
    }

    func run() throws {
        try reportingFailures("verify") {
            var options = try Self.parse(arguments)
            if let config = options.config {
                do throws(ConfigError) {
                    let c = try TapedeckConfiguration.load(path: config)
                    options.database = c.database
                    options.spool = c.spool
                } catch {
                    throw CommandFailure(message: TerminalText.escaped("\(error)"), exitCode: 2)
                }
            }
            let result = try Self.audit(database: options.database!, spool: options.spool!)
            for finding in result.findings {
                print(options.json ? Self.jsonLine(finding) : TerminalText.escaped(finding.message))
            }
            print(options.json ? Self.jsonLine(result) : Self.summary(result))
            if !result.problems.isEmpty { throw ExitCode(1) }
        }
    }

    static func audit(database: String, spool: String) throws(CommandFailure) -> SpoolAudit.Result {
        let rows: [RecordingRow]
        let repairs: [RepairRecord]
        do {
            let log = try RecordingLog.openReadOnly(path: database)
            rows = try log.allRows()
            repairs = try log.hasRepairRecords ? log.allRepairs() : []
        } catch {
            throw CommandFailure(message: TerminalText.escaped("\(error)"), exitCode: 2)
        }
        let spoolDir = canonical(directory: spool)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: spoolDir)
        } catch {
            throw CommandFailure(message: TerminalText.escaped("cannot list the spool \(spool): \(error.localizedDescription)"),
                                 exitCode: 2)
        }
        // The log's own files and the daemon's lock files may live in the spool: they are
        // not recordings.
        let logFiles = Set(["", "-wal", "-shm", "-journal"].map { canonical(database + $0) }
                           + [canonical(DaemonFiles.lockPath(besides: database)),
                              spoolDir + "/" + DaemonFiles.spoolLockName])
        let files = names.sorted().map { spoolDir + "/" + $0 }.filter { path in
            (try? FileStatus.of(path, followLinks: false).get())?.isRegularFile == true && !logFiles.contains(path)
        }
        return SpoolAudit().run(rows: rows, repairs: repairs, spoolFiles: files, file: digest, canonical: { canonical($0) })
    }

    static func digest(_ path: String) -> SpoolAudit.FileState {
        guard access(path, F_OK) == 0 else { return .missing }
        do throws(FileError) {
            return .digest(try FileDigest.sha256(path: path))
        } catch {
            return .unreadable("\(error.errno)")
        }
    }

    /// A directory with symbolic links and `..` resolved (as it is when it cannot be).
    static func canonical(directory: String) -> String {
        guard let real = realpath(directory, nil) else { return directory }
        defer { free(real) }
        return String(cString: real)
    }

    /// A file path with its folder resolved.
    static func canonical(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return canonical(directory: ".") + "/" + path }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        let dir = canonical(directory: folder)
        return (dir == "/" ? "" : dir) + "/" + path[path.index(after: slash)...]
    }

    static func summary(_ r: SpoolAudit.Result) -> String {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        let verdict = r.problems.isEmpty ? "clean" : count(r.problems.count, "problem")
        return "\(verdict): \(count(r.rows, "row")), \(r.chained) in the hash chain, \(count(r.filesChecked, "file")) checked, head \(r.head)"
    }

    static func jsonLine(_ f: AuditFinding) -> String {
        var out = "{\"kind\":" + TapedeckVocabulary.JSONValue.quoted(f.kind.rawValue) + ",\"problem\":" + (f.isProblem ? "true" : "false")
        out += ",\"recording_id\":" + (f.recordingID.map { String($0) } ?? "null")
        out += ",\"path\":" + (f.path.map(TapedeckVocabulary.JSONValue.quoted) ?? "null")
        return out + ",\"message\":" + TapedeckVocabulary.JSONValue.quoted(f.message) + "}"
    }

    static func jsonLine(_ r: SpoolAudit.Result) -> String {
        "{\"kind\":\"summary\",\"clean\":\(r.problems.isEmpty),\"problems\":\(r.problems.count),\"rows\":\(r.rows)"
            + ",\"chained\":\(r.chained),\"files_checked\":\(r.filesChecked),\"head\":" + TapedeckVocabulary.JSONValue.quoted(r.head) + "}"
    }
}

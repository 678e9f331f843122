import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The recording log: one SQLite row per recording, written when it starts and
/// completed when it ends (VICIdial's `recording_log`, plus Tapedeck's columns).
///
/// Thread-safe and `Sendable`: every call is a short synchronous transaction
/// on GRDB's serialized writer (a `DatabasePool` in WAL mode for a file, so
/// reads never wait for writes). Call it off the real-time audio path.
///
/// Durability: WAL journal with `synchronous = FULL`, so a call that returned
/// is on disk and survives a kill -9 of the daemon and a power loss.
public final class RecordingLog: Sendable {
    /// The most rows one lookup returns (100,000, as VICIdial's recording_lookup).
    public static let defaultLookupCap = 100_000

    /// The database file; nil for an in-memory log.
    public let path: String?
    /// The zone of `start_time`, `end_time`, `created_at` and `updated_at`.
    public let timeZone: TimeZone
    /// The most rows ``lookup(_:)`` returns.
    public let lookupCap: Int

    let writer: any DatabaseWriter
    private let clock: @Sendable () -> Date

    init(writer: any DatabaseWriter, path: String?, timeZone: TimeZone, lookupCap: Int = defaultLookupCap,
         clock: @escaping @Sendable () -> Date = { Date() }) {
        self.writer = writer
        self.path = path
        self.timeZone = timeZone
        self.lookupCap = lookupCap
        self.clock = clock
    }

    private var label: String { path ?? ":memory:" }

    // MARK: - Opening

    /// Opens (or creates) the log at `path` and brings its schema up to date.
    /// Does not create folders: a missing or unwritable folder is an error
    /// naming the path.
    /// - Parameters:
    ///   - timeZone: zone of the local time texts (the box's zone in production).
    ///   - lookupCap: the most rows a lookup returns (tests pass a small one).
    ///   - clock: the time of `created_at` / `updated_at`.
    ///   - fileMode: permission bits for the database and its `-wal` and `-shm` files, set
    ///     whatever the umask (nil: SQLite's 0644 less the umask).
    public static func open(path: String, timeZone: TimeZone = .current, lookupCap: Int = defaultLookupCap,
                            clock: @escaping @Sendable () -> Date = { Date() },
                            fileMode: mode_t? = nil) throws -> RecordingLog {
        try checkLocation(path)
        if let fileMode { try DatabaseFiles.prepare(path, mode: fileMode) }
        let pool: DatabasePool
        do {
            // DatabasePool puts the file in WAL mode and then sets its writer
            // connection to `synchronous = NORMAL` (after any prepareDatabase
            // hook), so FULL is set here, on the writer, once the pool is up.
            // The writer is one connection for the pool's lifetime; readers
            // never write, so their setting does not matter.
            pool = try DatabasePool(path: path, configuration: baseConfiguration())
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        } catch let error as DatabaseError {
            throw RecordingLogError.cannotOpen(path: path, reason: reason(error))
        }
        // Whatever SQLite made while opening gets the bits too.
        if let fileMode { try DatabaseFiles.setMode(path, fileMode) }
        return try prepared(writer: pool, path: path, timeZone: timeZone, lookupCap: lookupCap, clock: clock)
    }

    /// Opens an existing log read-only (for `tapedeck verify`): no migration runs and
    /// nothing is written. The log must already carry the hash chain (any tapedeckd of
    /// this version opened it once).
    public static func openReadOnly(path: String, timeZone: TimeZone = .current) throws -> RecordingLog {
        try checkExisting(path)
        var config = baseConfiguration()
        config.readonly = true
        let queue: DatabaseQueue
        let applied: [String]
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            let migrator = Schema.migrator
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) {
                throw RecordingLogError.newerSchema(path: path)
            }
            applied = try queue.read { try migrator.appliedIdentifiers($0) }.sorted()
        } catch let error as DatabaseError {
            throw RecordingLogError.cannotOpen(path: path, reason: reason(error))
        }
        guard applied.contains(Schema.tamperEvidence) else {
            throw RecordingLogError.cannotOpen(
                path: path, reason: "no hash chain yet (written by an older tapedeckd; start this version once)")
        }
        return RecordingLog(writer: queue, path: path, timeZone: timeZone, lookupCap: defaultLookupCap,
                            clock: { Date() })
    }

    /// An existing log must be a regular file (opening it must not create one).
    static func checkExisting(_ path: String) throws {
        guard !path.isEmpty else { throw RecordingLogError.invalidValue(field: "path", reason: "is empty") }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw RecordingLogError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw RecordingLogError.notARegularFile(path: path) }
    }

    /// A private log in memory (for tests): same schema and behaviour, gone when released.
    public static func inMemory(timeZone: TimeZone = .current, lookupCap: Int = defaultLookupCap,
                                clock: @escaping @Sendable () -> Date = { Date() }) throws -> RecordingLog {
        let queue = try DatabaseQueue(configuration: baseConfiguration())
        return try prepared(writer: queue, path: nil, timeZone: timeZone, lookupCap: lookupCap, clock: clock)
    }

    /// Closes the database. Later calls throw. Safe to skip: releasing the
    /// log closes it too.
    public func close() throws {
        try perform("close") { try writer.close() }
    }

    private static func baseConfiguration() -> Configuration {
        var config = Configuration()
        config.label = "TapedeckLog"
        // Another process (the CLI, a backup) may hold a lock briefly.
        config.busyMode = .timeout(10)
        return config
    }

    private static func prepared(writer: any DatabaseWriter, path: String?, timeZone: TimeZone, lookupCap: Int,
                                 clock: @escaping @Sendable () -> Date) throws -> RecordingLog {
        guard lookupCap >= 1 else {
            throw RecordingLogError.invalidValue(field: "lookupCap", reason: "must be at least 1")
        }
        let label = path ?? ":memory:"
        let migrator = Schema.migrator
        do {
            // On the writer: a reader connection opened before a migration would keep the
            // old table shape for `SELECT *` (and miss the columns the migration adds).
            if try writer.writeWithoutTransaction({ try migrator.hasBeenSuperseded($0) }) {
                throw RecordingLogError.newerSchema(path: label)
            }
            try migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw RecordingLogError.cannotOpen(path: label, reason: reason(error))
        }
        return RecordingLog(writer: writer, path: path, timeZone: timeZone, lookupCap: lookupCap, clock: clock)
    }

    /// The folder must exist and be writable (SQLite creates `-wal` and
    /// `-shm` beside the file); an existing path must be a writable regular file.
    private static func checkLocation(_ path: String) throws {
        guard !path.isEmpty else {
            throw RecordingLogError.invalidValue(field: "path", reason: "is empty")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw RecordingLogError.folderMissing(path: path, folder: folder)
        }
        guard isDirectory.boolValue else {
            throw RecordingLogError.folderNotADirectory(path: path, folder: folder)
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw RecordingLogError.folderNotWritable(path: path, folder: folder)
        }
        var info = stat()
        if stat(path, &info) == 0 {  // follows a symlink to the real file
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw RecordingLogError.notARegularFile(path: path)
            }
            guard access(path, R_OK | W_OK) == 0 else {
                throw RecordingLogError.fileNotWritable(path: path)
            }
        }
    }

    private static func reason(_ error: DatabaseError) -> String {
        error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
    }

    /// Runs a database operation, turning GRDB's errors into ``RecordingLogError``.
    func perform<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RecordingLogError {
            throw error
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_FULL {
                throw RecordingLogError.diskFull(path: label)
            }
            throw RecordingLogError.database(path: label, operation: operation, reason: Self.reason(error))
        } catch {
            throw RecordingLogError.database(path: label, operation: operation, reason: "\(error)")
        }
    }

    // MARK: - Writing

    /// Writes the row of a recording that starts (status `started`) and
    /// returns its recording_id: a new one, never used before in this file.
    @discardableResult
    public func insertStarted(_ new: NewRecording) throws -> Int64 {
        for (field, value) in [("channel", new.station), ("server_ip", new.serverIP), ("extension", new.sessionID),
                               ("user", new.agentUser), ("filename", new.filename), ("location", new.location),
                               ("kind", new.kind), ("function", new.function), ("format", new.format)]
        where value.isEmpty {
            throw RecordingLogError.invalidValue(field: field, reason: "is empty")
        }
        let startEpoch = LogTime.epoch(new.startedAt)
        let now = LogTime.iso8601(clock(), timeZone: timeZone)
        let arguments: StatementArguments = [
            new.station, new.serverIP, new.sessionID,
            LogTime.local(epoch: startEpoch, timeZone: timeZone), startEpoch,
            new.filename, new.location, new.leadID, new.agentUser, new.callID,
            new.kind, new.function, new.format, new.stage, RecordingStatus.started.rawValue, now, now, new.eventURL,
        ]
        return try perform("insert") {
            try writer.write { db in
                try db.execute(sql: """
                    INSERT INTO recording_log (
                        channel, server_ip, extension, start_time, start_epoch,
                        filename, location, lead_id, user, vicidial_id,
                        kind, function, format, stage, status, created_at, updated_at, event_url)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: arguments)
                return db.lastInsertedRowID
            }
        }
    }

    /// Closes a `started` row: end time, length, size, status and cause.
    /// Returns the row as stored. A row that is already closed is never
    /// rewritten (``RecordingLogError/notOpen(id:status:)``). The webhook rows
    /// `outbox` makes of the closed row are written in the same transaction.
    ///
    /// `length_in_sec` is `durationSeconds` rounded to whole seconds (the
    /// audio in the file); without a duration, `end_epoch − start_epoch`
    /// (at least 0). `length_in_min` is `length_in_sec / 60` to 2 decimals.
    @discardableResult
    public func complete(id: Int64, _ completion: RecordingCompletion,
                         outbox: (RecordingRow) -> [OutboxEntry] = { _ in [] }) throws -> RecordingRow {
        guard completion.status.isFinal else {
            throw RecordingLogError.invalidValue(field: "status", reason: "must be completed, failed or discarded")
        }
        guard !completion.cause.rawValue.isEmpty else {
            throw RecordingLogError.invalidValue(field: "cause", reason: "is empty")
        }
        for (field, value) in [("duration_seconds", completion.durationSeconds),
                               ("paused_seconds", completion.pausedSeconds),
                               ("masked_seconds", completion.maskedSeconds)] {
            if let value, !(value.isFinite && value >= 0) {
                throw RecordingLogError.invalidValue(field: field, reason: "must be a finite number ≥ 0")
            }
        }
        if let size = completion.sizeBytes, size < 0 {
            throw RecordingLogError.invalidValue(field: "size_bytes", reason: "must be ≥ 0")
        }
        guard completion.framesLost >= 0 else {
            throw RecordingLogError.invalidValue(field: "frames_lost", reason: "must be ≥ 0")
        }
        for (field, value) in [("sha256", completion.sha256), ("repaired_from_sha256", completion.repair?.originalSHA256)] {
            if let value, !RowHash.isDigest(value) {
                throw RecordingLogError.invalidValue(field: field, reason: "must be 64 lower-case hex digits")
            }
        }
        let endEpoch = LogTime.epoch(completion.endedAt)
        let now = LogTime.iso8601(clock(), timeZone: timeZone)
        return try perform("complete") {
            try writer.write { db in
                guard let row = try RecordingRow.fetchOne(
                    db, sql: "SELECT * FROM recording_log WHERE recording_id = ?", arguments: [id]) else {
                    throw RecordingLogError.notFound(id: id)
                }
                guard row.status == .started else {
                    throw RecordingLogError.notOpen(id: id, status: row.status)
                }
                let lengthInSec: Int64
                if let duration = completion.durationSeconds {
                    lengthInSec = Int64(duration.rounded())
                } else {
                    lengthInSec = max(0, endEpoch - row.startEpoch)
                }
                let lengthInMin = (Double(lengthInSec) / 60 * 100).rounded() / 100
                try db.execute(sql: """
                    UPDATE recording_log SET
                        end_time = ?, end_epoch = ?, length_in_sec = ?, length_in_min = ?,
                        status = ?, cause = ?, size_bytes = ?, duration_seconds = ?,
                        paused_seconds = ?, masked_seconds = ?, frames_lost = ?, error = ?, updated_at = ?,
                        sha256 = ?, repaired_at = ?, repaired_from_sha256 = ?
                    WHERE recording_id = ?
                    """, arguments: [
                        LogTime.local(epoch: endEpoch, timeZone: timeZone), endEpoch, lengthInSec, lengthInMin,
                        completion.status.rawValue, completion.cause.rawValue, completion.sizeBytes,
                        completion.durationSeconds, completion.pausedSeconds, completion.maskedSeconds,
                        completion.framesLost, completion.error, now,
                        completion.sha256, completion.repair.map { _ in now }, completion.repair?.originalSHA256, id,
                    ])
                // The row joins the hash chain in the same transaction that closes it.
                let unchained = try RecordingRow.fetchOne(
                    db, sql: "SELECT * FROM recording_log WHERE recording_id = ?", arguments: [id])!
                try ChainLink.append(unchained, after: ChainLink.last(db), db)
                let closed = try RecordingRow.fetchOne(
                    db, sql: "SELECT * FROM recording_log WHERE recording_id = ?", arguments: [id])!
                try Self.insert(outbox(closed), db)
                return closed
            }
        }
    }

    /// Convenience form of ``complete(id:_:)``.
    @discardableResult
    public func complete(id: Int64, end: Date, status: RecordingStatus, cause: CompletionCause,
                         durationSeconds: Double?, sizeBytes: Int64?, pausedSeconds: Double = 0,
                         maskedSeconds: Double = 0, framesLost: Int64 = 0, error: String? = nil,
                         sha256: String? = nil, repair: RecordingCompletion.Repair? = nil,
                         outbox: (RecordingRow) -> [OutboxEntry] = { _ in [] }) throws -> RecordingRow {
        try complete(id: id, RecordingCompletion(
            endedAt: end, status: status, cause: cause, durationSeconds: durationSeconds, sizeBytes: sizeBytes,
            pausedSeconds: pausedSeconds, maskedSeconds: maskedSeconds, framesLost: framesLost, error: error,
            sha256: sha256, repair: repair),
            outbox: outbox)
    }

    /// Changes a started recording's `filename` and `location` (e.g. a clash
    /// suffix), and writes `outbox` (the webhook rows of the start this confirms) in
    /// the same transaction. A closed row is sealed by the hash chain and never
    /// rewritten (``RecordingLogError/notOpen(id:status:)``).
    public func updateLocation(id: Int64, filename: String, location: String, outbox: [OutboxEntry] = []) throws {
        guard !filename.isEmpty else { throw RecordingLogError.invalidValue(field: "filename", reason: "is empty") }
        guard !location.isEmpty else { throw RecordingLogError.invalidValue(field: "location", reason: "is empty") }
        let now = LogTime.iso8601(clock(), timeZone: timeZone)
        try perform("update location") {
            try writer.write { db in
                guard let word = try String.fetchOne(
                    db, sql: "SELECT status FROM recording_log WHERE recording_id = ?", arguments: [id]) else {
                    throw RecordingLogError.notFound(id: id)
                }
                if let status = RecordingStatus(rawValue: word), status != .started {
                    throw RecordingLogError.notOpen(id: id, status: status)
                }
                try db.execute(sql: """
                    UPDATE recording_log SET filename = ?, location = ?, updated_at = ? WHERE recording_id = ?
                    """, arguments: [filename, location, now, id])
                if db.changesCount == 0 { throw RecordingLogError.notFound(id: id) }
                try Self.insert(outbox, db)
            }
        }
    }

    // MARK: - Reading

    /// The row with this recording_id, or nil.
    public func row(id: Int64) throws -> RecordingRow? {
        try perform("read") {
            try writer.read { db in
                try RecordingRow.fetchOne(db, sql: "SELECT * FROM recording_log WHERE recording_id = ?",
                                          arguments: [id])
            }
        }
    }

    /// Every row, by recording_id (for `tapedeck verify`).
    public func allRows() throws -> [RecordingRow] {
        try perform("read rows") {
            try writer.read { db in
                try RecordingRow.fetchAll(db, sql: "SELECT * FROM recording_log ORDER BY recording_id")
            }
        }
    }

    /// Rows still `started`, oldest first. At start-up these are the
    /// recordings a crash left open: the daemon closes each with cause `recovered`.
    public func openRows() throws -> [RecordingRow] {
        try perform("read open rows") {
            try writer.read { db in
                try RecordingRow.fetchAll(db, sql: """
                    SELECT * FROM recording_log WHERE status = 'started' ORDER BY recording_id
                    """)
            }
        }
    }

    /// `recording_lookup`: rows matching every filter set in `query`, newest
    /// first (start_epoch, then recording_id, descending), at most
    /// `min(query.limit, lookupCap)` of them.
    public func lookup(_ query: RecordingQuery) throws -> [RecordingRow] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let user = query.agentUser {
            conditions.append("user = ?")
            arguments += [user]
        }
        if let lead = query.leadID {
            conditions.append("lead_id = ?")
            arguments += [lead]
        }
        if let call = query.callID {
            conditions.append("vicidial_id = ?")
            arguments += [call]
        }
        if let date = query.date {
            guard LogTime.isDate(date) else {
                throw RecordingLogError.invalidValue(field: "date", reason: "must be a date YYYY-MM-DD")
            }
            // start_time is `YYYY-MM-DD HH:MM:SS`: a text range is one day (and uses its index).
            conditions.append("start_time BETWEEN ? AND ?")
            arguments += [date + " 00:00:00", date + " 23:59:59"]
        }
        if let id = query.recordingID {
            conditions.append("recording_id = ?")
            arguments += [id]
        }
        if let limit = query.limit, limit < 1 {
            throw RecordingLogError.invalidValue(field: "limit", reason: "must be at least 1")
        }
        let limit = min(query.limit ?? lookupCap, lookupCap)
        arguments += [limit]
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT * FROM recording_log \(whereClause)
            ORDER BY start_epoch DESC, recording_id DESC LIMIT ?
            """
        return try perform("lookup") {
            try writer.read { db in try RecordingRow.fetchAll(db, sql: sql, arguments: arguments) }
        }
    }

    // MARK: - For tests

    /// Deletes a row. Not public: the log keeps every recording; tests use it
    /// to show that ids are not reused.
    func deleteRow(id: Int64) throws {
        try perform("delete") {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM recording_log WHERE recording_id = ?", arguments: [id])
            }
        }
    }

    /// The query plan SQLite picks for a lookup (tests check index use).
    func explainLookup(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try perform("explain") {
            try writer.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] }
            }
        }
    }

    /// A PRAGMA's value (journal_mode, synchronous) on the writer connection,
    /// the one whose setting decides durability.
    func writerPragma(_ name: String) throws -> String {
        try perform("pragma") {
            try writer.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") ?? "" }
        }
    }
}

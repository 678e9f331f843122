import GRDB

/// The log's schema, as GRDB migrations. A migration, once released, is never
/// edited: a change is a new migration appended below.
enum Schema {
    static let table = "recording_log"
    /// The migration that adds file hashes, repair records and the hash chain.
    static let tamperEvidence = "v2_tamper_evidence"
    /// The migration that adds the record of hand repairs.
    static let handRepairs = "v3_file_repairs"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1_recording_log") { db in
            // AUTOINCREMENT: SQLite keeps the highest id ever used in
            // sqlite_sequence, so an id is never handed out twice, even after
            // the newest row is deleted. STRICT: a value of the wrong type is
            // refused instead of stored.
            try db.execute(sql: """
                CREATE TABLE recording_log (
                    recording_id     INTEGER PRIMARY KEY AUTOINCREMENT,
                    channel          TEXT    NOT NULL,
                    server_ip        TEXT    NOT NULL,
                    extension        TEXT    NOT NULL,
                    start_time       TEXT    NOT NULL,
                    start_epoch      INTEGER NOT NULL,
                    end_time         TEXT,
                    end_epoch        INTEGER,
                    length_in_sec    INTEGER,
                    length_in_min    REAL,
                    filename         TEXT    NOT NULL,
                    location         TEXT    NOT NULL,
                    lead_id          TEXT,
                    user             TEXT    NOT NULL,
                    vicidial_id      TEXT,
                    kind             TEXT    NOT NULL,
                    function         TEXT    NOT NULL,
                    format           TEXT    NOT NULL,
                    stage            TEXT,
                    status           TEXT    NOT NULL
                        CHECK (status IN ('started', 'completed', 'failed', 'discarded')),
                    cause            TEXT,
                    size_bytes       INTEGER,
                    duration_seconds REAL,
                    paused_seconds   REAL,
                    masked_seconds   REAL,
                    frames_lost      INTEGER,
                    error            TEXT,
                    created_at       TEXT    NOT NULL,
                    updated_at       TEXT    NOT NULL
                ) STRICT
                """)
            // Lookups filter on one column and return newest first: each
            // filter index carries start_epoch (and, implicitly, the rowid) so
            // SQLite reads it backwards without sorting.
            try db.execute(sql: """
                CREATE INDEX recording_log_user ON recording_log (user, start_epoch);
                CREATE INDEX recording_log_lead_id ON recording_log (lead_id, start_epoch);
                CREATE INDEX recording_log_vicidial_id ON recording_log (vicidial_id, start_epoch);
                CREATE INDEX recording_log_start_epoch ON recording_log (start_epoch);
                CREATE INDEX recording_log_start_time ON recording_log (start_time);
                CREATE INDEX recording_log_open ON recording_log (recording_id) WHERE status = 'started';
                """)
        }
        // The outbox before the hash chain: the chain's migration reads whole rows, which
        // carry the outbox's event_url column.
        migrator.registerMigration("v2_webhook_outbox") { db in
            // The per-recording callback URL a START named (`event_url`), kept so that
            // the events of a recording closed after a crash still go there.
            try db.execute(sql: "ALTER TABLE recording_log ADD COLUMN event_url TEXT")
            // One row per event and endpoint, written in the transaction of the change
            // the event reports. `subject` orders delivery: rows of one subject (a
            // recording) and one endpoint and URL go out in id order. Times are epoch ms.
            try db.execute(sql: """
                CREATE TABLE webhook_outbox (
                    id              INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id        TEXT    NOT NULL,
                    event           TEXT    NOT NULL,
                    endpoint        TEXT    NOT NULL,
                    url             TEXT    NOT NULL,
                    subject         TEXT    NOT NULL,
                    recording_id    INTEGER,
                    body            TEXT    NOT NULL,
                    created_at      INTEGER NOT NULL,
                    deadline_at     INTEGER NOT NULL,
                    next_attempt_at INTEGER NOT NULL,
                    attempts        INTEGER NOT NULL DEFAULT 0,
                    last_error      TEXT,
                    delivered_at    INTEGER,
                    state           TEXT    NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'delivered', 'dead')),
                    UNIQUE (event_id, endpoint, url)
                ) STRICT;
                CREATE INDEX webhook_outbox_pending ON webhook_outbox (endpoint, next_attempt_at) WHERE state = 'pending';
                CREATE INDEX webhook_outbox_subject ON webhook_outbox (endpoint, url, subject, id) WHERE state = 'pending';
                """)
        }
        migrator.registerMigration(tamperEvidence) { db in
            // sha256: the final file's SHA-256 (hex). repaired_at / repaired_from_sha256:
            // the daemon repaired the file in place before closing the row, and the
            // file's SHA-256 before that repair. chain_seq, prev_hash, row_hash: the
            // hash chain over closed rows, in the order they were closed (RowHash).
            try db.execute(sql: """
                ALTER TABLE recording_log ADD COLUMN sha256 TEXT;
                ALTER TABLE recording_log ADD COLUMN repaired_at TEXT;
                ALTER TABLE recording_log ADD COLUMN repaired_from_sha256 TEXT;
                ALTER TABLE recording_log ADD COLUMN chain_seq INTEGER;
                ALTER TABLE recording_log ADD COLUMN prev_hash TEXT;
                ALTER TABLE recording_log ADD COLUMN row_hash TEXT;
                CREATE UNIQUE INDEX recording_log_chain ON recording_log (chain_seq) WHERE chain_seq IS NOT NULL;
                """)
            // Rows closed before this migration join the chain now, in recording_id order
            // (without a file hash: none was taken).
            let closed = try RecordingRow.fetchAll(db, sql: """
                SELECT * FROM recording_log WHERE status != 'started' ORDER BY recording_id
                """)
            var link = ChainLink.genesis
            for row in closed {
                link = try ChainLink.append(row, after: link, db)
            }
        }
        migrator.registerMigration(handRepairs) { db in
            // A repair of a closed row's file made by hand (`tapedeck repair --config`):
            // a link of the same hash chain as the closed rows (RepairRecord), its
            // chain_seq taken from the one sequence the two tables share.
            try db.execute(sql: """
                CREATE TABLE file_repair (
                    repair_id     INTEGER PRIMARY KEY AUTOINCREMENT,
                    recording_id  INTEGER NOT NULL REFERENCES recording_log (recording_id),
                    repaired_at   TEXT    NOT NULL,
                    tool          TEXT    NOT NULL,
                    repaired_by   TEXT    NOT NULL,
                    location      TEXT    NOT NULL,
                    sha256_before TEXT    NOT NULL,
                    sha256_after  TEXT    NOT NULL,
                    size_bytes    INTEGER NOT NULL,
                    chain_seq     INTEGER NOT NULL UNIQUE,
                    prev_hash     TEXT    NOT NULL,
                    row_hash      TEXT    NOT NULL
                ) STRICT;
                CREATE INDEX file_repair_recording ON file_repair (recording_id, chain_seq);
                """)
        }
        return migrator
    }
}

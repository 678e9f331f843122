import GRDB

/// The end of the recording log's hash chain: the newest closed row's position and hash.
struct ChainLink: Sendable, Equatable {
    var seq: Int64
    var hash: String

    /// Before the first closed row.
    static let genesis = ChainLink(seq: 0, hash: RowHash.genesis)

    /// The chain's end as stored: the newest of its closed rows and recorded repairs.
    static func last(_ db: Database) throws -> ChainLink {
        var end = ChainLink.genesis
        for sql in ["SELECT chain_seq, row_hash FROM recording_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1",
                    "SELECT chain_seq, row_hash FROM file_repair ORDER BY chain_seq DESC LIMIT 1"] {
            if let row = try Row.fetchOne(db, sql: sql), let seq: Int64 = row["chain_seq"], seq > end.seq {
                end = ChainLink(seq: seq, hash: row["row_hash"] ?? RowHash.genesis)
            }
        }
        return end
    }

    /// Puts the closed row `row` at the end of the chain, after `link`, inside the
    /// caller's transaction. Returns the new end.
    @discardableResult
    static func append(_ row: RecordingRow, after link: ChainLink, _ db: Database) throws -> ChainLink {
        var row = row
        row.chainSeq = link.seq + 1
        row.prevHash = link.hash
        let hash = RowHash.hash(of: row)
        try db.execute(sql: """
            UPDATE recording_log SET chain_seq = ?, prev_hash = ?, row_hash = ? WHERE recording_id = ?
            """, arguments: [row.chainSeq, row.prevHash, hash, row.id])
        return ChainLink(seq: link.seq + 1, hash: hash)
    }
}

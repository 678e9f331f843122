import Foundation
@testable import TapedeckLog

let berlin = TimeZone(identifier: "Europe/Berlin")!
/// 2026-11-21 10:10:10 in Berlin (+01:00).
let novemberStart: TimeInterval = 1_795_252_210

/// A clock the test sets.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ epoch: TimeInterval) { current = Date(timeIntervalSince1970: epoch) }
    var now: Date { lock.withLock { current } }
    func set(_ epoch: TimeInterval) { lock.withLock { current = Date(timeIntervalSince1970: epoch) } }
    var function: @Sendable () -> Date { { self.now } }
}

func sample(user: String = "1000", station: String = "st1", start: TimeInterval = novemberStart,
            leadID: String? = nil, callID: String? = nil, filename: String = "20261121-101010__1000")
    -> NewRecording {
    NewRecording(station: station, serverIP: "10.0.0.5", sessionID: "8600051", agentUser: user,
                 startedAt: Date(timeIntervalSince1970: start), filename: filename,
                 location: "/var/spool/tapedeck/\(filename).wav", kind: "mono", function: "recording",
                 format: "wav", leadID: leadID, callID: callID)
}

/// A fresh folder under the temporary directory, removed by `cleanup()`.
struct TempFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tapedecklog-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Values appended from many threads.
final class Collected<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
}

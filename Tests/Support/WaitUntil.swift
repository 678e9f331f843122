import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Polls `condition` every 20 ms until it holds or `seconds` pass: how a test waits for
/// the state it needs (a file's size, a reply, a log line) rather than for a time it
/// guesses, so that a loaded machine makes it slower, never wrong.
public func waitUntil(seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)   // the poll interval, not a wait for the condition
    }
    return try condition()
}

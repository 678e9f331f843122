/// The names of the files tapedeckd keeps beside the recordings and the log, so that the
/// tools that read a spool (`tapedeck verify`) know them as the daemon's own.
public enum DaemonFiles {
    /// The lock file in the spool that keeps a second daemon off it.
    public static let spoolLockName = ".tapedeck.lock"

    /// The lock file of the database (or socket) at `path`, beside it.
    public static func lockPath(besides path: String) -> String { path + ".lock" }

    /// The folder of the MP3 recordings' write-behind tails: `write-behind` beside the
    /// control socket at `socket` (under systemd /run/tapedeck, a tmpfs kept across the
    /// service's restarts), so the socket's lock keeps a second daemon off it too.
    public static func writeBehindFolder(besideSocket socket: String) -> String {
        (socket.lastIndex(of: "/").map { String(socket[..<$0]) } ?? ".") + "/write-behind"
    }
}

import Foundation
import Testing
import TapedeckTestSupport
import TapedeckSystem

@Suite struct SocketTests {
    func receive(_ s: Socket, count: Int = 64) throws -> String {
        var buffer = [UInt8](repeating: 0, count: count)
        let n = try buffer.withUnsafeMutableBytes { b in try s.receive(into: b) }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    @Test func aSocketPairRoundTrip() throws {
        let (a, b) = try Socket.pair()
        defer { a.close(); b.close() }
        try a.send("ping\n")
        #expect(b.waitReadable(milliseconds: 5000) == .readable)
        #expect(try receive(b) == "ping\n")
        try b.send("pong\n")
        #expect(try receive(a) == "pong\n")
        #expect(a.peerCredentials()?.pid == getpid())
        #expect(!a.peerHasClosed())
        b.close()
        #expect(a.peerHasClosed())
        #expect(try receive(a) == "")   // end of input
        #expect(throws: Errno(EPIPE)) { try a.send("late") }   // and no SIGPIPE
    }

    @Test func pollTimesOutWhenNothingArrives() throws {
        let (a, b) = try Socket.pair()
        defer { a.close(); b.close() }
        let began = MonotonicClock.nanoseconds()
        #expect(a.waitReadable(milliseconds: 50) == .timedOut)
        #expect(MonotonicClock.nanoseconds() - began >= 50_000_000)
        #expect(a.waitReadable(milliseconds: 0) == .timedOut)
        b.sendNow("x")
        #expect(a.waitReadable(milliseconds: 5000) == .readable)
    }

    @Test func aUnixListenerAcceptsAConnection() throws {
        let dir = try TestDirectory()
        let path = dir.file("s.sock")
        let listener = try Socket.listen(path: path, mode: 0o660, group: nil)
        defer { listener.close() }
        #expect(try FileStatus.of(path).get().isSocket)
        #expect(try FileStatus.of(path).get().permissions == 0o660)
        let client = try Socket.connect(to: .path(path))
        defer { client.close() }
        #expect(listener.waitReadable(milliseconds: 5000) == .readable)
        let server = try listener.accept().get()
        defer { server.close() }
        try client.send("hello")
        #expect(try receive(server) == "hello")
        // Nothing more waits.
        #expect(listener.waitReadable(milliseconds: 0) == .timedOut)
    }

    @Test func aStaleSocketIsReplacedAnotherFileIsNot() throws {
        let dir = try TestDirectory()
        let path = dir.file("s.sock")
        try Socket.listen(path: path, mode: 0o600, group: nil).close()   // leaves its socket file
        let again = try Socket.listen(path: path, mode: 0o600, group: nil)
        again.close()
        let file = dir.file("plain")
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        #expect(throws: SocketCallError("exists and is not a socket", Errno(EEXIST))) {
            try Socket.listen(path: file, mode: 0o600, group: nil)
        }
        let long = dir.path + "/" + String(repeating: "l", count: 120)
        #expect(throws: SocketCallError("path longer than 107 bytes", Errno(ENAMETOOLONG))) {
            try Socket.listen(path: long, mode: 0o600, group: nil)
        }
        #expect(throws: SocketCallError("bind", .noEntry)) {
            try Socket.listen(path: dir.file("none/s.sock"), mode: 0o600, group: nil)
        }
        #expect(throws: SocketCallError("group \"no-such-group-here\" does not exist", nil)) {
            try Socket.listen(path: path, mode: 0o600, group: "no-such-group-here")
        }
        #expect(FileStatus.of(path) == .failure(.noEntry))   // a failed start leaves no socket file
    }

    @Test func aGroupIsANameOrANumericGID() throws {
        let dir = try TestDirectory()
        let path = dir.file("s.sock")
        func group(of path: String) -> gid_t? { var st = stat(); return stat(path, &st) == 0 ? st.st_gid : nil }
        // A name (root's group is gid 0), a number no group in /etc/group has (the tests run
        // as root, who may chown to any gid), and numbers that are not a gid.
        #expect(Socket.groupID(named: "root") == 0)
        #expect(Socket.groupID(named: "54321") == 54321)
        for notGID in ["4294967295", "99999999999", "+5", "12a"] { #expect(Socket.groupID(named: notGID) == nil, "\(notGID)") }
        let numeric = try Socket.listen(path: path, mode: 0o660, group: "54321")
        #expect(group(of: path) == 54321)
        numeric.close()
    }

    @Test func aTCPListenerOnLoopback() throws {
        let listener = try Socket.listenTCP(host: "127.0.0.1", port: 0)
        listener.close()
        #expect(throws: SocketCallError("bind", Errno(EADDRNOTAVAIL))) {
            try Socket.listenTCP(host: "192.0.2.1", port: 0)
        }
    }

    @Test func aDatagramToAMissingSocketFailsWithENOENT() throws {
        let dir = try TestDirectory()
        let s = try Socket.open(domain: AF_UNIX, type: SOCK_DGRAM)
        defer { s.close() }
        #expect(throws: Errno.noEntry) { try s.send(datagram: Array("READY=1".utf8), to: .path(dir.file("none"))) }
        #expect(throws: Errno(ENAMETOOLONG)) {
            try s.send(datagram: [1], to: .abstract(String(repeating: "a", count: 200)))
        }
    }
}

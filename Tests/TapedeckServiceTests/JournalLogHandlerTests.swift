import Foundation
import Logging
import Testing
@testable import TapedeckService

@Suite("JournalLogHandler: one line per event, syslog priorities for the journal")
struct JournalLogHandlerTests {
    @Test("sd-daemon(3) priority prefixes per level")
    func priorities() {
        let expected: [(Logger.Level, String)] = [
            (.trace, "<7>"), (.debug, "<7>"), (.info, "<6>"), (.notice, "<5>"),
            (.warning, "<4>"), (.error, "<3>"), (.critical, "<2>"),
        ]
        for (level, prefix) in expected {
            let line = JournalLogHandler.line(format: .journal, level: level, label: "tapedeckd.audio",
                                              message: "m", metadata: [:], date: Date())
            #expect(line == "\(prefix)tapedeckd.audio: m\n")
        }
    }

    @Test("journal lines: metadata sorted and quoted where needed, control characters escaped")
    func journalLine() {
        let line = JournalLogHandler.line(
            format: .journal, level: .notice, label: "tapedeckd",
            message: "ready\nnow",
            metadata: ["socket": "/run/tapedeck/control.sock", "stations": "4", "error": "no such device \"hw:9\"",
                       "empty": "", "list": .array(["a", "b"])],
            date: Date())
        #expect(line == #"<5>tapedeckd: ready\nnow empty="" error="no such device \"hw:9\"" list="[a, b]" socket=/run/tapedeck/control.sock stations=4"# + "\n")
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test("plain lines: ISO 8601 time and level, no priority prefix")
    func plainLine() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        let line = JournalLogHandler.line(format: .plain, level: .warning, label: "tapedeckd",
                                          message: "SCHED_FIFO refused", metadata: ["device": "card1"], date: date)
        #expect(line == "2023-11-14T22:13:20.250Z warning tapedeckd: SCHED_FIFO refused device=card1\n")
    }

    @Test("through a Logger: handler, provider and call metadata merged; the level filters")
    func throughLogger() {
        let lines = Locked<[String]>([])
        var logger = Logger(label: "tapedeckd.server") { label in
            JournalLogHandler(label: label, level: .info, format: .journal,
                              metadataProvider: .init { ["task": "t1"] }) { line in lines.update { $0.append(line) } }
        }
        logger[metadataKey: "component"] = "server"
        logger.debug("dropped")
        logger.info("request refused", metadata: ["function": "recording", "task": "override"])
        logger.error("write failed")
        #expect(lines.get == [
            "<6>tapedeckd.server: request refused component=server function=recording task=override\n",
            "<3>tapedeckd.server: write failed component=server task=t1\n",
        ])
    }

    @Test("$JOURNAL_STREAM selects the journal format only when it names the descriptor")
    func detection() throws {
        let path = FileManager.default.temporaryDirectory.path + "/tapedeck-journal-\(UUID().uuidString.prefix(8))"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        let mine = "\(st.st_dev):\(st.st_ino)"
        #expect(JournalLogHandler.detectFormat(environment: ["JOURNAL_STREAM": mine], fileDescriptor: fd) == .journal)
        #expect(JournalLogHandler.detectFormat(environment: ["JOURNAL_STREAM": "\(st.st_dev):\(st.st_ino + 1)"],
                                               fileDescriptor: fd) == .plain)
        #expect(JournalLogHandler.detectFormat(environment: ["JOURNAL_STREAM": "garbage"], fileDescriptor: fd) == .plain)
        #expect(JournalLogHandler.detectFormat(environment: [:], fileDescriptor: fd) == .plain)
    }

    @Test("the process's own name is left out of journal lines (the journal shows it)")
    func ownLabel() {
        let lines = Locked<[String]>([])
        let name = ProcessInfo.processInfo.processName
        let journal = Logger(label: name) { JournalLogHandler(label: $0, format: .journal) { l in lines.update { $0.append(l) } } }
        let plain = Logger(label: name) { JournalLogHandler(label: $0, format: .plain) { l in lines.update { $0.append(l) } } }
        journal.notice("ready")
        plain.notice("ready")
        #expect(lines.get.first == "<5>ready\n")
        #expect(lines.get.last?.hasSuffix(" notice \(name): ready\n") == true)
    }
}

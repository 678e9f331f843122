import Foundation
import Testing
import TapedeckTestSupport

/// Recording names from hostile request values, on a real daemon: none begins with `-` (an
/// option to `rm *` or a shell loop) or `.` (a hidden file), and every file is in the spool.
@Suite struct DaemonFileNameTests {
    /// Every template field in a row: the first one with a value begins the name (AGENT,
    /// always set, comes last).
    static let template = "VENDORLEADCODECALLIDCAMPAIGNINGROUPCUSTPHONELEADIDAGENT"

    func json(_ line: String?) -> [String: Any] {
        (line.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }) ?? [:]
    }

    func recording(_ line: String?) -> [String: Any] {
        let data = json(line)["data"] as? [String: Any] ?? [:]
        return data["recording"] as? [String: Any] ?? (data["recordings"] as? [[String: Any]])?.first ?? [:]
    }

    @Test func hostileValuesInEachFieldNeverBeginAName() throws {
        let daemon = try DaemonHarness.virtual(recording: "template = \"\(Self.template)\"\nstereo_template = \"\(Self.template)\"")
        try daemon.start()
        let c = try daemon.connect()
        #expect(c.request("function=login&agent_user=-rf&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        // (call_start parameters, stage, the expected name). A call_start without call_id gets
        // one (`<epoch>.<serial>`), which stands where CALLID is: `{CALLID}` below. The fields
        // after CALLID can only begin a name when the call has an id of its own: those cases
        // give one that the rule must fix when it comes first (`call_id=.`).
        let cases: [(String, String?, String)] = [
            ("", nil, "_rf"),                                           // AGENT
            ("", "-x", "_rf-x"),                                        // AGENT, then the stage
            ("vendor_lead_code=-rf%20--no-preserve-root", nil, "_rf_--no-preserve-root{CALLID}-rf"),
            ("vendor_lead_code=..%2F..%2Fetc%2Fpasswd", nil, "_._.__etc_passwd{CALLID}-rf"),
            ("vendor_lead_code=.bashrc", "-x", "_bashrc{CALLID}-rf-x"),
            ("call_id=--help", nil, "_-help-rf"),
            ("call_id=.&campaign=.hidden", nil, "_.hidden-rf"),
            ("call_id=-&ingroup=-", nil, "_--rf"),
            ("call_id=.&phone_number=%2B4930123", nil, "__4930123-rf"),
        ]
        var names: [String] = []
        for (call, stage, template) in cases {
            var expected = template
            if !call.isEmpty {
                let started = c.request("function=call_start&agent_user=-rf&" + call)
                #expect(started?.hasPrefix("SUCCESS") == true, "\(call)")
                let fields = (started ?? "").split(separator: "|", omittingEmptySubsequences: false)
                expected = expected.replacingOccurrences(of: "{CALLID}", with: fields.count > 1 ? String(fields[1]) : "?")
            }
            for function in ["recording", "stereo_recording"] {
                let value = function == "recording" ? "START" : "BEGIN"
                let stageJSON = stage.map { #","stage":"\#($0)""# } ?? ""
                let r = recording(c.request(#"{"function":"\#(function)","agent_user":"-rf","value":"\#(value)"\#(stageJSON)}"#))
                let name = r["filename"] as? String ?? ""
                // The second file of the pair gets its -2 at the end, never at the start.
                #expect(name == expected || name == expected + "-2", "\(call) \(function): \(name)")
                #expect(!name.hasPrefix("-") && !name.hasPrefix("."))
                #expect(r["file_path"] as? String == daemon.spool + "/" + name + ".wav", "\(r)")
                names.append(name)
            }
            #expect(c.request("function=recording&agent_user=-rf&value=STOP")?.hasPrefix("SUCCESS") == true)
            #expect(c.request("function=stereo_recording&agent_user=-rf&value=END")?.hasPrefix("SUCCESS") == true)
            if !call.isEmpty { _ = c.request("function=call_end&agent_user=-rf") }
        }
        #expect(daemon.stop()?.status == 0)
        // Every file is in the spool, under the name the reply gave, and nothing else is there
        // (but the daemon's own lock file).
        let files = try FileManager.default.contentsOfDirectory(atPath: daemon.spool).filter { $0 != ".tapedeck.lock" }.sorted()
        #expect(files == names.map { $0 + ".wav" }.sorted())
        #expect(files.allSatisfy { !$0.hasPrefix("-") && !$0.hasPrefix(".") }, "\(files)")
    }
}

import Foundation
import Testing

@Suite("systemd/tapedeck.service")
struct UnitFileTests {
    let unitText: String
    let settings: [String: [String]]

    init() throws {
        unitText = try String(contentsOfFile: repositoryRoot + "/systemd/tapedeck.service", encoding: .utf8)
        settings = unitSettings(unitText)
    }

    func value(_ key: String) -> String? { settings[key]?.last }

    @Test("systemd-analyze verify passes, without a single warning")
    func verifies() throws {
        // ExecStart names /usr/local/bin/tapedeckd, absent before installation: verify a
        // copy pointing at an existing program (docs/operations.md, "Checking the unit").
        let r = try verifyUnit(unitText, execStartProgram: "/usr/local/bin/tapedeckd", executable: "/bin/true")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.isEmpty, "systemd-analyze verify warned:\n\(r.output)")
    }

    @Test("the verifier's silence means something: a bad key or value is reported")
    func verifierCatchesMistakes() throws {
        let broken = unitText
            .replacingOccurrences(of: "NoNewPrivileges=yes", with: "NoNewPrivilege=yes")
            .replacingOccurrences(of: "LimitRTPRIO=40", with: "LimitRTPRIO=forty")
        let r = try verifyUnit(broken, execStartProgram: "/usr/local/bin/tapedeckd", executable: "/bin/true")
        #expect(r.output.contains("NoNewPrivilege"), "\(r.output)")
        #expect(r.output.contains("forty"), "\(r.output)")
        let missing = try verifyUnit(unitText, execStartProgram: "/usr/local/bin/tapedeckd",
                                     executable: "/nonexistent/tapedeckd")
        #expect(missing.status != 0)
    }

    @Test("Type=notify with a watchdog, restarted on failure")
    func lifecycle() {
        #expect(value("Type") == "notify")
        #expect(value("NotifyAccess") == "main")
        #expect(value("Restart") == "on-failure")
        #expect(value("WatchdogSec").map { $0 != "0" && !$0.isEmpty } == true)
        #expect(value("ExecStart") == "/usr/local/bin/tapedeckd --config /etc/tapedeck/tapedeck.toml")
        #expect(value("WantedBy") == "multi-user.target")
    }

    @Test("a dedicated user in group audio; runtime and state directories match the configuration's defaults")
    func userAndDirectories() throws {
        #expect(value("User") == "tapedeck")
        #expect(value("SupplementaryGroups")?.split(separator: " ").contains("audio") == true)
        #expect(value("RuntimeDirectory") == "tapedeck")
        #expect(value("StateDirectory") == "tapedeck")
        // conf/tapedeck.toml shows the defaults as "#key = value" lines.
        let conf = try String(contentsOfFile: repositoryRoot + "/conf/tapedeck.toml", encoding: .utf8)
        #expect(conf.contains("#socket = \"/run/tapedeck/control.sock\""))
        #expect(conf.contains("#database = \"/var/lib/tapedeck/recordings.sqlite\""))
        #expect(conf.contains("#spool = \"/var/spool/tapedeck\""))
        #expect(settings["ReadWritePaths"]?.contains { $0.split(separator: " ").contains("-/var/spool/tapedeck") } == true)
        // The sysusers.d and tmpfiles.d snippets agree.
        let sysusers = try String(contentsOfFile: repositoryRoot + "/systemd/tapedeck.sysusers", encoding: .utf8)
        #expect(sysusers.contains("\nu tapedeck - ") && sysusers.contains("\nm tapedeck audio"))
        let tmpfiles = try String(contentsOfFile: repositoryRoot + "/systemd/tapedeck.tmpfiles", encoding: .utf8)
        #expect(tmpfiles.contains("\nd /var/spool/tapedeck 0750 tapedeck tapedeck -"))
    }

    @Test("hardened, yet the capture threads may take their SCHED_FIFO priority")
    func hardening() throws {
        for (key, expected) in [
            ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
            ("RestrictAddressFamilies", "AF_UNIX"), ("CapabilityBoundingSet", ""), ("DevicePolicy", "closed"),
            ("DeviceAllow", "char-alsa rw"), ("MemoryDenyWriteExecute", "yes"), ("SystemCallFilter", "@system-service"),
            ("PrivateUsers", "yes"), ("PrivateNetwork", "yes"), ("PrivateDevices", "yes"), ("ProcSubset", "pid"),
        ] {
            #expect(value(key) == expected, "\(key)")
        }
        // Real time: RLIMIT_RTPRIO at least the capture threads' priority, never forbidden.
        let source = try String(contentsOfFile: repositoryRoot + "/Sources/TapedeckAudio/Capture/RealtimeThread.swift",
                                encoding: .utf8)
        let priority = try #require(source.firstMatch(of: /defaultPriority: Int32 = (\d+)/).flatMap { Int($0.1) })
        #expect((value("LimitRTPRIO").flatMap { Int($0) } ?? 0) >= priority)
        #expect(value("RestrictRealtime") != "yes")
        // The control socket's group is set with chown(2): @privileged must not be filtered.
        #expect(settings["SystemCallFilter"]?.contains { $0.contains("~@privileged") || $0.contains("~@chown") } == false)
        // /dev/snd must stay reachable: the private /dev gets it bound in.
        #expect(value("PrivateDevices") != "yes" || value("BindReadOnlyPaths") == "-/dev/snd"
                || value("BindPaths") == "-/dev/snd")
    }
}

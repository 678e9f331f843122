import Foundation
import Testing

/// scripts/install and scripts/package-deb into temporary folders, with stand-in binaries
/// (no build, no real user, no systemctl).
@Suite("scripts/install and scripts/package-deb")
struct InstallScriptTests {
    let install = repositoryRoot + "/scripts/install"

    /// A folder with executable stand-ins for tapedeck and tapedeckd printing `tag`.
    func fakeBinaries(_ scratch: Scratch, tag: String = "v1") throws -> String {
        for name in ["tapedeck", "tapedeckd"] {
            try scratch.write("bin-\(tag)/\(name)", "#!/bin/sh\necho \(name) \(tag)\n", mode: 0o755)
        }
        return scratch.file("bin-\(tag)")
    }

    func installScript(_ args: [String]) throws -> RunResult {
        try run("/bin/bash", [install] + args, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
    }

    static let expectedTree = [
        "etc/", "etc/tapedeck/", "etc/tapedeck/tapedeck.toml",
        "usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/tapedeck", "usr/local/bin/tapedeckd",
        "usr/local/lib/", "usr/local/lib/systemd/", "usr/local/lib/systemd/system/",
        "usr/local/lib/systemd/system/tapedeck.service",
        "usr/local/lib/sysusers.d/", "usr/local/lib/sysusers.d/tapedeck.conf",
        "usr/local/lib/tmpfiles.d/", "usr/local/lib/tmpfiles.d/tapedeck.conf",
        "usr/local/share/", "usr/local/share/doc/", "usr/local/share/doc/tapedeck/",
        "usr/local/share/doc/tapedeck/configuration.md", "usr/local/share/doc/tapedeck/operations.md",
        "usr/local/share/doc/tapedeck/tapedeck.toml.example",
        "var/", "var/spool/", "var/spool/tapedeck/",
    ]

    @Test("--destdir produces the expected tree, modes and contents")
    func destdirTree() throws {
        let s = try Scratch("install")
        let bin = try fakeBinaries(s)
        let r = try installScript(["--destdir", s.file("root"), "--bin-dir", bin])
        #expect(r.status == 0, "\(r.output)")
        #expect(s.tree("root") == Self.expectedTree)
        #expect(s.mode("root/usr/local/bin/tapedeckd") == 0o755)
        #expect(s.mode("root/usr/local/lib/systemd/system/tapedeck.service") == 0o644)
        #expect(s.mode("root/etc/tapedeck") == 0o750)
        #expect(s.mode("root/etc/tapedeck/tapedeck.toml") == 0o640)
        #expect(s.mode("root/var/spool/tapedeck") == 0o750)
        let conf = try String(contentsOfFile: repositoryRoot + "/conf/tapedeck.toml", encoding: .utf8)
        #expect(s.read("root/etc/tapedeck/tapedeck.toml") == conf)
        #expect(s.read("root/usr/local/share/doc/tapedeck/tapedeck.toml.example") == conf)
        #expect(s.read("root/usr/local/bin/tapedeckd") == "#!/bin/sh\necho tapedeckd v1\n")
        let unit = try String(contentsOfFile: repositoryRoot + "/systemd/tapedeck.service", encoding: .utf8)
        #expect(s.read("root/usr/local/lib/systemd/system/tapedeck.service") == unit)   // default prefix: as is
        #expect(s.read("root/usr/local/lib/sysusers.d/tapedeck.conf")
                == (try String(contentsOfFile: repositoryRoot + "/systemd/tapedeck.sysusers", encoding: .utf8)))
    }

    @Test("the installed unit verifies against the installed daemon")
    func installedUnitVerifies() throws {
        let s = try Scratch("install")
        let r = try installScript(["--destdir", s.file("root"), "--bin-dir", try fakeBinaries(s), "--prefix", "/opt/td"])
        #expect(r.status == 0, "\(r.output)")
        let unit = try #require(s.read("root/opt/td/lib/systemd/system/tapedeck.service"))
        #expect(unitSettings(unit)["ExecStart"] == ["/opt/td/bin/tapedeckd --config /etc/tapedeck/tapedeck.toml"])
        #expect(unitSettings(unit)["Documentation"] == ["file:/opt/td/share/doc/tapedeck/operations.md"])
        let v = try verifyUnit(unit, execStartProgram: "/opt/td/bin/tapedeckd",
                               executable: s.file("root/opt/td/bin/tapedeckd"))
        #expect(v.status == 0 && v.output.isEmpty, "\(v.output)")
    }

    @Test("--prefix /usr --sysconfdir --unitdir place everything accordingly")
    func prefixes() throws {
        let s = try Scratch("install")
        let r = try installScript(["--destdir", s.file("root"), "--bin-dir", try fakeBinaries(s), "--prefix", "/usr",
                                   "--sysconfdir", "/etc/opt", "--unitdir", "/etc/systemd/system"])
        #expect(r.status == 0, "\(r.output)")
        let tree = Set(s.tree("root"))
        for f in ["usr/bin/tapedeckd", "usr/bin/tapedeck", "etc/systemd/system/tapedeck.service",
                  "usr/lib/sysusers.d/tapedeck.conf", "usr/lib/tmpfiles.d/tapedeck.conf",
                  "usr/share/doc/tapedeck/operations.md", "etc/opt/tapedeck/tapedeck.toml"] {
            #expect(tree.contains(f), "\(f) missing")
        }
        let unit = try #require(s.read("root/etc/systemd/system/tapedeck.service"))
        #expect(unitSettings(unit)["ExecStart"] == ["/usr/bin/tapedeckd --config /etc/opt/tapedeck/tapedeck.toml"])
    }

    @Test("idempotent: a second run upgrades the binaries and never replaces an edited configuration")
    func idempotent() throws {
        let s = try Scratch("install")
        let root = s.file("root")
        #expect(try installScript(["--destdir", root, "--bin-dir", try fakeBinaries(s, tag: "v1")]).status == 0)
        try s.write("root/etc/tapedeck/tapedeck.toml", "server_ip = \"192.0.2.7\"\n", mode: 0o640)
        let again = try installScript(["--destdir", root, "--bin-dir", try fakeBinaries(s, tag: "v2")])
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stdout.contains("kept /etc/tapedeck/tapedeck.toml"))
        #expect(s.read("root/etc/tapedeck/tapedeck.toml") == "server_ip = \"192.0.2.7\"\n")
        #expect(s.read("root/usr/local/bin/tapedeckd") == "#!/bin/sh\necho tapedeckd v2\n")
        #expect(s.tree("root") == Self.expectedTree)
    }

    @Test("--uninstall removes what was installed and keeps configuration and spool")
    func uninstall() throws {
        let s = try Scratch("install")
        let root = s.file("root")
        #expect(try installScript(["--destdir", root, "--bin-dir", try fakeBinaries(s)]).status == 0)
        try s.write("root/var/spool/tapedeck/call.wav", "RIFF")
        let r = try installScript(["--destdir", root, "--uninstall"])
        #expect(r.status == 0, "\(r.output)")
        let files = s.tree("root").filter { !$0.hasSuffix("/") }
        #expect(files == ["etc/tapedeck/tapedeck.toml", "var/spool/tapedeck/call.wav"])
        #expect(try installScript(["--destdir", root, "--uninstall"]).status == 0)   // again: nothing to do
    }

    @Test("bad options are refused with the usage")
    func badOptions() throws {
        let r = try installScript(["--frobnicate"])
        #expect(r.status == 2 && r.stderr.contains("unknown option --frobnicate") && r.stderr.contains("usage:"))
        let rel = try installScript(["--prefix", "relative", "--destdir", "/nonexistent"])
        #expect(rel.status == 2 && rel.stderr.contains("not an absolute path"))
        let s = try Scratch("install")
        let nobin = try installScript(["--destdir", s.file("root"), "--bin-dir", s.file("empty")])
        #expect(nobin.status == 1 && nobin.stderr.contains("no such executable"))
    }

    @Test("the sysusers.d and tmpfiles.d snippets make the user (in audio) and the spool, in a scratch root")
    func snippetsApply() throws {
        let sysusers = try require("systemd-sysusers", package: "systemd")
        let tmpfiles = try require("systemd-tmpfiles", package: "systemd")
        let s = try Scratch("sysusers")
        try FileManager.default.createDirectory(atPath: s.file("etc"), withIntermediateDirectories: true)
        let u = try run(sysusers, ["--root=\(s.path)", repositoryRoot + "/systemd/tapedeck.sysusers"])
        #expect(u.status == 0, "\(u.output)")
        let passwd = s.read("etc/passwd") ?? ""
        let user = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("tapedeck:") })
        let fields = user.split(separator: ":", omittingEmptySubsequences: false)
        #expect(fields.count == 7 && fields[5] == "/var/lib/tapedeck" && fields[6] == "/usr/sbin/nologin", "\(user)")
        let group = s.read("etc/group") ?? ""
        let audio = try #require(group.split(separator: "\n").first { $0.hasPrefix("audio:") })
        #expect(audio.split(separator: ":", omittingEmptySubsequences: false).last?.split(separator: ",")
                .contains("tapedeck") == true, "\(group)")
        let t = try run(tmpfiles, ["--root=\(s.path)", "--create", repositoryRoot + "/systemd/tapedeck.tmpfiles"])
        #expect(t.status == 0, "\(t.output)")
        #expect(s.mode("var/spool/tapedeck") == 0o750)
    }

    @Test("package-deb: a .deb with the tree, the conffile and maintainer scripts that create the user")
    func debianPackage() throws {
        let dpkgDeb = try require("dpkg-deb", package: "dpkg")
        let s = try Scratch("deb")
        let r = try run("/bin/bash", [repositoryRoot + "/scripts/package-deb", "--bin-dir", try fakeBinaries(s),
                                      "--version", "1.2.3~test", "--out", s.file("dist"), "--depends", "libc6"],
                        environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        #expect(r.status == 0, "\(r.output)")
        let deb = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(deb.hasSuffix("/tapedeck_1.2.3~test_\(try run(which("dpkg")!, ["--print-architecture"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).deb"))
        let fields = try run(dpkgDeb, ["-f", deb, "Package", "Version", "Depends"]).stdout
        #expect(fields == "Package: tapedeck\nVersion: 1.2.3~test\nDepends: libc6, procps, adduser | systemd (>= 247)\n")
        let listing = try run(dpkgDeb, ["-c", deb]).stdout
        for path in ["./usr/bin/tapedeckd", "./usr/bin/tapedeck", "./usr/lib/systemd/system/tapedeck.service",
                     "./usr/lib/sysusers.d/tapedeck.conf", "./usr/lib/tmpfiles.d/tapedeck.conf",
                     "./etc/tapedeck/tapedeck.toml", "./usr/share/doc/tapedeck/operations.md"] {
            #expect(listing.contains(" \(path)\n"), "\(path) missing:\n\(listing)")
        }
        #expect(!listing.contains("./var/"))
        #expect(!listing.contains("/usr/local/"))
        try FileManager.default.createDirectory(atPath: s.file("ctl"), withIntermediateDirectories: true)
        #expect(try run(dpkgDeb, ["-e", deb, s.file("ctl")]).status == 0)
        #expect(s.read("ctl/conffiles") == "/etc/tapedeck/tapedeck.toml\n")
        #expect(s.read("ctl/postinst")?.contains("systemd-sysusers /usr/lib/sysusers.d/tapedeck.conf") == true)
        #expect(s.read("ctl/postinst")?.contains("systemd-tmpfiles --create /usr/lib/tmpfiles.d/tapedeck.conf") == true)
        let x = try run(dpkgDeb, ["-x", deb, s.file("x")])
        #expect(x.status == 0)
        let unit = try #require(s.read("x/usr/lib/systemd/system/tapedeck.service"))
        #expect(unitSettings(unit)["ExecStart"] == ["/usr/bin/tapedeckd --config /etc/tapedeck/tapedeck.toml"])
    }
}

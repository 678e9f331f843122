import Foundation
import Testing
@testable import TapedeckControl

@Suite struct FilenameTemplateTests {
    func values(agent: String? = "1000") -> FilenameTemplate.Values {
        FilenameTemplate.Values(date: Fixture.date, timeZone: Fixture.zone, agent: agent)
    }

    @Test func defaultsWithEmptyPhone() {
        #expect(FilenameTemplate.defaultRecording.render(values()) == "20261121-101010__1000")
        #expect(FilenameTemplate.defaultStereo.render(values()) == "S_20261121-101010__1000")
    }

    @Test func stageIsAppended() {
        #expect(FilenameTemplate.defaultRecording.render(values(), stage: Stage(sanitizing: "_MIDCALL"))
                == "20261121-101010__1000_MIDCALL")
    }

    @Test func everyVariable() {
        let t = FilenameTemplate("FULLDATE-TINYDATE-EPOCH-AGENT-CUSTPHONE-CAMPAIGN-INGROUP-LEADID-VENDORLEADCODE-CALLID-STATION-RECID")
        let v = FilenameTemplate.Values(date: Fixture.date, timeZone: Fixture.zone, agent: "1000", custPhone: "4930123",
                                        campaign: "TESTCAMP", inGroup: "SALES", leadID: "123", vendorLeadCode: "VLC9",
                                        callID: "M11", station: "st1", recordingID: 42)
        #expect(t.render(v) == "20261121-101010-261121101010-1795252210-1000-4930123-TESTCAMP-SALES-123-VLC9-M11-st1-42")
        #expect(t.variables == [.fullDate, .tinyDate, .epoch, .agent, .custPhone, .campaign, .inGroup, .leadID,
                                .vendorLeadCode, .callID, .station, .recordingID])
    }

    @Test func datesUseThePassedZone() {
        let v = FilenameTemplate.Values(date: Fixture.date, timeZone: Fixture.utc)
        #expect(FilenameTemplate("FULLDATE_TINYDATE_EPOCH").render(v) == "20261121-091010_261121091010_1795252210")
    }

    @Test func longestMatchAndNoRescan() {
        let v = FilenameTemplate.Values(date: Fixture.date, timeZone: Fixture.zone, agent: "EPOCH", custPhone: "AGENT",
                                        leadID: "7", vendorLeadCode: "LEADID")
        #expect(FilenameTemplate("VENDORLEADCODE_LEADID").render(v) == "LEADID_7")
        #expect(FilenameTemplate("CUSTPHONE_AGENT").render(v) == "AGENT_EPOCH")
        #expect(FilenameTemplate("TINYDATEFULLDATE").render(v) == "26112110101020261121-101010")
        #expect(FilenameTemplate("xAGENTx").render(v) == "xEPOCHx")
    }

    @Test func unsafeCharactersAndPaths() {
        let v = FilenameTemplate.Values(date: Fixture.date, timeZone: Fixture.zone, vendorLeadCode: "../../etc/passwd")
        #expect(FilenameTemplate("VENDORLEADCODE").render(v) == "_._.__etc_passwd")
        #expect(FilenameTemplate("a b/c\\d:é").render(v) == "a_b_c_d__")
        #expect(FilenameTemplate(".hidden").render(v) == "_hidden")
        #expect(FilenameTemplate("..").render(v) == "__")
        #expect(FilenameTemplate("a...b.c").render(v) == "a._.b.c")
    }

    /// Values that would make a name begin with `-` (an option to `rm *`) or `.` (a hidden
    /// file). agent_user, call_id, campaign, ingroup and vendor_lead_code can carry such
    /// values past their field rules; the names must be safe whatever the value.
    static let hostile = ["-rf --no-preserve-root", "-", "--", "-.", ".", "..", "../../etc/passwd", ".hidden", "-x.",
                          "/-rf", " -rf", "\u{00E9}-x"]

    /// Each template field, with `value` in it and nothing before it in the name.
    static func fields(_ value: String) -> [(FilenameTemplate, FilenameTemplate.Values)] {
        let base = FilenameTemplate.Values(date: Fixture.date, timeZone: Fixture.zone)
        var agent = base, phone = base, campaign = base, inGroup = base, lead = base, vendor = base, call = base, station = base
        agent.agent = value
        phone.custPhone = value
        campaign.campaign = value
        inGroup.inGroup = value
        lead.leadID = value
        vendor.vendorLeadCode = value
        call.callID = value
        station.station = value
        return [(FilenameTemplate("AGENT"), agent), (FilenameTemplate("CUSTPHONE_AGENT"), phone),
                (FilenameTemplate("CAMPAIGN"), campaign), (FilenameTemplate("INGROUP"), inGroup),
                (FilenameTemplate("LEADID"), lead), (FilenameTemplate("VENDORLEADCODE_AGENT_FULLDATE"), vendor),
                (FilenameTemplate("CALLIDRECID"), call), (FilenameTemplate("STATION"), station)]
    }

    @Test(arguments: hostile)
    func noNameBeginsWithADashOrADot(_ value: String) {
        for (template, values) in Self.fields(value) {
            for stage in [nil, Stage(sanitizing: value), Stage(sanitizing: "-rf")] {
                let name = template.render(values, stage: stage)
                #expect(!name.hasPrefix("-") && !name.hasPrefix("."), "\(template.template) with \(value): \(name)")
                // A name stays in the spool: one path component, not "." or "..".
                let path = URL(fileURLWithPath: "/var/spool/tapedeck/" + name + ".wav").standardizedFileURL.path
                #expect(path == "/var/spool/tapedeck/\(name).wav" && !name.contains("/"), "\(name)")
                let unique = FilenameTemplate.uniqued(name) { $0 == name }
                #expect(!unique.hasPrefix("-") && !unique.hasPrefix("."), "\(unique)")
            }
        }
    }

    @Test func aLeadingDashBecomesAnUnderscoreAndTheRestIsKept() {
        let v = FilenameTemplate.Values(date: Fixture.date, timeZone: Fixture.zone, agent: "1000",
                                        vendorLeadCode: "-rf --no-preserve-root")
        #expect(FilenameTemplate("VENDORLEADCODE_AGENT").render(v) == "_rf_--no-preserve-root_1000")
        #expect(FilenameTemplate("-AGENT").render(v) == "_1000")
        #expect(FilenameTemplate("CUSTPHONE").render(v, stage: Stage(sanitizing: "-rf")) == "_rf")
        // Names that are fine are unchanged, dashes inside them too.
        #expect(FilenameTemplate("AGENT-VENDORLEADCODE").render(v) == "1000--rf_--no-preserve-root")
        #expect(FilenameTemplate.defaultRecording.render(v, stage: Stage(sanitizing: "-x")) == "20261121-101010__1000-x")
    }

    @Test func ninetyCharacterLimit() {
        let long = String(repeating: "a", count: 100)
        #expect(FilenameTemplate("AGENT").render(values(agent: long)) == String(repeating: "a", count: 90))
        #expect(FilenameTemplate("AGENT").render(values(agent: long), stage: Stage(sanitizing: "_MIDCALL"))
                == String(repeating: "a", count: 82) + "_MIDCALL")
        let dotAtCut = String(repeating: "a", count: 89) + ".b"
        #expect(FilenameTemplate("AGENT").render(values(agent: dotAtCut)) == String(repeating: "a", count: 89) + "_")
    }

    @Test func emptyResult() {
        #expect(FilenameTemplate("CUSTPHONE").render(values()) == "recording")
    }

    @Test func uniqued() {
        let taken: Set<String> = ["x", "x-2"]
        #expect(FilenameTemplate.uniqued("y") { taken.contains($0) } == "y")
        #expect(FilenameTemplate.uniqued("x") { taken.contains($0) } == "x-3")
        let long = String(repeating: "b", count: 90)
        #expect(FilenameTemplate.uniqued(long) { $0 == long } == String(repeating: "b", count: 88) + "-2")
        var used: Set<String> = [long]
        for n in 2...9 { used.insert(String(repeating: "b", count: 88) + "-\(n)") }
        let tenth = FilenameTemplate.uniqued(long) { used.contains($0) }
        #expect(tenth == String(repeating: "b", count: 87) + "-10")
        #expect(tenth.count == 90)
    }
}

@Suite struct TimeFormatTests {
    @Test func formats() {
        #expect(TimeFormat.localDateTime(Fixture.date, timeZone: Fixture.zone) == "2026-11-21 10:10:10")
        #expect(TimeFormat.iso8601(Fixture.date, timeZone: Fixture.zone) == "2026-11-21T10:10:10+01:00")
        #expect(TimeFormat.iso8601(Fixture.date, timeZone: Fixture.utc) == "2026-11-21T09:10:10+00:00")
        let minus = TimeZone(secondsFromGMT: -(9 * 3600 + 30 * 60))!
        #expect(TimeFormat.iso8601(Fixture.date, timeZone: minus) == "2026-11-20T23:40:10-09:30")
        #expect(TimeFormat.fullDate(Fixture.date.addingTimeInterval(0.999), timeZone: Fixture.zone) == "20261121-101010")
        #expect(TimeFormat.tinyDate(Fixture.date, timeZone: Fixture.zone) == "261121101010")
        #expect(TimeFormat.epoch(Fixture.date.addingTimeInterval(0.7)) == "1795252210")
    }
}

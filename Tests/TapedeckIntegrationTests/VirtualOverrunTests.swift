import Foundation
import Testing
import TapedeckTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A virtual device loses audio like a card when its reader is late: tapedeckd frozen
/// (SIGSTOP) for 3 s overruns its 8 × 20 ms buffer, the metrics count the overrun and the
/// frames lost, and the recording holds that much silence where the audio was lost.
@Suite struct VirtualOverrunTests {
    func metrics(_ c: ControlClient) -> [String: Double] { ObservabilityTests().scrape(c) }

    @Test func aFrozenDaemonOverrunsAndLosesTheFrozenTime() throws {
        let daemon = try DaemonHarness.virtual(stations: 1)
        try daemon.start()
        let c = try daemon.connect()
        #expect(c.request("function=login&agent_user=1000&station=st1&session_id=8600051")?.hasPrefix("SUCCESS") == true)
        #expect(c.request("function=recording&agent_user=1000&value=START")?.hasPrefix("SUCCESS") == true)
        let overruns = #"tapedeck_device_overruns_total{device="virt"}"#
        let lost = #"tapedeck_device_frames_lost_total{device="virt"}"#
        let captured = #"tapedeck_device_frames_captured_total{device="virt"}"#
        // A second of audio first, then the freeze.
        let deadline = Date().addingTimeInterval(60)
        while (metrics(c)[captured] ?? 0) < 8000 && Date() < deadline { usleep(20_000) }
        let before = metrics(c)
        #expect(before[overruns] == 0 && before[lost] == 0)
        daemon.process?.signal(SIGSTOP)
        usleep(3_000_000)   // the freeze under test: how long the daemon is not served
        daemon.process?.signal(SIGCONT)
        var after = metrics(c)
        while (after[overruns] ?? 0) == 0 && Date() < deadline {
            usleep(20_000)
            after = metrics(c)
        }
        #expect(after[overruns] ?? 0 >= 1)
        // About the 3 s frozen: what the 160 ms buffer held is lost with the rest, as on a card.
        let lostFrames = after[lost] ?? 0
        #expect(lostFrames >= 2.9 * 8000 && lostFrames <= 3.6 * 8000, "\(lostFrames)")
        // Half a second of audio after the freeze, so the loss sits inside the file.
        let resumed = after[captured] ?? 0
        while (metrics(c)[captured] ?? 0) < resumed + 4000 && Date() < deadline { usleep(20_000) }
        let stop = c.request(#"{"function":"recording","agent_user":"1000","value":"STOP"}"#) ?? ""
        let reply = try JSONSerialization.jsonObject(with: Data(stop.utf8)) as? [String: Any] ?? [:]
        let row = ((reply["data"] as? [String: Any])?["recordings"] as? [[String: Any]])?.first ?? [:]
        let wav = try WAVContents(path: row["file_path"] as? String ?? "")
        // The longest silent run in the mono mix is the loss (the tones' own pauses last
        // 0.2 s; one may adjoin it on either side).
        var longest = 0, run = 0
        for s in wav.samples {
            run = s == 0 ? run + 1 : 0
            longest = max(longest, run)
        }
        #expect(Double(longest) >= lostFrames - 160 && Double(longest) <= lostFrames + 2 * 0.2 * 8000 + 160,
                "silence \(longest), lost \(lostFrames)")
        daemon.stop()
    }
}

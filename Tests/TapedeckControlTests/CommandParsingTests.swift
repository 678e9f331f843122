import Testing
@testable import TapedeckControl

@Suite struct CommandParsingTests {
    func rec(_ action: RecordingAction) -> Command {
        .recording(RecordingCommand(function: .recording, agentUser: "1000", action: action))
    }

    func stereo(_ action: RecordingAction) -> Command {
        .recording(RecordingCommand(function: .stereoRecording, agentUser: "1000", action: action))
    }

    @Test func loginWithDefaults() {
        #expect(Fixture.command("function=login&agent_user=1000&station=st1&session_id=8600051&user=api&pass=secret&source=test")
                == .login(Login(agentUser: "1000", station: "st1", sessionID: "8600051")))
    }

    @Test func loginWithAllParameters() {
        #expect(Fixture.command("function=login&agent_user=agent.one@x&station=st-2&session_id=8600052&agent_server=fe80::1&agent_status=READY")
                == .login(Login(agentUser: "agent.one@x", station: "st-2", sessionID: "8600052",
                                agentServer: "fe80::1", agentStatus: "READY")))
    }

    @Test func loginEmptyOptionalIsDefault() {
        #expect(Fixture.command("function=login&agent_user=1000&station=st1&session_id=1&agent_server=&agent_status=")
                == .login(Login(agentUser: "1000", station: "st1", sessionID: "1")))
    }

    @Test func loginErrors() {
        #expect(Fixture.text(.failure(Fixture.failure("function=login&agent_user=1000&station=st1")!.failure))
                == "ERROR: login not valid - session_id is missing|1000\n")
        #expect(Fixture.text(.failure(Fixture.failure("function=login&agent_user=1000&station=st1&session_id=86x")!.failure))
                == "ERROR: login not valid - session_id must be 1 to 20 digits|1000\n")
        #expect(Fixture.text(.failure(Fixture.failure("function=login&agent_user=1000&station=../x&session_id=1")!.failure))
                == "ERROR: login not valid - station must be 1 to 32 characters of A-Z a-z 0-9 _ - ., starting with a letter or digit|1000\n")
        #expect(Fixture.json(.failure(Fixture.failure("function=login&agent_user=1000&station=st1&session_id=1&agent_server=a_b")!.failure))
                == #"{"error":{"code":"invalid_request","message":"agent_server must be an IPv4 address, an IPv6 address or a hostname"}}"# + "\n")
        #expect(Fixture.failure("function=login&agent_user=1000&station=st1&session_id=1&agent_status=paused")?.failure.code
                == .invalidRequest)
        #expect(Fixture.text(.failure(Fixture.failure("function=login&station=st1&session_id=1")!.failure))
                == "ERROR: login not valid - agent_user is missing|\n")
    }

    @Test func logoutAndSubscribe() {
        #expect(Fixture.command("function=logout&agent_user=1000") == .logout(agentUser: "1000"))
        #expect(Fixture.command("function=subscribe") == .subscribe)
        #expect(Fixture.command(#"{"function":"subscribe"}"#) == .subscribe)
    }

    @Test func agentStatus() {
        #expect(Fixture.command("function=agent_status&agent_user=1000&value=INCALL")
                == .agentStatus(agentUser: "1000", status: "INCALL"))
        #expect(Fixture.command("function=agent_status&agent_user=1000&value=ABCDEFGHIJKLMNOPQRST")
                == .agentStatus(agentUser: "1000", status: "ABCDEFGHIJKLMNOPQRST"))
        let tooLong = Fixture.failure("function=agent_status&agent_user=1000&value=ABCDEFGHIJKLMNOPQRSTU")!
        #expect(tooLong.failure.code == .invalidAction)
        #expect(Fixture.text(.failure(tooLong.failure))
                == "ERROR: agent_status not valid - ABCDEFGHIJKLMNOPQRSTU|1000\n")
        #expect(Fixture.failure("function=agent_status&agent_user=1000&value=ready")?.failure.code == .invalidAction)
        #expect(Fixture.failure("function=agent_status&agent_user=1000")?.failure.code == .invalidAction)
    }

    @Test func recordingValues() {
        #expect(Fixture.command("function=recording&agent_user=1000&value=START") == rec(.start(StartOptions())))
        #expect(Fixture.command("function=recording&agent_user=1000&value=STOP&stage=X") == rec(.stop))
        #expect(Fixture.command("function=recording&agent_user=1000&value=STATUS") == rec(.status))
        #expect(Fixture.command("function=stereo_recording&agent_user=1000&value=BEGIN&stage=_MIDCALL")
                == stereo(.start(StartOptions(stage: Stage(sanitizing: "_MIDCALL")))))
        #expect(Fixture.command("function=stereo_recording&agent_user=1000&value=END") == stereo(.stop))
        #expect(Fixture.command("function=stereo_recording&agent_user=1000&value=STATUS") == stereo(.status))
    }

    @Test func recordingStageIsSanitisedFromQuery() {
        #expect(Fixture.command("function=recording&agent_user=1000&value=START&stage=_MID+CALL%21%21%2F..xyzABCDEFGHIJ")
                == rec(.start(StartOptions(stage: Stage(sanitizing: "_MID CALL!!/..xyzABCDEFGHIJ")))))
    }

    @Test func wrongWordsForFunction() {
        let f = Fixture.failure("function=recording&agent_user=1000&value=BEGIN")!
        #expect(f.failure == .invalidValue(function: .recording, value: "BEGIN", agentUser: "1000"))
        #expect(Fixture.text(.failure(f.failure)) == "ERROR: recording not valid - BEGIN|1000\n")
        #expect(Fixture.json(.failure(f.failure))
                == #"{"error":{"code":"invalid_action","message":"recording value not valid: BEGIN"}}"# + "\n")
        let s = Fixture.failure("function=stereo_recording&agent_user=1000&value=START")!
        #expect(Fixture.text(.failure(s.failure)) == "ERROR: stereo_recording not valid - START|1000\n")
        #expect(Fixture.failure("function=recording&agent_user=1000&value=start")?.failure.code == .invalidAction)
        #expect(Fixture.text(.failure(Fixture.failure("function=recording&agent_user=1000")!.failure))
                == "ERROR: recording not valid - |1000\n")
    }

    @Test func missingAgentUser() {
        let f = Fixture.failure("function=recording&value=START")!
        #expect(f.failure.code == .invalidRequest)
        #expect(Fixture.text(.failure(f.failure)) == "ERROR: recording not valid - START|\n")
        #expect(Fixture.json(.failure(f.failure))
                == #"{"error":{"code":"invalid_request","message":"agent_user is missing"}}"# + "\n")
        let g = Fixture.failure("function=stereo_recording&agent_user=&value=BEGIN")!
        #expect(Fixture.text(.failure(g.failure)) == "ERROR: stereo_recording not valid - BEGIN|\n")
    }

    @Test func malformedAgentUserIsEchoedCleaned() {
        let f = Fixture.failure("function=recording&agent_user=10%7C0%0A&value=START%0D")!
        #expect(f.failure.code == .invalidRequest)
        #expect(Fixture.text(.failure(f.failure)) == "ERROR: recording not valid - START?|10?0?\n")
        #expect(Fixture.failure("function=logout&agent_user=123456789012345678901")?.failure.code == .invalidRequest)
        #expect(Fixture.command("function=logout&agent_user=12345678901234567890") == .logout(agentUser: "12345678901234567890"))
    }

    @Test func functionErrors() {
        #expect(Fixture.failure("function=dial&agent_user=1000")?.failure == .unknownFunction("dial"))
        #expect(Fixture.text(.failure(.unknownFunction("dial"))) == "ERROR: function not valid - dial\n")
        #expect(Fixture.json(.failure(.unknownFunction("dial")))
                == #"{"error":{"code":"unknown_function","message":"unknown function: dial"}}"# + "\n")
        #expect(Fixture.failure("agent_user=1000")?.failure == .missingFunction)
        #expect(Fixture.failure("")?.failure == .missingFunction)
        #expect(Fixture.failure("   ")?.failure == .missingFunction)
        #expect(Fixture.text(.failure(.missingFunction)) == "ERROR: NO FUNCTION SPECIFIED\n")
        #expect(Fixture.json(.failure(.missingFunction))
                == #"{"error":{"code":"invalid_request","message":"function is missing"}}"# + "\n")
        #expect(Fixture.failure("FUNCTION=login")?.failure == .missingFunction)
    }

    @Test func blanksAroundTheLineAreTrimmed() {
        #expect(Fixture.command(" \tfunction=logout&agent_user=1000\t ") == .logout(agentUser: "1000"))
    }

    // Issue 4.
    @Test func startOptions() {
        let c = Fixture.command("function=recording&agent_user=1000&value=START&format=mp3&bitrate=64&timeout=3600&end_on_silence=5&end_on_key=%23&preroll=2.5&min_duration=3&legs=split")
        #expect(c == rec(.start(StartOptions(format: .mp3, bitrate: 64, timeout: 3600, endOnSilence: 5, endOnKey: "#",
                                             prerollMilliseconds: 2500, minDurationMilliseconds: 3000, splitLegs: true))))
    }

    @Test(arguments: ["timeout=2", "timeout=7201", "timeout=-5", "timeout=1e3", "end_on_silence=11", "end_on_key=A",
                      "end_on_key=12", "format=ogg", "bitrate=100", "preroll=-1", "preroll=1.2345", "legs=both",
                      "min_duration=7200.001"])
    func badStartOptions(_ option: String) {
        let f = Fixture.failure("function=recording&agent_user=1000&value=START&" + option)
        #expect(f?.failure.code == .invalidRequest)
    }

    /// Every MP3 bitrate of some rate passes the parser (144 is MPEG-2's: 16–24 kHz); the
    /// daemon then checks it against the station's rate.
    @Test func everyMP3BitrateParses() {
        #expect(MP3Bitrates.any == [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320])
        for n in MP3Bitrates.any {
            #expect(Fixture.command("function=recording&agent_user=1000&value=START&format=mp3&bitrate=\(n)")
                    == rec(.start(StartOptions(format: .mp3, bitrate: n))), "\(n)")
        }
    }

    @Test func bitrateOfNoRateIsRefusedWithTheList() {
        let f = Fixture.failure("function=stereo_recording&agent_user=1000&value=BEGIN&bitrate=100")!
        #expect(Fixture.text(.failure(f.failure))
                == "ERROR: stereo_recording not valid - bitrate must be one of 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320|1000\n")
    }

    @Test func mp3BitratesByRate() {
        for rate in [8000, 11025, 12000] { #expect(MP3Bitrates.at(sampleRate: rate) == [8, 16, 24, 32, 40, 48, 56, 64]) }
        for rate in [16000, 22050, 24000] {
            #expect(MP3Bitrates.at(sampleRate: rate) == [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160])
        }
        for rate in [32000, 44100, 48000] {
            #expect(MP3Bitrates.at(sampleRate: rate) == [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320])
        }
    }

    @Test func badOptionText() {
        let f = Fixture.failure("function=recording&agent_user=1000&value=START&timeout=2")!
        #expect(Fixture.text(.failure(f.failure))
                == "ERROR: recording not valid - timeout must be a whole number from 3 to 7200|1000\n")
    }

    @Test func eventURLOption() {
        var options = StartOptions()
        options.eventURL = "https://api.example/cb/42?x=1"
        #expect(Fixture.command("function=recording&agent_user=1000&value=START&event_url=https%3A%2F%2Fapi.example%2Fcb%2F42%3Fx%3D1")
                == rec(.start(options)))
        for bad in ["ftp%3A%2F%2Fx%2F", "http%3A%2F%2F", "http%3A%2F%2F%2Fpath", "https%3A%2F%2Fa%20b", "x"] {
            let f = Fixture.failure("function=recording&agent_user=1000&value=START&event_url=" + bad)
            #expect(f.map { Fixture.text(.failure($0.failure)) }
                    == "ERROR: recording not valid - event_url must be an http:// or https:// URL with a host (printable ASCII, at most 2048 bytes)|1000\n")
        }
    }

    @Test func pauseResumeMask() {
        #expect(Fixture.command("function=recording&agent_user=1000&value=PAUSE") == rec(.pause(.silence)))
        #expect(Fixture.command("function=recording&agent_user=1000&value=PAUSE&pause_behavior=skip") == rec(.pause(.skip)))
        #expect(Fixture.command("function=stereo_recording&agent_user=1000&value=RESUME") == stereo(.resume))
        #expect(Fixture.command("function=recording&agent_user=1000&value=MASK") == rec(.mask))
        #expect(Fixture.command("function=recording&agent_user=1000&value=UNMASK") == rec(.unmask))
        #expect(Fixture.failure("function=recording&agent_user=1000&value=PAUSE&pause_behavior=drop")?.failure.code == .invalidRequest)
    }

    @Test func callStartAndEnd() {
        let c = Fixture.command("function=call_start&agent_user=1000&call_id=M1121101010000012345&lead_id=123&phone_number=%2B4930123&campaign=TESTCAMP&ingroup=SALES_IN&vendor_lead_code=V+1&campaign_recording=ALLFORCE&recording_delay=4&campaign_stereo=ALLCALLS")
        #expect(c == .callStart(CallStart(agentUser: "1000", callID: "M1121101010000012345", leadID: "123",
                                          phoneNumber: "+4930123", campaign: "TESTCAMP", ingroup: "SALES_IN",
                                          vendorLeadCode: "V 1", campaignRecording: .allForce, recordingDelay: 4,
                                          campaignStereo: .allCalls)))
        #expect(Fixture.command("function=call_start&agent_user=1000") == .callStart(CallStart(agentUser: "1000")))
        #expect(Fixture.failure("function=call_start&agent_user=1000&campaign_recording=SOMETIMES")?.failure.code == .invalidRequest)
        #expect(Fixture.command("function=call_end&agent_user=1000") == .callEnd(agentUser: "1000"))
        #expect(Fixture.command("function=call_status&call_id=1764638400.7") == .callStatus(callID: "1764638400.7"))
        #expect(Fixture.command(#"{"function":"call_status","call_id":"M1"}"#) == .callStatus(callID: "M1"))
        #expect(Fixture.text(.failure(Fixture.failure("function=call_status")!.failure))
                == "ERROR: call_status not valid - call_id is missing|\n")
        #expect(Fixture.failure("function=call_status&call_id=a/b")?.failure.code == .invalidRequest)
    }

    @Test func lookup() {
        #expect(Fixture.command("function=recording_lookup&lead_id=123&date=2026-11-21")
                == .recordingLookup(RecordingLookup(leadID: "123", date: "2026-11-21")))
        #expect(Fixture.failure("function=recording_lookup&date=2026-02-29")?.failure.code == .invalidRequest)
        #expect(Fixture.command("function=recording_lookup&date=2028-02-29") != nil)
        #expect(Fixture.failure("function=recording_lookup")?.failure.code == .invalidRequest)
    }
}

@Suite struct FieldRulesTests {
    @Test(arguments: ["10.0.0.5", "255.255.255.255", "::1", "fe80::1", "2001:db8::8:800:200c:417a",
                      "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8", "web-1.example.com", "localhost"])
    func validServers(_ s: String) { #expect(FieldRules.agentServer(s) == nil) }

    @Test(arguments: ["256.1.1.1", "1.2.3", "01.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "-a.com",
                      "a..b", "a_b.com", "1.2.3.4.5", "", "[::1]", "gggg::1"])
    func invalidServers(_ s: String) { #expect(FieldRules.agentServer(s) != nil) }
}

@Suite struct MoreParsingTests {
    @Test func emptyStageIsNoStage() {
        #expect(Fixture.command("function=recording&agent_user=1000&value=START&stage=")
                == .recording(RecordingCommand(function: .recording, agentUser: "1000", action: .start(StartOptions()))))
    }

    @Test func crossWordsAreInvalid() {
        #expect(Fixture.failure("function=recording&agent_user=1000&value=END")?.failure.code == .invalidAction)
        #expect(Fixture.failure("function=stereo_recording&agent_user=1000&value=STOP")?.failure.code == .invalidAction)
    }

    @Test func jsonFormErrorsStayJSON() {
        let f = Fixture.failure(#"{"function":"recording","value":"START"}"#)!
        #expect(f.rendered(timeZone: Fixture.zone)
                == #"{"error":{"code":"invalid_request","message":"agent_user is missing"}}"# + "\n")
        #expect(Fixture.failure("{}")?.failure == .missingFunction)
        #expect(Fixture.failure("{}")?.form == .json)
    }

    @Test func valueCheckedBeforeLoginState() {
        // A bad value is reported at parse time, whatever the agent's state.
        #expect(Fixture.failure("function=recording&agent_user=9999&value=PLAY")?.failure
                == .invalidValue(function: .recording, value: "PLAY", agentUser: "9999"))
    }
}

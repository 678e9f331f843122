import Testing
import TapedeckConfig

/// Every error line, byte for byte: the file, the key and what is wrong.
@Suite struct ErrorLineTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let text: String
        let line: String
        var testDescription: String { line }
        init(_ text: String, _ line: String) { self.text = text; self.line = line }
    }

    static let topLevel: [Case] = [
        Case(toml(top: ""), "\(etc): server_ip: missing"),
        Case(toml(top: "server_ip = 10"), "\(etc): server_ip: must be a string, not an integer"),
        Case(toml(top: "server_ip = \"box1\""), "\(etc): server_ip: \"box1\" is not an IPv4 or IPv6 address"),
        Case(toml(top: "server_ip = \"10.0.0.256\""), "\(etc): server_ip: \"10.0.0.256\" is not an IPv4 or IPv6 address"),
        Case(toml(top: "server_ip = \"010.0.0.5\""), "\(etc): server_ip: \"010.0.0.5\" is not an IPv4 or IPv6 address"),
        Case(toml(top: "server_ip = \"fe80::1%eth0\""), "\(etc): server_ip: \"fe80::1%eth0\" is not an IPv4 or IPv6 address"),
        Case(toml(top: "sever_ip = \"10.0.0.5\""), "\(etc): unknown key \"sever_ip\" (did you mean \"server_ip\"?)"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ncolour = \"red\""), "\(etc): unknown key \"colour\""),
        Case(toml(top: "server_ip = \"10.0.0.5\"\nspool = \"spool\""), "\(etc): spool: \"spool\" is not an absolute path"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\nspool = \"\""), "\(etc): spool: must not be empty"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\nspool = \"/var/spool/a\\tb\""), "\(etc): spool: \"/var/spool/a\\tb\" contains a control character"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\nspool = [\"/a\"]"), "\(etc): spool: must be a string, not an array"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ndatabase = \"recordings.sqlite\""), "\(etc): database: \"recordings.sqlite\" is not an absolute path"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ndatabase = \"/var/lib/tapedeck/\""), "\(etc): database: \"/var/lib/tapedeck/\" names a folder, not a file"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ndatabase = 1979-05-27"), "\(etc): database: must be a string, not a date"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\nspool_mode = 750"), "\(etc): spool_mode: must be a string of octal digits like \"0750\", not an integer"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\nspool_mode = \"0790\""), "\(etc): spool_mode: \"0790\" is not an octal mode like \"0750\""),
        Case(toml(top: "server_ip = \"10.0.0.5\"\nspool_mode = \"1750\""), "\(etc): spool_mode: \"1750\" is above 0777"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\nspool_mode = \"0650\""),
             "\(etc): spool_mode: \"0650\" does not let the owner (the daemon) read, write and enter the folder: it needs 0700"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ndatabase_mode = \"0440\""),
             "\(etc): database_mode: \"0440\" does not let the owner (the daemon) read and write the file: it needs 0600"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ndatabase_mode = \"0750\""),
             "\(etc): database_mode: \"0750\" has execute bits (0111): these files are not programs"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ndatabase_mode = \"rw-r-----\""), "\(etc): database_mode: \"rw-r-----\" is not an octal mode like \"0640\""),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ncontrol = 1"), "\(etc): control: must be a table ([control]), not an integer"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\nrecording = \"mp3\""), "\(etc): recording: must be a table ([recording]), not a string"),
    ]

    static let control: [Case] = [
        Case(toml(control: "sokcet = \"/run/t.sock\""), "\(etc): unknown key \"control.sokcet\" (did you mean \"control.socket\"?)"),
        Case(toml(control: "socket = \"t.sock\""), "\(etc): control.socket: \"t.sock\" is not an absolute path"),
        Case(toml(control: "socket = \"/run/" + String(repeating: "s", count: 103) + "\""),
             "\(etc): control.socket: \"/run/\(String(repeating: "s", count: 103))\" is longer than 107 bytes"),
        Case(toml(control: "max_connections = 0"), "\(etc): control.max_connections: 0 is outside 1–16384"),
        Case(toml(control: "max_connections = 16385"), "\(etc): control.max_connections: 16385 is outside 1–16384"),
        Case(toml(control: "idle_timeout_seconds = 0"), "\(etc): control.idle_timeout_seconds: 0 is outside 1–86400"),
        Case(toml(control: "send_timeout_seconds = 3601"), "\(etc): control.send_timeout_seconds: 3601 is outside 1–3600"),
        Case(toml(control: "mode = 660"), "\(etc): control.mode: must be a string of octal digits like \"0660\", not an integer"),
        Case(toml(control: "mode = \"0668\""), "\(etc): control.mode: \"0668\" is not an octal mode like \"0660\""),
        Case(toml(control: "mode = \"rw-rw----\""), "\(etc): control.mode: \"rw-rw----\" is not an octal mode like \"0660\""),
        Case(toml(control: "mode = \"\""), "\(etc): control.mode: \"\" is not an octal mode like \"0660\""),
        Case(toml(control: "mode = \"4770\""), "\(etc): control.mode: \"4770\" is above 0777"),
        Case(toml(control: "group = \"\""), "\(etc): control.group: \"\" is not a group name: use 1 to 32 characters of A-Z a-z 0-9 _ - ., or a numeric gid"),
        Case(toml(control: "group = \"call centre\""), "\(etc): control.group: \"call centre\" is not a group name: use 1 to 32 characters of A-Z a-z 0-9 _ - ., or a numeric gid"),
        Case(toml(control: "group = 33"), "\(etc): control.group: must be a string, not an integer"),
    ]

    static let recording: [Case] = [
        Case(toml(recording: "fromat = \"mp3\""), "\(etc): unknown key \"recording.fromat\" (did you mean \"recording.format\"?)"),
        Case(toml(recording: "format = \"ogg\""), "\(etc): recording.format: \"ogg\" is not wav or mp3"),
        Case(toml(recording: "file_mode = 640"), "\(etc): recording.file_mode: must be a string of octal digits like \"0640\", not an integer"),
        Case(toml(recording: "file_mode = \"0648\""), "\(etc): recording.file_mode: \"0648\" is not an octal mode like \"0640\""),
        Case(toml(recording: "file_mode = \"00640\""), "\(etc): recording.file_mode: \"00640\" is not an octal mode like \"0640\""),
        Case(toml(recording: "file_mode = \"0400\""),
             "\(etc): recording.file_mode: \"0400\" does not let the owner (the daemon) read and write the file: it needs 0600"),
        Case(toml(recording: "file_mode = \"0641\""), "\(etc): recording.file_mode: \"0641\" has execute bits (0111): these files are not programs"),
        Case(toml(recording: "file_mod = \"0640\""), "\(etc): unknown key \"recording.file_mod\" (did you mean \"recording.file_mode\"?)"),
        Case(toml(recording: "format = \"MP3\""), "\(etc): recording.format: \"MP3\" is not wav or mp3"),
        Case(toml(recording: "api_campaign_policy = \"vicidial\""), "\(etc): recording.api_campaign_policy: \"vicidial\" is not enforce or ignore"),
        Case(toml(recording: "api_campaign_policy = false"), "\(etc): recording.api_campaign_policy: must be a string, not a boolean"),
        Case(toml(recording: "mono_bitrate = 17"),
             "\(etc): recording.mono_bitrate: 17 is not an MP3 bitrate (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320)"),
        Case(toml(recording: "stereo_bitrate = \"32\""), "\(etc): recording.stereo_bitrate: must be an integer, not a string"),
        Case(toml(recording: "mono_bitrate = 16.0"), "\(etc): recording.mono_bitrate: must be an integer, not a float"),
        Case(toml(recording: "stereo_bitrate = 192"),
             "\(etc): recording.stereo_bitrate: 192 is not an MP3 bitrate at 8000 Hz (device \"card1\"; MPEG-2.5 Layer III as LAME encodes it takes 8, 16, 24, 32, 40, 48, 56, 64)"),
        // MPEG-2.5 allows 80–160 too, but LAME writes them as 64: refused, never changed.
        Case(toml(recording: "mono_bitrate = 80"),
             "\(etc): recording.mono_bitrate: 80 is not an MP3 bitrate at 8000 Hz (device \"card1\"; MPEG-2.5 Layer III as LAME encodes it takes 8, 16, 24, 32, 40, 48, 56, 64)"),
        Case(toml(recording: "stereo_bitrate = 160", devices: [device("card1", "channels = 8\nrate = 11025")]),
             "\(etc): recording.stereo_bitrate: 160 is not an MP3 bitrate at 11025 Hz (device \"card1\"; MPEG-2.5 Layer III as LAME encodes it takes 8, 16, 24, 32, 40, 48, 56, 64)"),
        Case(toml(recording: "mono_bitrate = 32\nstereo_bitrate = 144",
                  devices: [device("card1", "channels = 8\nrate = 16000"), device("card2", "rate = 12000")],
                  stations: [station("st1", 0, 1), station("st2", "card2", 0, 1)]),
             "\(etc): recording.stereo_bitrate: 144 is not an MP3 bitrate at 12000 Hz (device \"card2\"; MPEG-2.5 Layer III as LAME encodes it takes 8, 16, 24, 32, 40, 48, 56, 64)"),
        Case(toml(devices: [device("card1", "channels = 8\nrate = 48000")]),
             "\(etc): recording.mono_bitrate: the default 16 is not an MP3 bitrate at 48000 Hz (device \"card1\"; MPEG-1 Layer III takes 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320); set recording.mono_bitrate"),
        Case(toml(recording: "mono_bitrate = 144", devices: [device("card1", "channels = 8\nrate = 32000")]),
             "\(etc): recording.mono_bitrate: 144 is not an MP3 bitrate at 32000 Hz (device \"card1\"; MPEG-1 Layer III takes 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)"),
        Case(toml(recording: "mono_bitrate = 32\nstereo_bitrate = 24",
                  devices: [device("card1", "channels = 8\nrate = 16000"), device("card2", "rate = 44100")],
                  stations: [station("st1", 0, 1), station("st2", "card2", 0, 1)]),
             "\(etc): recording.stereo_bitrate: 24 is not an MP3 bitrate at 44100 Hz (device \"card2\"; MPEG-1 Layer III takes 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)"),
        Case(toml(recording: "stereo_bitrate = 320", devices: [device("card1", "channels = 8\nrate = 22050")]),
             "\(etc): recording.stereo_bitrate: 320 is not an MP3 bitrate at 22050 Hz (device \"card1\"; MPEG-2 Layer III takes 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)"),
        Case(toml(recording: "template = \"\""), "\(etc): recording.template: must not be empty"),
        Case(toml(recording: "template = \"FULLDATE/AGENT\""),
             "\(etc): recording.template: \"FULLDATE/AGENT\" contains \"/\": templates use only A-Z a-z 0-9 _ - ."),
        Case(toml(recording: "stereo_template = \"S FULLDATE\""),
             "\(etc): recording.stereo_template: \"S FULLDATE\" contains \" \": templates use only A-Z a-z 0-9 _ - ."),
        Case(toml(recording: "template = \"FULLDATE_é\""),
             "\(etc): recording.template: \"FULLDATE_é\" contains \"é\": templates use only A-Z a-z 0-9 _ - ."),
        Case(toml(recording: "template = \"" + String(repeating: "A", count: 91) + "\""),
             "\(etc): recording.template: \"\(String(repeating: "A", count: 91))\" is longer than 90 characters"),
        Case(toml(recording: "history_seconds = 4"), "\(etc): recording.history_seconds: 4 is outside 5–300"),
        Case(toml(recording: "history_seconds = 301"), "\(etc): recording.history_seconds: 301 is outside 5–300"),
        Case(toml(recording: "limit_minutes = 0"), "\(etc): recording.limit_minutes: 0 is outside 1–1440"),
        Case(toml(recording: "limit_minutes = -5"), "\(etc): recording.limit_minutes: -5 is outside 1–1440"),
        Case(toml(recording: "limit_minutes = 1441"), "\(etc): recording.limit_minutes: 1441 is outside 1–1440"),
        Case(toml(recording: "max_recordings_per_agent = 0"), "\(etc): recording.max_recordings_per_agent: 0 is outside 1–64"),
        Case(toml(recording: "max_recordings_per_agent = 65"), "\(etc): recording.max_recordings_per_agent: 65 is outside 1–64"),
        Case(toml(recording: "max_recordings = 0"), "\(etc): recording.max_recordings: 0 is outside 1–4096"),
        Case(toml(recording: "max_recordings = 4097"), "\(etc): recording.max_recordings: 4097 is outside 1–4096"),
        Case(toml(recording: "max_recordings = \"8\""), "\(etc): recording.max_recordings: must be an integer, not a string"),
        Case(toml(recording: "silence_threshold_dbfs = -95"), "\(etc): recording.silence_threshold_dbfs: -95 is outside -90–-10"),
        Case(toml(recording: "silence_threshold_dbfs = -5.5"), "\(etc): recording.silence_threshold_dbfs: -5.5 is outside -90–-10"),
        Case(toml(recording: "silence_threshold_dbfs = nan"), "\(etc): recording.silence_threshold_dbfs: nan is outside -90–-10"),
        Case(toml(recording: "silence_threshold_dbfs = \"-45\""), "\(etc): recording.silence_threshold_dbfs: must be a number, not a string"),
    ]

    static let devices: [Case] = [
        Case(toml(devices: [], stations: [station("st1", 0, 1)]),
             "\(etc): station[1].device: no device named \"card1\" (no [[device]] is declared)"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\n[device]\nname = \"card1\"", devices: []),
             "\(etc): device: must be an array of tables: write [[device]], not [device]"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ndevice = \"card1\"", devices: []),
             "\(etc): device: must be an array of tables ([[device]]), not a string"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\ndevice = [1]", devices: []),
             "\(etc): device[1]: must be a table, not an integer"),
        Case(toml(devices: [device("card1", "channels = 8\nchanels = 8")]),
             "\(etc): unknown key \"device[1].chanels\" (did you mean \"device[1].channels\"?)"),
        Case(toml(devices: [device("card1", "channels = 8\nperiod = 20")]),
             "\(etc): unknown key \"device[1].period\" (did you mean \"device[1].period_ms\"?)"),
        Case(toml(devices: ["pcm = \"hw:1,0\""]), "\(etc): device[1].name: missing"),
        Case(toml(devices: ["name = \"card1\""]), "\(etc): device[1].pcm: missing"),
        Case(toml(devices: [device("-card", "channels = 8")]),
             "\(etc): device[1].name: \"-card\" is not a name: use 1 to 32 characters of A-Z a-z 0-9 _ - ., starting with a letter or digit"),
        Case(toml(devices: [device("card1", pcm: "", "channels = 8")]), "\(etc): device[1].pcm: must not be empty"),
        Case(toml(devices: [device("card1", "channels = 8"), device("card1")]),
             "\(etc): device[2].name: \"card1\" is already the name of device[1]"),
        Case(toml(devices: [device("card1", pcm: "hw:1,0", "channels = 8"), device("card2", pcm: "hw:1,0")]),
             "\(etc): device[2].pcm: \"hw:1,0\" is already the pcm of device \"card1\""),
        Case(toml(devices: [device("card1", "channels = 8"), device("card2", "rate = 96000")]),
             "\(etc): device[2].rate: 96000 is outside 8000–48000"),
        Case(toml(devices: [device("card1", "channels = 8\nrate = 7999")]), "\(etc): device[1].rate: 7999 is outside 8000–48000"),
        Case(toml(devices: [device("card1", "channels = 8\nrate = 40000")]),
             "\(etc): device[1].rate: 40000 is not an MPEG audio rate (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)"),
        Case(toml(devices: [device("card1", "channels = 8\nrate = 8000.0")]), "\(etc): device[1].rate: must be an integer, not a float"),
        Case(toml(devices: [device("card1", "channels = 0")]), "\(etc): device[1].channels: 0 is outside 1–64"),
        Case(toml(devices: [device("card1", "channels = 65")]), "\(etc): device[1].channels: 65 is outside 1–64"),
        Case(toml(devices: [device("card1", "channels = true")]), "\(etc): device[1].channels: must be an integer, not a boolean"),
        Case(toml(devices: [device("card1", "channels = 8\nperiod_ms = 4")]), "\(etc): device[1].period_ms: 4 is outside 5–100"),
        Case(toml(devices: [device("card1", "channels = 8\nperiod_ms = 101")]), "\(etc): device[1].period_ms: 101 is outside 5–100"),
        Case(toml(devices: [device("card1", "channels = 8"), device("card2")]),
             "\(etc): device[2]: \"card2\" has no station: remove it or add a [[station]] on it"),
    ]

    static let stations: [Case] = [
        Case(toml(stations: []), "\(etc): station: none declared; at least one [[station]] is required"),
        Case(toml(devices: [], stations: []), "\(etc): station: none declared; at least one [[station]] is required"),
        Case(toml(top: "server_ip = \"10.0.0.5\"\n[station]\nname = \"st1\"", stations: []),
             "\(etc): station: must be an array of tables: write [[station]], not [station]"),
        Case(toml(stations: [station("st1", 0, 1) + "\nagnet_channel = 2"]),
             "\(etc): unknown key \"station[1].agnet_channel\" (did you mean \"station[1].agent_channel\"?)"),
        Case(toml(stations: [station("st1", 0, 1), station("st2", 2, 3) + "\nphone = 1"]),
             "\(etc): unknown key \"station[2].phone\""),
        Case(toml(stations: ["device = \"card1\"\nagent_channel = 0\ncustomer_channel = 1"]), "\(etc): station[1].name: missing"),
        Case(toml(stations: ["name = \"st1\"\nagent_channel = 0\ncustomer_channel = 1"]), "\(etc): station[1].device: missing"),
        Case(toml(stations: ["name = \"st1\"\ndevice = \"card1\"\ncustomer_channel = 1"]), "\(etc): station[1].agent_channel: missing"),
        Case(toml(stations: ["name = \"st1\"\ndevice = \"card1\"\nagent_channel = 0"]), "\(etc): station[1].customer_channel: missing"),
        Case(toml(stations: [station("st1", 0, 1), station("st 2", 2, 3)]),
             "\(etc): station[2].name: \"st 2\" is not a name: use 1 to 32 characters of A-Z a-z 0-9 _ - ., starting with a letter or digit"),
        Case(toml(stations: [station(String(repeating: "s", count: 33), 0, 1)]),
             "\(etc): station[1].name: \"\(String(repeating: "s", count: 33))\" is not a name: use 1 to 32 characters of A-Z a-z 0-9 _ - ., starting with a letter or digit"),
        Case(toml(stations: [station("_st1", 0, 1)]),
             "\(etc): station[1].name: \"_st1\" is not a name: use 1 to 32 characters of A-Z a-z 0-9 _ - ., starting with a letter or digit"),
        Case(toml(stations: [station("st1", 0, 1), station("st1", 2, 3)]),
             "\(etc): station[2].name: \"st1\" is already the name of station[1]"),
        Case(toml(stations: [station("st1", 0, 1), station("st2", "card9", 2, 3)]),
             "\(etc): station[2].device: no device named \"card9\" (devices: card1)"),
        Case(toml(stations: [station("st1", 0, 1), station("st2", 9, 3)]),
             "\(etc): station[2].agent_channel: 9 is outside device \"card1\" (8 channels, 0–7)"),
        Case(toml(stations: [station("st1", 0, 1), station("st2", 2, -1)]),
             "\(etc): station[2].customer_channel: -1 is outside device \"card1\" (8 channels, 0–7)"),
        Case(toml(devices: [device("mono1", "channels = 1")], stations: [station("st1", "mono1", 0, 1)]),
             "\(etc): station[1].customer_channel: 1 is outside device \"mono1\" (1 channel, only 0)"),
        Case(toml(stations: [station("st1", 0, 1), station("st2", 1, 2)]),
             "\(etc): station[2].agent_channel: channel 1 of device \"card1\" is already used by station \"st1\""),
        Case(toml(stations: [station("st1", 0, 1), station("st2", 2, 0)]),
             "\(etc): station[2].customer_channel: channel 0 of device \"card1\" is already used by station \"st1\""),
        Case(toml(stations: [station("st1", 3, 3), station("st2", 2, 3)]),
             "\(etc): station[2].customer_channel: channel 3 of device \"card1\" is already used by station \"st1\""),
        Case(toml(stations: [station("st1", 0, 1), station("st2", 2, 3) + "\nagent_channel = 4"]),
             "\(etc): line 16, column 17: TOML syntax error while parsing key-value pair: cannot redefine existing integer 'agent_channel'"),
    ]

    static let syntax: [Case] = [
        Case("server_ip = \n", "\(etc): line 1, column 13: TOML syntax error while parsing key-value pair: expected value, saw '\\n'"),
        Case("server_ip = \"10.0.0.5\"\n[control\n", "\(etc): line 2, column 9: TOML syntax error while parsing table header: expected ']', saw '\\n'"),
        Case("server_ip = \"10.0.0.5\"\n[control]\nmode = 0660\n", "\(etc): line 3, column 12: TOML syntax error while parsing decimal integer: leading zeroes are prohibited"),
        Case("server_ip = \"10.0.0.5\nspool = \"/x\"\n", "\(etc): line 1, column 22: TOML syntax error while parsing string: unescaped control characters other than TAB (U+0009) are explicitly prohibited"),
        // Table names that cannot start a key (toml++ would abort on them).
        Case("server_ip = \"10.0.0.5\"\n[!station]]\n", "\(etc): line 2, column 2: TOML syntax error while parsing table header: expected bare key starting character or string delimiter, saw '!'"),
        Case("server_ip = \"10.0.0.5\"\n  [[ #x]]\n", "\(etc): line 2, column 6: TOML syntax error while parsing table header: expected bare key starting character or string delimiter, saw '#'"),
        Case("[\nserver_ip = \"10.0.0.5\"\n", "\(etc): line 1, column 2: TOML syntax error while parsing table header: expected bare key starting character or string delimiter, saw '\\n'"),
        Case("# [!x]\nspool = '''\n[!x]'''\nx = [\n[\n1]]\n[\t.control]\n", "\(etc): line 7, column 3: TOML syntax error while parsing table header: expected bare key starting character or string delimiter, saw '.'"),
        Case("server_ip = \"10.0.0.5\"\n[[[station]]\n", "\(etc): line 2, column 3: TOML syntax error while parsing table header: expected bare key starting character or string delimiter, saw '['"),
        Case("[é]\n", "\(etc): line 1, column 2: TOML syntax error while parsing table header: expected bare key starting character or string delimiter, saw '\\u00E9'"),
        // A '}' where an array expects a value (toml++ would abort on it too).
        Case("server_ip = \"10.0.0.5\"\nx = [1, [2, }]]\n", "\(etc): line 2, column 13: TOML syntax error while parsing array: expected value or closing ']', saw '}'"),
        Case("x = [\n  # none\n  }\n", "\(etc): line 3, column 3: TOML syntax error while parsing array: expected value or closing ']', saw '}'"),
        // A date, a space and one digit (toml++ would abort on it as well).
        Case("server_ip = \"10.0.0.5\"\nx = 1979-05-27 0\n", "\(etc): line 2, column 17: TOML syntax error while parsing date-time: expected the hour's second digit, saw '\\n'"),
        Case("x = [0000-00-00 1]\n", "\(etc): line 1, column 18: TOML syntax error while parsing date-time: expected the hour's second digit, saw ']'"),
        Case("Zen = 2026-11-ve 5\n", "\(etc): line 1, column 19: TOML syntax error while parsing date-time: expected the hour's second digit, saw '\\n'"),
        Case("server_ip =1979-05-27T!7:32:00Z\n", "\(etc): line 1, column 23: TOML syntax error while parsing date-time: expected a time after 'T', saw '!'"),
        // An error before any of them is the one reported.
        Case("server_ip = \n[!x]\n", "\(etc): line 1, column 13: TOML syntax error while parsing key-value pair: expected value, saw '\\n'"),
        Case("server_ip = 1\nserver_ip = 2\nx = [}]\n", "\(etc): line 2, column 13: TOML syntax error while parsing key-value pair: cannot redefine existing integer 'server_ip'"),
    ]

    @Test(arguments: topLevel) func topLevelKeys(_ c: Case) { #expect(errorLine(c.text) == c.line) }
    @Test(arguments: control) func controlKeys(_ c: Case) { #expect(errorLine(c.text) == c.line) }
    @Test(arguments: recording) func recordingKeys(_ c: Case) { #expect(errorLine(c.text) == c.line) }
    @Test(arguments: devices) func deviceKeys(_ c: Case) { #expect(errorLine(c.text) == c.line) }
    @Test(arguments: stations) func stationKeys(_ c: Case) { #expect(errorLine(c.text) == c.line) }
    @Test(arguments: syntax) func syntaxErrors(_ c: Case) { #expect(errorLine(c.text) == c.line) }

    @Test func bracketsInCommentsStringsAndValuesAreNotMistaken() {
        let text = toml(top: "server_ip = \"10.0.0.5\" # [!x]\n# [\n\"[!\" = '''\n[!x]\n'''\nx = [\n  [\n1], [ \"#\" ],\n[ \"]\" ], {}, { a = [ 1, ] } ]\ny = { a = \"}\", b = [ \"[}\" ] }\nz = [ 1979-05-27 07:32:00, 1979-05-27 ] # 1979-05-27 0")
        #expect(errorLine(text) == "\(etc): unknown key \"[!\"")
    }

    @Test func theSourceNamesTheFile() {
        #expect(errorLine(toml(top: ""), source: "conf/test.toml") == "conf/test.toml: server_ip: missing")
    }

    @Test func unknownKeysComeBeforeMissingOnes() {
        // A misspelt key is reported as such, not as the key it was meant to be missing.
        #expect(errorLine(toml(top: "sever_ip = \"10.0.0.5\"")) == "\(etc): unknown key \"sever_ip\" (did you mean \"server_ip\"?)")
        // Structure before values: a station's unknown key before a device's bad rate.
        #expect(errorLine(toml(devices: [device("card1", "channels = 8\nrate = 1")],
                               stations: [station("st1", 0, 1) + "\nx = 1"])) == "\(etc): unknown key \"station[1].x\"")
    }

    @Test func keysWithOddCharactersAreQuotedSafely() {
        #expect(errorLine(toml(top: "server_ip = \"10.0.0.5\"\n\"a\\\"b\\u0001\" = 1"))
                == "\(etc): unknown key \"a\\\"b\\u0001\"")
    }

    @Test func everyErrorIsOneLine() {
        for c in Self.topLevel + Self.control + Self.recording + Self.devices + Self.stations + Self.syntax {
            #expect(!c.line.contains("\n"))
        }
    }

    @Test func errorFields() throws {
        let error = #expect(throws: ConfigError.self) {
            try TapedeckConfiguration.parse(text: toml(devices: [device("card1", "channels = 8"), device("card2", "rate = 96000")]),
                                            source: etc)
        }
        #expect(error == ConfigError(source: etc, key: "device[2].rate", problem: "96000 is outside 8000–48000"))
    }
}

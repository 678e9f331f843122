"""samples/php/agc/api.php behind nginx + php-fpm, on a real tapedeckd: VICIdial's requests,
VICIdial's replies, byte for byte, and the files the recordings made."""

import os
import re
import time

import pytest

from harness import read_wav, wait_for_audio

AUTH = {"source": "test", "user": "6666", "pass": "1234"}
TAIL = "10.0.0.5|8600051|PAUSED"


def api(web, prefix="", **params):
    """A request as VICIdial clients send it (http_build_query: + for spaces)."""
    return web.get(prefix + "/agc/api.php", {**AUTH, **params})


def body(reply):
    """The reply's one line; every reply is HTTP 200, text/html, one line ending in a newline."""
    assert reply.status == 200, reply.text
    assert reply.headers["Content-Type"].startswith("text/html"), reply.headers["Content-Type"]
    assert reply.text.endswith("\n") and reply.text.count("\n") == 1, repr(reply.text)
    return reply.text[:-1]


@pytest.fixture
def agent(client):
    client.login("1000", station="st1", session_id="8600051")
    yield "1000"
    try:
        client.logout("1000")
    except Exception:
        pass


def check_wav(recording):
    """The file of a completed recording: there, mono 8 kHz 16-bit, as long as the log says."""
    path = recording["file_path"]
    assert os.path.exists(path), path
    assert not os.path.exists(path + ".part")
    channels, rate, bits, samples = read_wav(path)
    assert (channels, rate, bits) == (1, 8000, 16)
    seconds = len(samples) / 8000
    assert seconds > 0.0 and max(abs(x) for x in samples) > 1000, "the virtual station's voices are in the file"
    assert abs(seconds - recording["duration_seconds"]) < 0.002, (seconds, recording["duration_seconds"])
    assert os.path.getsize(path) == recording["size_bytes"]


def test_version_is_in_vicidials_layout(web):
    before = int(time.time())
    line = body(web.get("/agc/api.php", {"source": "test", "function": "version"}))
    after = int(time.time())
    m = re.fullmatch(r"VERSION: 1\.0-tapedeck\|BUILD: \d{6}-\d{4}\|DATE: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\|EPOCH: (\d+)", line)
    assert m, line
    assert before <= int(m.group(2)) <= after
    assert m.group(1) == time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(int(m.group(2))))


def test_recording_start_status_stop_replies_and_files(web, client, agent):
    # Parameters in any order, the path sometimes reached as //agc/api.php.
    start = web.get("//agc/api.php", {"function": "recording", "value": "START", "agent_user": "1000",
                                      "stage": "_MIDCALL", **AUTH})
    assert body(start) == f"SUCCESS: recording function sent - 1000|START_MIDCALL||||{TAIL}"
    status = body(api(web, function="recording", agent_user="1000", value="STATUS"))
    active = client.recording_status("1000")["recordings"]
    assert len(active) == 1
    r = active[0]
    assert status == (f"NOTICE: recording active - 1000|{r['id']}|{r['filename']}|10.0.0.5|{r['start_time']}|{TAIL}")
    assert r["filename"].endswith("__1000_MIDCALL")
    # A second recording on the same session; STATUS names the newest.
    assert body(api(web, function="recording", agent_user="1000", value="START")) == \
        f"SUCCESS: recording function sent - 1000|START||||{TAIL}"
    newest = max(client.recording_status("1000")["recordings"], key=lambda x: x["id"])
    wait_for_audio(newest)
    assert body(api(web, function="recording", agent_user="1000", value="STATUS")).startswith(
        f"NOTICE: recording active - 1000|{newest['id']}|{newest['filename']}|")
    assert body(api(web, function="recording", agent_user="1000", value="STOP")) == \
        f"SUCCESS: recording function sent - 1000|STOP||||{TAIL}"
    stopped = client.lookup(agent_user="1000")
    assert {x["id"] for x in stopped} >= {r["id"], newest["id"]}
    for x in stopped:
        if x["id"] in (r["id"], newest["id"]):
            assert x["status"] == "completed" and x["cause"] == "stopped"
            check_wav(x)
    assert body(api(web, function="recording", agent_user="1000", value="STATUS")) == \
        f"NOTICE: not recording - 1000|||||{TAIL}"
    assert body(api(web, function="recording", agent_user="1000", value="STOP")) == \
        f"ERROR: stop recording error - 1000|||||{TAIL}"


def test_replies_equal_the_sockets(web, client, agent):
    """The front end adds nothing: each line is the daemon's own for the same request."""
    for value in ["STATUS", "PLAY", "STOP"]:
        direct = client.text({"function": "recording", "agent_user": "1000", "value": value})
        assert body(api(web, function="recording", agent_user="1000", value=value)) == direct


def test_not_logged_in_and_bad_values(web):
    assert body(api(web, function="recording", agent_user="1099", value="START")) == \
        "ERROR: agent_user is not logged in - 1099"
    assert body(api(web, function="recording", agent_user="1000", value="PLAY")) == \
        "ERROR: recording not valid - PLAY|1000"
    assert body(api(web, function="recording", agent_user="1000", value="")) == "ERROR: recording not valid - |1000"
    assert body(api(web, function="recording", value="START")) == "ERROR: recording not valid - START|"


def test_vicidials_parameter_cleaning(web, client, agent):
    # value matched by substring after cleaning; agent_user loses what VICIdial strips;
    # stage loses ' " \ ; and the daemon sanitises the rest.
    reply = api(web, function="recording", agent_user="10'0;0", value="START junk!", stage="_MID;CA\"LL 2")
    assert body(reply) == f"SUCCESS: recording function sent - 1000|START_MIDCALL_2||||{TAIL}"
    assert body(api(web, function="recording", agent_user="1000", value="xxSTOPxx")) == \
        f"SUCCESS: recording function sent - 1000|STOP||||{TAIL}"
    # Repeated keys: the last one wins, as in PHP.
    assert body(web.get("/agc/api.php", "source=test&user=6666&pass=1234&function=recording"
                                        "&agent_user=1000&value=START&value=STATUS")) == \
        f"NOTICE: not recording - 1000|||||{TAIL}"


def test_credentials(web):
    assert body(web.get("/agc/api.php", {"source": "test", "user": "6666", "pass": "wrong",
                                         "function": "recording", "agent_user": "1000", "value": "STATUS"})) == \
        "ERROR: Invalid Username/Password: |6666|wrong|0|1|BAD|"
    assert body(web.get("/agc/api.php", {"source": "test", "user": "6", "pass": "1234",
                                         "function": "recording", "agent_user": "1000", "value": "STATUS"})) == \
        "ERROR: Invalid Username/Password: |6|1234|0|0|BAD|"
    # The right password but no agent API access (VICIdial's vdc_agent_api_access = 0).
    assert body(web.get("/agc/api.php", {"source": "test", "user": "7777", "pass": "abcd",
                                         "function": "recording", "agent_user": "1000", "value": "STATUS"})) == \
        "ERROR: Invalid Username/Password: |7777|abcd|1|0|GOOD|"
    # API access, but recording is not among the user's allowed functions.
    assert body(web.get("/agc/api.php", {"source": "test", "user": "8888", "pass": "efgh",
                                         "function": "recording", "agent_user": "1000", "value": "STATUS"})) == \
        "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - STATUS|8888|recording|AGENTS"
    assert body(web.get("/agc/api.php", {"source": "t", "user": "6666", "pass": "1234",
                                         "function": "recording", "agent_user": "1000", "value": "STATUS"})) == \
        "ERROR: Invalid Source - t"


def test_logout(web, client):
    client.login("1001", station="st2", session_id="8600052")
    wait_for_audio(client.start_recording("1001"))
    assert body(api(web, function="logout", agent_user="1001", value="LOGOFF")) == \
        "ERROR: logout not valid - LOGOFF|1001"
    before = int(time.time())
    line = body(api(web, function="logout", agent_user="1001", value="LOGOUT"))
    after = int(time.time())
    m = re.fullmatch(r"SUCCESS: logout function set - LOGOUT\|(\d+)\|1001", line)
    assert m and before <= int(m.group(1)) <= after, line
    # The daemon logged the agent out and finalised its recording.
    assert client.text({"function": "recording", "agent_user": "1001", "value": "STATUS"}) == \
        "ERROR: agent_user is not logged in - 1001"
    [row] = client.lookup(agent_user="1001")
    assert row["status"] == "completed" and row["cause"] == "logout"
    check_wav(row)
    assert body(api(web, function="logout", agent_user="1001", value="LOGOUT")) == \
        "ERROR: agent_user is not logged in - 1001"


def test_functions_it_does_not_own(web, client, agent):
    # Without an upstream VICIdial: refused; agent_status never reaches the daemon.
    assert body(api(web, function="agent_status", agent_user="1000", value="READY")) == \
        "ERROR: function not valid - agent_status"
    assert client.recording_status("1000")["agent"]["agent_status"] == "PAUSED"
    assert body(api(web, function="external_pause", agent_user="1000", value="PAUSE")) == \
        "ERROR: function not valid - external_pause"
    assert body(web.get("/agc/api.php", AUTH)) == "ERROR: NO FUNCTION SPECIFIED"


def test_in_front_of_an_existing_vicidial(web, client, agent):
    query = "source=test&user=6666&pass=1234&agent_user=1000&function=external_pause&value=PAUSE"
    assert body(web.get("/fronted/agc/api.php", query)) == f"UPSTREAM VICIDIAL: /agc/api.php?{query}"
    query = "source=test&user=6666&pass=1234&agent_user=1000&function=agent_status&value=READY"
    assert body(web.get("/fronted/agc/api.php", query)) == f"UPSTREAM VICIDIAL: /agc/api.php?{query}"
    assert client.recording_status("1000")["agent"]["agent_status"] == "PAUSED"
    # recording stays with the daemon.
    assert body(api(web, "/fronted", function="recording", agent_user="1000", value="STATUS")) == \
        f"NOTICE: not recording - 1000|||||{TAIL}"


def test_no_daemon(web, folder):
    """tapedeckd not running: one ERROR line (HTTP 200, as every VICIdial reply), naming the socket."""
    socket = os.path.join(folder, "absent.sock")
    assert body(api(web, "/nodaemon", function="recording", agent_user="1000", value="STATUS")) == \
        f"ERROR: recording server not reachable - cannot connect to {socket}: No such file or directory"

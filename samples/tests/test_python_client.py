"""samples/python: the client library and its example, against real tapedeckd processes."""

import os
import queue
import re
import subprocess
import sys
import threading

import pytest

from harness import SAMPLES, Daemon, shared_dir, wait_for
from tapedeck_client import (AgentNotLoggedIn, CallNotFound, Client, ConnectionLost, InvalidAction,
                             RecordingNotStarted, StationInUse, TapedeckError, encode_query)

TAIL = "10.0.0.5|8600061|PAUSED"


def test_text_and_json_forms(client):
    assert client.text({"function": "login", "agent_user": "4000", "station": "st7", "session_id": "8600061"}) == \
        f"SUCCESS: login function sent - 4000|st7|8600061|10.0.0.5|PAUSED"
    try:
        assert client.text("function=recording&agent_user=4000&value=START&stage=_A+B") == \
            f"SUCCESS: recording function sent - 4000|START_A_B||||{TAIL}"
        rec = client.call({"function": "recording", "agent_user": "4000", "value": "STATUS"})["recordings"][0]
        assert rec["stage"] == "_A_B" and rec["status"] == "started"
        [done] = client.stop_recording("4000")
        assert done["id"] == rec["id"] and done["status"] == "completed"
        # recording_lookup's text form: every line up to the empty one.
        lines = client.text({"function": "recording_lookup", "recording_id": rec["id"]}).split("\n")
        assert lines == [f"{done['start_time']}|4000|{rec['id']}||{done['file_path']}"]
        assert client.text({"function": "recording_lookup", "recording_id": "999999"}) == \
            "ERROR: recording_lookup NO RECORDINGS FOUND - ||||999999"
        assert client.text("function=recording_lookup&recording_id=%d" % rec["id"]).split("\n") == lines
        assert client.text({"function": "metrics"}).split("\n")[0].startswith("# HELP tapedeck_")
    finally:
        client.logout("4000")


def test_typed_errors_carry_the_code(client):
    with pytest.raises(AgentNotLoggedIn) as e:
        client.stop_recording("4001")
    assert (e.value.code, isinstance(e.value, TapedeckError)) == ("agent_not_logged_in", True)
    client.login("4001", station="st8", session_id="8600062")
    try:
        with pytest.raises(RecordingNotStarted) as e:
            client.stop_recording("4001")
        assert e.value.code == "recording_not_started"
        with pytest.raises(InvalidAction):
            client.call({"function": "recording", "agent_user": "4001", "value": "PLAY"})
        with pytest.raises(StationInUse) as e:
            client.login("4002", station="st8", session_id="8600063")
        assert "st8" in e.value.message
        with pytest.raises(CallNotFound):
            client.call_status("nobody")
        client.call_start("4001", call_id="PY1")
        assert client.call_status("PY1")["agent"]["agent_user"] == "4001"
        with pytest.raises(TapedeckError) as e:
            client.call({"function": "dial"})
        assert e.value.code == "unknown_function" and type(e.value) is TapedeckError
    finally:
        client.logout("4001")


def test_encode_query_is_http_build_query():
    assert encode_query({"function": "recording", "stage": "a b&c", "x": None}) == "function=recording&stage=a+b%26c"


def test_events_and_reconnect_after_a_restart(processes, folder):
    """A daemon of its own, restarted under the client: requests and the event stream go on."""
    daemon = Daemon(processes, shared_dir("client-", folder), stations=2).start()
    received = queue.Queue()

    def follow():
        try:
            for event in Client(daemon.socket, reconnect_timeout=120).events(idle_timeout=120):
                received.put(event)
        except Exception as error:  # the test fails on what it does not get
            received.put({"event": "follower failed", "error": repr(error)})

    def subscribers(td):
        metrics = td.text({"function": "metrics"})
        return re.search(r"^tapedeck_event_subscribers (\d+)$", metrics, re.M).group(1) == "1"

    try:
        td = Client(daemon.socket, reconnect_timeout=60)
        strict = Client(daemon.socket, reconnect=False)
        strict.text({"function": "health"})
        threading.Thread(target=follow, daemon=True).start()
        wait_for(lambda: subscribers(td), "the event subscription")
        td.login("5000", station="st1", session_id="8600070")
        assert received.get(timeout=30)["event"] == "agent.login"
        td.start_recording("5000")
        started = received.get(timeout=30)
        assert (started["event"], started["recording"]["agent_user"]) == ("recording.started", "5000")
        assert daemon.stop() == 0
        completed = received.get(timeout=30)
        assert (completed["event"], completed["recording"]["cause"]) == ("recording.completed", "shutdown")
        daemon.start()
        # The same Client objects, without anything done to them.
        wait_for(lambda: subscribers(td), "the event stream to subscribe again", timeout=60)
        assert td.login("5000", station="st1", session_id="8600071")["session_id"] == "8600071"
        again = received.get(timeout=30)
        assert (again["event"], again["agent"]["session_id"]) == ("agent.login", "8600071")
        with pytest.raises(ConnectionLost):
            strict.text({"function": "health"})
    finally:
        daemon.stop()


def test_the_example_script(daemon):
    run = subprocess.run([sys.executable, os.path.join(SAMPLES, "python", "example.py"), "--socket", daemon.socket,
                          "--agent", "1500", "--station", "st6", "--session", "8600066", "--seconds", "1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert re.fullmatch(r"call \d+\.\d+ for agent 1500 at st6", lines[0]), lines
    path = re.fullmatch(r"recording \d+ started: (.*/spool/\d{8}-\d{6}_5551234_1500_EXAMPLE\.wav)", lines[1]).group(1)
    assert lines[2].startswith("NOTICE: recording active - 1500|") and lines[2].endswith("|10.0.0.5|8600066|PAUSED")
    m = re.fullmatch(r"recording \d+ completed: ([0-9.]+) s, (\d+) bytes", lines[3])
    assert m and float(m.group(1)) >= 1.0, lines
    assert os.path.getsize(path) == int(m.group(2))
    assert lines[4:] == ["after logout: agent_not_logged_in"]

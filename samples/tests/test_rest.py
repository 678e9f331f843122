"""samples/rest: POST /v1/calls/:id/recordings over nginx + php-fpm, on a real tapedeckd (and on
a scripted socket for the daemon's failures)."""

import json
import os

import pytest

from conftest import REST_KEY
from harness import read_wav, wait_for_audio

AUTH = {"Authorization": f"Bearer {REST_KEY}", "Content-Type": "application/json"}
RECORDING_KEYS = ["id", "call_id", "status", "storage_type", "file_url", "duration_seconds", "size_bytes",
                  "created_at", "updated_at"]


def post(web, call_id, body=None, headers=AUTH, prefix=""):
    data = body if isinstance(body, (str, type(None))) else json.dumps(body)
    reply = web.post(f"{prefix}/v1/calls/{call_id}/recordings", data, headers)
    assert reply.headers["Content-Type"] == "application/json"
    return reply.status, reply.json()


def error(status, code):
    def check(result):
        got_status, got = result
        assert (got_status, list(got), list(got["error"]), got["error"]["code"]) == \
            (status, ["error"], ["code", "message"], code), got
        assert got["error"]["message"]
    return check


@pytest.fixture
def call(client):
    client.login("3000", station="st5", session_id="8600090")
    client.call_start("3000", call_id="C-rest.1", lead_id="9")
    yield "C-rest.1"
    client.logout("3000")


def test_start_then_stop(web, client, call):
    status, got = post(web, call, {"action": "start"})
    assert status == 200, got
    assert list(got) == ["data"] and list(got["data"]) == ["call_id", "action", "recording"]
    assert (got["data"]["call_id"], got["data"]["action"]) == (call, "start")
    rec = got["data"]["recording"]
    assert list(rec) == RECORDING_KEYS
    [running] = client.recording_status("3000")["recordings"]
    assert rec == {"id": running["id"], "call_id": call, "status": "started", "storage_type": "local",
                   "file_url": "file://" + running["file_path"], "duration_seconds": running["duration_seconds"],
                   "size_bytes": running["size_bytes"], "created_at": running["created_at"],
                   "updated_at": running["updated_at"]}
    wait_for_audio(running)
    status, got = post(web, call, {"action": "stop"})
    assert status == 200, got
    stopped = got["data"]["recording"]
    assert (got["data"]["action"], stopped["id"], stopped["status"]) == ("stop", rec["id"], "completed")
    path = stopped["file_url"][len("file://"):]
    channels, rate, _, samples = read_wav(path)
    assert channels == 1 and abs(len(samples) / rate - stopped["duration_seconds"]) < 0.002
    assert os.path.getsize(path) == stopped["size_bytes"] and stopped["duration_seconds"] > 0
    error(404, "recording_not_started")(post(web, call, {"action": "stop"}))


def test_action_defaults_to_start(web, client, call):
    for body in [None, {}]:
        status, got = post(web, call, body)
        assert status == 200 and got["data"]["action"] == "start" and got["data"]["recording"]["status"] == "started"
    assert len(client.recording_status("3000")["recordings"]) == 2


def test_request_errors(web, call):
    error(401, "unauthorized")(post(web, call, {"action": "start"}, headers={}))
    error(401, "unauthorized")(post(web, call, {"action": "start"}, headers={"Authorization": "Bearer nope"}))
    error(401, "unauthorized")(post(web, call, {"action": "start"}, headers={"Authorization": REST_KEY}))
    error(400, "invalid_json")(post(web, call, '{"action": "start"'))
    error(400, "invalid_request")(post(web, call, ["start"]))
    error(400, "invalid_request")(post(web, call, '"start"'))
    error(400, "invalid_request")(post(web, "bad%20id", {"action": "start"}))
    error(400, "invalid_action")(post(web, call, {"action": "pause"}))
    error(400, "invalid_action")(post(web, call, {"action": None}))
    error(404, "active_call_not_found")(post(web, "C-none", {"action": "start"}))


def test_daemon_failures(web, fake_daemon):
    agent = {"agent_user": "3001", "station": "st6", "session_id": "8600091", "agent_server": "10.0.0.5",
             "agent_status": "PAUSED", "logged_in_at": "2026-11-21T10:09:10+01:00"}
    fake_daemon.replies = {"call_status": {"data": {"agent": agent, "call": {"call_id": "F1"}}},
                           "recording": {"error": {"code": "station_unavailable", "message": "station st6 is down"}}}
    error(409, "call_uuid_missing")(post(web, "F1", {"action": "start"}, prefix="/fake"))
    fake_daemon.replies["recording"] = {"error": {"code": "recording_start_failed", "message": "disk full"}}
    error(502, "recording_start_failed")(post(web, "F1", {"action": "start"}, prefix="/fake"))
    fake_daemon.replies["recording"] = {"error": {"code": "recording_stop_failed", "message": "disk full"}}
    error(502, "recording_stop_failed")(post(web, "F1", {"action": "stop"}, prefix="/fake"))
    assert fake_daemon.requests[-2:] == [{"function": "call_status", "call_id": "F1"},
                                         {"function": "recording", "agent_user": "3001", "value": "STOP"}]


def test_daemon_not_running(web):
    """A socket path with nothing behind it: 502 with the action's failure code."""
    error(502, "recording_stop_failed")(post(web, "F1", {"action": "stop"}, prefix="/nodaemon"))
    error(502, "recording_start_failed")(post(web, "F1", {"action": "start"}, prefix="/nodaemon"))


def test_other_paths_and_methods(web):
    reply = web.post("/v1/calls/C1/notes", "{}", AUTH)
    assert (reply.status, reply.json()["error"]["code"]) == (404, "not_found")
    reply = web.get("/v1/calls/C1/recordings")
    assert (reply.status, reply.headers["Allow"], reply.json()["error"]["code"]) == (405, "POST", "method_not_allowed")

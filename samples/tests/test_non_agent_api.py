"""samples/php/vicidial/non_agent_api.php: recording_lookup in VICIdial's format, read from the
daemon's recording log, over nginx + php-fpm."""

import pytest

from harness import wait_for_audio

AUTH = {"source": "test", "user": "6666", "pass": "1234"}


def lookup(web, **params):
    reply = web.get("/vicidial/non_agent_api.php", {**AUTH, "function": "recording_lookup", **params})
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
    assert reply.text.endswith("\n") and not reply.text.endswith("\n\n"), repr(reply.text)
    return reply.text[:-1]


@pytest.fixture(scope="module")
def calls(daemon):
    """Agent 2000 at st3 makes three recordings on two calls: ids, rows (oldest first)."""
    with daemon.client() as c:
        c.login("2000", station="st3", session_id="8600077")
        c.call_start("2000", call_id="1764600000.41", lead_id="0042")
        c.start_recording("2000")
        wait_for_audio(c.start_recording("2000", stage="_X"), seconds=1.2)
        c.stop_recording("2000")
        c.call_end("2000")
        generated = c.call_start("2000", lead_id="43")["call_id"]
        wait_for_audio(c.start_recording("2000"), seconds=0.7)
        c.stop_recording("2000")
        c.call_end("2000")
        c.logout("2000")
        rows = sorted(c.lookup(agent_user="2000"), key=lambda r: (r["start_time"], r["id"]))
    assert len(rows) == 3
    return rows, generated


def line(row, lead, sep="|", duration=False):
    fields = [row["start_time"], "2000", str(row["id"]), lead]
    if duration:
        fields.append(str(int(row["duration_seconds"] + 0.5)))
    return sep.join(fields + [row["file_path"]])


def test_by_lead_id_oldest_first(web, calls):
    rows, _ = calls
    assert lookup(web, lead_id="42") == "\n".join(line(r, "42") for r in rows[:2])
    assert lookup(web, lead_id="43") == line(rows[2], "43")


def test_by_uniqueid_prefix(web, calls):
    rows, generated = calls
    assert lookup(web, uniqueid="1764600000.41") == "\n".join(line(r, "42") for r in rows[:2])
    assert lookup(web, uniqueid="1764600000") == "\n".join(line(r, "42") for r in rows[:2])
    # The id the daemon made up for a call_start without call_id is searchable too.
    assert lookup(web, uniqueid=generated) == line(rows[2], "43")
    # LIKE's wildcards are literal characters here.
    assert lookup(web, uniqueid="1764600000_41").startswith("ERROR: recording_lookup NO RECORDINGS FOUND")


def test_weak_fields_need_another(web, calls):
    rows, _ = calls
    date = rows[0]["start_time"][:10]
    assert lookup(web, agent_user="2000") == "ERROR: recording_lookup INVALID SEARCH PARAMETERS - 6666|2000|||"
    assert lookup(web, date=date) == f"ERROR: recording_lookup INVALID SEARCH PARAMETERS - 6666|||{date}|"
    assert lookup(web, extension="8600077") == "ERROR: recording_lookup INVALID SEARCH PARAMETERS - 6666||||"
    assert lookup(web) == "ERROR: recording_lookup INVALID SEARCH PARAMETERS - 6666||||"
    everything = "\n".join(line(r, r["lead_id"].lstrip("0")) for r in rows)
    assert lookup(web, agent_user="2000", date=date) == everything
    assert lookup(web, agent_user="2000", extension="8600077") == everything
    assert lookup(web, date=date, extension="8600077") == everything


def test_formats_header_and_duration(web, calls):
    rows, _ = calls
    two = rows[:2]
    assert lookup(web, lead_id="42", stage="csv") == "\n".join(line(r, "42", ",") for r in two)
    assert lookup(web, lead_id="42", stage="tab") == "\n".join(line(r, "42", "\t") for r in two)
    assert lookup(web, lead_id="42", stage="pipe", header="YES") == \
        "\n".join(["start_time|user|recording_id|lead_id|location"] + [line(r, "42") for r in two])
    assert lookup(web, lead_id="42", header="YES", duration="Y", stage="csv") == \
        "\n".join(["start_time,user,recording_id,lead_id,duration,location"]
                  + [line(r, "42", ",", duration=True) for r in two])


def test_nothing_found_and_permissions(web, calls):
    assert lookup(web, lead_id="999", uniqueid="17") == \
        "ERROR: recording_lookup NO RECORDINGS FOUND - 6666||999||17"
    assert lookup(web, agent_user="2001", date="2020-01-01") == \
        "ERROR: recording_lookup NO RECORDINGS FOUND - 6666|2001||2020-01-01|"
    reply = web.get("/vicidial/non_agent_api.php", {"source": "test", "user": "7777", "pass": "abcd",
                                                    "function": "recording_lookup", "lead_id": "42"})
    assert reply.text == "ERROR: recording_lookup USER DOES NOT HAVE PERMISSION TO GET RECORDING INFO - 7777|5\n"
    reply = web.get("/vicidial/non_agent_api.php", {"source": "test", "user": "6666", "pass": "x",
                                                    "function": "recording_lookup", "lead_id": "42"})
    assert reply.text == "ERROR: Invalid Username/Password: |6666|x|0|1|BAD|\n"


def test_agent_status_is_never_the_daemons(web, client):
    client.login("2002", station="st4", session_id="8600078")
    try:
        reply = web.get("/vicidial/non_agent_api.php", {**AUTH, "function": "agent_status", "agent_user": "2002",
                                                        "value": "READY"})
        assert reply.text == "ERROR: function not valid - agent_status\n"
        assert client.recording_status("2002")["agent"]["agent_status"] == "PAUSED"
        query = "source=test&user=6666&pass=1234&function=agent_status&agent_user=2002&stage=pipe"
        assert web.get("/fronted/vicidial/non_agent_api.php", query).text == \
            f"UPSTREAM VICIDIAL: /vicidial/non_agent_api.php?{query}\n"
    finally:
        client.logout("2002")

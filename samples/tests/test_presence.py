"""samples/presence: VICIdial's vicidial_live_agents (in a real MariaDB) to tapedeckd's logins."""

import os
import subprocess
import sys

import pytest

from harness import SAMPLES, Daemon, shared_dir, wait_for
from tapedeck_client import Client

SYNC = os.path.join(SAMPLES, "presence", "vicidial_agent_sync.py")
TABLE = """
DROP TABLE IF EXISTS asterisk.vicidial_live_agents;
CREATE TABLE asterisk.vicidial_live_agents (
    live_agent_id INT(9) UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    user VARCHAR(20),
    server_ip VARCHAR(15) NOT NULL,
    conf_exten VARCHAR(20),
    extension VARCHAR(100),
    status ENUM('READY','QUEUE','INCALL','PAUSED','CLOSER','MQUEUE') DEFAULT 'PAUSED',
    campaign_id VARCHAR(8)
);
"""


@pytest.fixture
def setup(processes, mariadb, folder):
    mariadb.sql(TABLE)
    daemon = Daemon(processes, shared_dir("presence-", folder), stations=3).start()
    stations = os.path.join(daemon.dir, "stations")
    with open(stations, "w") as f:
        f.write("# extension station\nSIP/cc101 st1\ncc102 st2\nSIP/cc103 st3\n")
    yield mariadb, daemon, stations
    daemon.stop()


def sync_args(mariadb, daemon, stations):
    return [sys.executable, SYNC, "--stations", stations, "--control-socket", daemon.socket,
            "--mysql-socket", mariadb.socket, "--user", "cron", "--password", "1234", "--database", "asterisk"]


def once(mariadb, daemon, stations):
    run = subprocess.run(sync_args(mariadb, daemon, stations) + ["--once"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stderr


def agents(daemon):
    """agent_user -> (station, session_id, agent_server, agent_status), from the daemon."""
    with Client(daemon.socket) as c:
        out = {}
        for s in c.call({"function": "health"})["stations"]:
            if s["agent_user"]:
                a = c.recording_status(s["agent_user"])["agent"]
                out[a["agent_user"]] = (a["station"], a["session_id"], a["agent_server"], a["agent_status"])
        return out


def test_agents_come_change_and_go(setup):
    mariadb, daemon, stations = setup
    mariadb.sql("INSERT INTO asterisk.vicidial_live_agents (user, server_ip, conf_exten, extension, status) VALUES"
                " ('1000', '10.0.0.7', '8600051', 'SIP/cc101', 'PAUSED'),"
                " ('1001', '10.0.0.7', '8600052', 'SIP/cc102', 'READY'),"
                " ('1002', '10.0.0.7', '8600053', 'SIP/cc999', 'READY');")
    log = once(mariadb, daemon, stations)
    assert agents(daemon) == {"1000": ("st1", "8600051", "10.0.0.7", "PAUSED"),
                              "1001": ("st2", "8600052", "10.0.0.7", "READY")}
    assert "agent 1002: extension 'SIP/cc999' maps to no station; not synced" in log
    # A recording running while the status changes goes on.
    with Client(daemon.socket) as c:
        c.start_recording("1000")
    mariadb.sql("UPDATE asterisk.vicidial_live_agents SET status = 'INCALL' WHERE user = '1000';"
                "UPDATE asterisk.vicidial_live_agents SET conf_exten = '8600059' WHERE user = '1001';")
    once(mariadb, daemon, stations)
    assert agents(daemon) == {"1000": ("st1", "8600051", "10.0.0.7", "INCALL"),
                              "1001": ("st2", "8600059", "10.0.0.7", "READY")}
    with Client(daemon.socket) as c:
        assert len(c.recording_status("1000")["recordings"]) == 1
    # 1000 goes (its recording is finalised by the logout); 1001 moves to another phone.
    mariadb.sql("DELETE FROM asterisk.vicidial_live_agents WHERE user = '1000';"
                "UPDATE asterisk.vicidial_live_agents SET extension = 'SIP/cc103' WHERE user = '1001';")
    once(mariadb, daemon, stations)
    assert agents(daemon) == {"1001": ("st3", "8600059", "10.0.0.7", "READY")}
    with Client(daemon.socket) as c:
        [row] = c.lookup(agent_user="1000")
    assert (row["status"], row["cause"]) == ("completed", "logout") and os.path.getsize(row["file_path"]) > 44


def test_running_sync_follows_the_table_and_a_daemon_restart(setup, processes):
    mariadb, daemon, stations = setup
    sync = processes.start("sync", sync_args(mariadb, daemon, stations) + ["--interval", "0.2"],
                           os.path.join(daemon.dir, "sync.log"))
    try:
        mariadb.sql("INSERT INTO asterisk.vicidial_live_agents (user, server_ip, conf_exten, extension, status)"
                    " VALUES ('2000', '10.0.0.8', '8600061', 'SIP/cc101', 'READY');")
        wait_for(lambda: agents(daemon) == {"2000": ("st1", "8600061", "10.0.0.8", "READY")}, "the login", process=sync)
        mariadb.sql("UPDATE asterisk.vicidial_live_agents SET status = 'PAUSED';")
        wait_for(lambda: agents(daemon) == {"2000": ("st1", "8600061", "10.0.0.8", "PAUSED")}, "agent_status",
                 process=sync)
        daemon.stop()
        daemon.start()
        # The restarted daemon knows nobody; the sync logs the agent in again.
        wait_for(lambda: agents(daemon) == {"2000": ("st1", "8600061", "10.0.0.8", "PAUSED")}, "the login again",
                 timeout=60, process=sync)
        mariadb.sql("DELETE FROM asterisk.vicidial_live_agents;")
        wait_for(lambda: agents(daemon) == {}, "the logout", process=sync)
    finally:
        processes.stop(sync)

#!/usr/bin/env python3
"""Agent presence from VICIdial to tapedeckd.

In VICIdial an agent logs in through the agent screen, not through api.php, so no VICIdial
client ever sends function=login. This sync reads VICIdial's live agents (the
vicidial_live_agents table: user, conf_exten, extension, server_ip, status) and, as agents
come, change state and go, sends tapedeckd

    login         user -> agent_user, the station mapped from extension, conf_exten -> session_id,
                  server_ip -> agent_server, status -> agent_status
    agent_status  when the status changes
    logout        when the agent's row is gone (or its extension no longer maps to a station)

The station of an agent is found from its phone extension with a stations file, one mapping
a line, "<extension> <station>", e.g. "SIP/cc101 st1" ('#' starts a comment). An extension
matches as stored in vicidial_live_agents, or by the part after its last "/" ("cc101 st1").
Agents whose extension maps to no station are left alone (reported once).

Each pass compares VICIdial's rows with what tapedeckd says (function=health: who is at each
station), so a restarted daemon gets its agents back on the next pass. Only the stations named
in the stations file are managed. See samples/README.md.
"""

import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tapedeck_client import Client, TapedeckError  # noqa: E402

STATUS_WORD = re.compile(r"^[A-Z]{1,20}$")


def read_stations(path):
    """{extension: station} from the stations file."""
    mapping = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                raise SystemExit(f"{path}:{number}: expected '<extension> <station>', got {line!r}")
            mapping[parts[0]] = parts[1]
    return mapping


def station_for(extension, mapping):
    if extension in mapping:
        return mapping[extension]
    return mapping.get(extension.rsplit("/", 1)[-1])


class Sync:
    """One pass at a time: VICIdial's rows in, login / agent_status / logout out."""

    def __init__(self, client, mapping, log=print):
        self.client = client
        self.mapping = mapping
        self.managed = set(mapping.values())
        self.sent = {}          # agent_user -> (station, session_id, agent_server, status) last sent
        self.unmapped = set()
        self.log = log

    def desired(self, rows):
        agents = {}
        for row in rows:
            user, conf_exten, extension, server_ip, status = (str(row[k] or "") for k in
                                                              ("user", "conf_exten", "extension", "server_ip", "status"))
            station = station_for(extension, self.mapping)
            if station is None:
                if extension not in self.unmapped:
                    self.unmapped.add(extension)
                    self.log(f"agent {user}: extension {extension!r} maps to no station; not synced")
                continue
            agents[user] = (station, conf_exten, server_ip, status if STATUS_WORD.match(status) else None)
        return agents

    def present(self):
        """agent_user -> station, as the daemon has them now, on the managed stations."""
        health = self.client.call({"function": "health"})
        return {s["agent_user"]: s["name"] for s in health["stations"]
                if s["agent_user"] is not None and s["name"] in self.managed}

    def apply(self, rows):
        want = self.desired(rows)
        have = self.present()
        for user in sorted(set(have) - set(want)):
            self.attempt(f"logout {user}", lambda: self.client.logout(user))
            self.sent.pop(user, None)
        for user, (station, session, server, status) in sorted(want.items()):
            previous = self.sent.get(user) if have.get(user) == station else None
            if user in have and have[user] != station:
                self.attempt(f"logout {user} (moved to {station})", lambda: self.client.logout(user))
            if previous is None or previous[:3] != (station, session, server):
                if self.attempt(f"login {user} at {station}", lambda: self.client.login(
                        user, station=station, session_id=session, agent_server=server, agent_status=status)):
                    self.sent[user] = (station, session, server, status)
            elif status is not None and previous[3] != status:
                if self.attempt(f"agent_status {user} {status}", lambda: self.client.agent_status(user, status)):
                    self.sent[user] = (station, session, server, status)

    def attempt(self, what, action):
        try:
            action()
            return True
        except TapedeckError as error:
            self.log(f"{what}: {error.code}: {error.message}")
            return False


def live_agents(db, server_ip=None):
    with db.cursor() as cursor:
        sql = "SELECT user, conf_exten, extension, server_ip, status FROM vicidial_live_agents"
        cursor.execute(sql + (" WHERE server_ip = %s" if server_ip else ""), (server_ip,) if server_ip else ())
        return cursor.fetchall()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", required=True, help="the stations file: '<extension> <station>' lines")
    parser.add_argument("--control-socket", default="/run/tapedeck/control.sock")
    parser.add_argument("--mysql-socket", help="MariaDB/MySQL Unix socket (instead of --host)")
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=3306)
    parser.add_argument("--user", default="cron")
    parser.add_argument("--password", default=os.environ.get("VICIDIAL_DB_PASSWORD", "1234"))
    parser.add_argument("--database", default="asterisk")
    parser.add_argument("--server-ip", help="only the agents of this VICIdial server_ip")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between passes")
    parser.add_argument("--once", action="store_true", help="one pass, then exit")
    args = parser.parse_args(argv)

    import pymysql  # Debian: python3-pymysql
    import pymysql.cursors

    def log(line):
        print(line, file=sys.stderr, flush=True)

    connect = dict(user=args.user, password=args.password, database=args.database, autocommit=True,
                   cursorclass=pymysql.cursors.DictCursor)
    if args.mysql_socket:
        connect["unix_socket"] = args.mysql_socket
    else:
        connect.update(host=args.host, port=args.port)
    sync = Sync(Client(args.control_socket), read_stations(args.stations), log=log)
    db = None
    while True:
        try:
            db = db or pymysql.connect(**connect)
            sync.apply(live_agents(db, args.server_ip))
        except pymysql.MySQLError as error:
            log(f"database: {error}")
            db = None
        except (ConnectionError, OSError) as error:
            log(f"tapedeckd: {error}")
        if args.once:
            return 0
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())

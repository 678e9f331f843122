#!/usr/bin/env python3
"""Example: log an agent in, record a few seconds of a call, print what was recorded.

    python3 samples/python/example.py --socket /run/tapedeck/control.sock --station st1 --seconds 3
"""

import argparse
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tapedeck_client import AgentNotLoggedIn, Client  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", default="/run/tapedeck/control.sock")
    parser.add_argument("--agent", default="1000")
    parser.add_argument("--station", default="st1")
    parser.add_argument("--session", default="8600051")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)

    with Client(args.socket) as td:
        td.login(args.agent, station=args.station, session_id=args.session)
        call = td.call_start(args.agent, lead_id="1", phone_number="5551234")
        print(f"call {call['call_id']} for agent {args.agent} at {args.station}")
        started = td.start_recording(args.agent, stage="_EXAMPLE")
        print(f"recording {started['id']} started: {started['file_path']}")
        print(td.text({"function": "recording", "agent_user": args.agent, "value": "STATUS"}))
        threading.Event().wait(args.seconds)          # the call goes on for a while
        for r in td.stop_recording(args.agent):
            print(f"recording {r['id']} {r['status']}: {r['duration_seconds']} s, {r['size_bytes']} bytes")
        td.call_end(args.agent)
        td.logout(args.agent)
        try:
            td.stop_recording(args.agent)
        except AgentNotLoggedIn as error:
            print(f"after logout: {error.code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

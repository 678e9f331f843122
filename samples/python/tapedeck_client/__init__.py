"""A small, dependency-free client for tapedeckd's control socket.

    from tapedeck_client import Client, AgentNotLoggedIn

    with Client("/run/tapedeck/control.sock") as td:
        td.login("1000", station="st1", session_id="8600051")
        rec = td.start_recording("1000", stage="_MIDCALL")      # JSON form: a dict
        print(td.text({"function": "recording", "agent_user": "1000", "value": "STATUS"}))
        td.stop_recording("1000")
        for event in td.events():                               # the event stream
            ...

See samples/README.md and docs/protocol.md.
"""

from .client import Client, ConnectionLost, encode_query
from .errors import (
    AgentAlreadyLoggedIn,
    AgentNotLoggedIn,
    CallNotFound,
    InvalidAction,
    InvalidRequest,
    RecordingDisabled,
    RecordingNotStarted,
    RecordingStartFailed,
    RecordingStopFailed,
    StationInUse,
    StationUnavailable,
    TapedeckError,
    UnknownStation,
)

__all__ = [
    "Client", "ConnectionLost", "encode_query", "TapedeckError", "AgentAlreadyLoggedIn", "AgentNotLoggedIn",
    "CallNotFound", "InvalidAction", "InvalidRequest", "RecordingDisabled", "RecordingNotStarted",
    "RecordingStartFailed", "RecordingStopFailed", "StationInUse", "StationUnavailable", "UnknownStation",
]

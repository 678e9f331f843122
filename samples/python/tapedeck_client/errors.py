"""Typed errors: one class per error code of the control protocol (docs/protocol.md)."""


class TapedeckError(Exception):
    """An error reply. `code` is the protocol's error code (act on it, not on the message)."""

    code = None

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class InvalidRequest(TapedeckError): pass
class InvalidAction(TapedeckError): pass
class AgentNotLoggedIn(TapedeckError): pass
class AgentAlreadyLoggedIn(TapedeckError): pass
class RecordingNotStarted(TapedeckError): pass
class RecordingStartFailed(TapedeckError): pass
class RecordingStopFailed(TapedeckError): pass
class RecordingDisabled(TapedeckError): pass
class UnknownStation(TapedeckError): pass
class StationInUse(TapedeckError): pass
class StationUnavailable(TapedeckError): pass
class CallNotFound(TapedeckError): pass


_BY_CODE = {
    "invalid_request": InvalidRequest,
    "invalid_json": InvalidRequest,
    "invalid_utf8": InvalidRequest,
    "line_too_long": InvalidRequest,
    "invalid_action": InvalidAction,
    "agent_not_logged_in": AgentNotLoggedIn,
    "agent_already_logged_in": AgentAlreadyLoggedIn,
    "recording_not_started": RecordingNotStarted,
    "recording_start_failed": RecordingStartFailed,
    "recording_stop_failed": RecordingStopFailed,
    "recording_disabled": RecordingDisabled,
    "unknown_station": UnknownStation,
    "station_in_use": StationInUse,
    "station_unavailable": StationUnavailable,
    "call_not_found": CallNotFound,
}


def error_for(code, message):
    """The exception for an error reply; codes this client does not know give TapedeckError."""
    return _BY_CODE.get(code, TapedeckError)(code, message)

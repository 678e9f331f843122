"""The connection to tapedeckd: requests in the text or JSON form, the event stream, reconnects."""

import json
import select
import socket
import time
from urllib.parse import parse_qs, urlencode

from .errors import error_for

# Functions whose text reply is several lines ended by an empty line (unless it is one ERROR line).
_MULTILINE = {"recording_lookup", "metrics"}


class ConnectionLost(ConnectionError):
    """The daemon closed the connection before answering a request. The request may or may
    not have been carried out: the client never sends it again by itself."""


def encode_query(params):
    """The text form of a request: `key=value` pairs, `+` for spaces, `%XX` escapes."""
    return urlencode([(k, str(v)) for k, v in params.items() if v is not None])


class Client:
    """One connection to the control socket, opened on first use.

    reconnect: when the daemon has restarted (the connection is found closed before a
    request is sent, or the socket is missing or refuses for a moment), connect again,
    trying for up to `reconnect_timeout` seconds. A connection lost *during* a request
    raises ConnectionLost instead, so a START is never sent twice.
    """

    def __init__(self, path="/run/tapedeck/control.sock", timeout=30.0, reconnect=True, reconnect_timeout=30.0):
        self.path = path
        self.timeout = timeout
        self.reconnect = reconnect
        self.reconnect_timeout = reconnect_timeout
        self._sock = None
        self._buffer = b""

    # Connection handling.

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._sock is not None:
            self._sock.close()
            self._sock = None
            self._buffer = b""

    def _open(self, timeout):
        deadline = time.monotonic() + (self.reconnect_timeout if self.reconnect else 0)
        delay = 0.05
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(self.path)
                return sock
            except (FileNotFoundError, ConnectionRefusedError) as error:
                sock.close()
                if time.monotonic() + delay > deadline:
                    raise ConnectionError(f"cannot connect to {self.path}: {error}") from error
                # Waiting for the daemon to come back (its socket appears when it is ready).
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def _peer_closed(self):
        readable, _, _ = select.select([self._sock], [], [], 0)
        if not readable:
            return False
        try:
            return self._sock.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _connection(self):
        if self._sock is not None and not self._buffer and self._peer_closed():
            if not self.reconnect:
                self.close()
                raise ConnectionLost("the daemon closed the connection")
            self.close()
        if self._sock is None:
            self._sock = self._open(self.timeout)
        return self._sock

    def _read_line(self):
        while b"\n" not in self._buffer:
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                raise
            except OSError as error:
                self.close()
                raise ConnectionLost(str(error)) from error
            if not chunk:
                self.close()
                raise ConnectionLost("the daemon closed the connection before replying")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8")

    def _exchange(self, line):
        sock = self._connection()
        try:
            sock.sendall(line.encode("utf-8") + b"\n")
        except OSError as error:
            self.close()
            raise ConnectionLost(str(error)) from error
        return self._read_line()

    # Requests.

    def text(self, params):
        """Sends a request in the text form (a dict, or a query string) and returns the reply
        without its final newline. recording_lookup and metrics: all lines, joined by "\\n",
        without the empty line that ends them."""
        line = params if isinstance(params, str) else encode_query(params)
        function = (parse_qs(params).get("function", [None])[-1] if isinstance(params, str)
                    else params.get("function"))
        first = self._exchange(line)
        if function not in _MULTILINE or first.startswith("ERROR:"):
            return first
        lines = [first]
        while lines[-1] != "":
            lines.append(self._read_line())
        return "\n".join(lines[:-1])

    def call(self, params):
        """Sends a request in the JSON form; returns the reply's `data` object, or raises the
        TapedeckError subclass of its error code."""
        body = {k: str(v) for k, v in params.items() if v is not None}
        reply = json.loads(self._exchange(json.dumps(body, separators=(",", ":"))))
        if "error" in reply:
            raise error_for(reply["error"]["code"], reply["error"]["message"])
        return reply["data"]

    # The functions, in the JSON form.

    def login(self, agent_user, station, session_id, agent_server=None, agent_status=None):
        return self.call({"function": "login", "agent_user": agent_user, "station": station,
                          "session_id": session_id, "agent_server": agent_server,
                          "agent_status": agent_status})["agent"]

    def logout(self, agent_user):
        return self.call({"function": "logout", "agent_user": agent_user})

    def agent_status(self, agent_user, status):
        return self.call({"function": "agent_status", "agent_user": agent_user, "value": status})["agent"]

    def start_recording(self, agent_user, stage=None, **options):
        return self.call({"function": "recording", "agent_user": agent_user, "value": "START",
                          "stage": stage, **options})["recording"]

    def stop_recording(self, agent_user):
        return self.call({"function": "recording", "agent_user": agent_user, "value": "STOP"})["recordings"]

    def recording_status(self, agent_user):
        return self.call({"function": "recording", "agent_user": agent_user, "value": "STATUS"})

    def call_start(self, agent_user, **fields):
        return self.call({"function": "call_start", "agent_user": agent_user, **fields})["call"]

    def call_end(self, agent_user):
        return self.call({"function": "call_end", "agent_user": agent_user})

    def call_status(self, call_id):
        return self.call({"function": "call_status", "call_id": call_id})

    def lookup(self, **criteria):
        return self.call({"function": "recording_lookup", **criteria})["recordings"]

    # Events.

    def events(self, idle_timeout=None):
        """The event stream, one dict per event, on a connection of its own. With reconnect,
        a daemon restart is followed: the stream connects and subscribes again (events sent
        while no daemon ran are not replayed). idle_timeout: seconds without an event before
        socket.timeout is raised (None: wait for ever)."""
        stream = Client(self.path, timeout=self.timeout, reconnect=self.reconnect,
                        reconnect_timeout=self.reconnect_timeout)
        try:
            while True:
                try:
                    reply = stream._exchange('{"function":"subscribe"}')
                    if json.loads(reply).get("data", {}).get("subscribed") is not True:
                        raise ConnectionError(f"subscribe refused: {reply}")
                    stream._sock.settimeout(idle_timeout)
                    while True:
                        yield json.loads(stream._read_line())
                except ConnectionLost:
                    if not self.reconnect:
                        raise
                    stream.close()
        finally:
            stream.close()

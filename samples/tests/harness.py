"""Real servers for the samples' tests: tapedeckd on virtual stations, nginx + php-fpm on a
loopback port, MariaDB on a socket, each in a temporary folder, each stopped by its pid."""

import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)
REPO = os.path.dirname(SAMPLES)
sys.path.insert(0, os.path.join(SAMPLES, "python"))

from tapedeck_client import Client  # noqa: E402

AS_ROOT = os.geteuid() == 0
WEB_USER = "www-data" if AS_ROOT else pwd.getpwuid(os.geteuid()).pw_name


def wait_for(condition, what, timeout=30.0, process=None):
    """Polls `condition` (truthy result ends the wait) until `timeout`; fails with `what`."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        result = condition()
        if result:
            return result
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def can_connect_tcp(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def can_connect_unix(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


class Processes:
    """Every server a test run starts, stopped by pid (TERM, then KILL) in reverse order."""

    def __init__(self):
        self.running = []

    def start(self, name, argv, log, **kwargs):
        out = open(log, "ab")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs)
        out.close()
        self.running.append((name, p))
        return p

    def stop(self, p, timeout=20):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.running = [(n, q) for n, q in self.running if q is not p]
        return p.returncode

    def stop_all(self):
        for _, p in reversed(list(self.running)):
            self.stop(p)


def shared_dir(prefix, parent=None):
    """A temporary folder the web user can enter (the servers' sockets live in it)."""
    path = tempfile.mkdtemp(prefix=prefix, dir=parent)
    os.chmod(path, 0o755)
    return path


def bin_path():
    if os.environ.get("TAPEDECK_BIN"):
        return os.environ["TAPEDECK_BIN"]
    return subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout.strip()


class Daemon:
    """tapedeckd on one virtual device with `stations` stations st1…stN."""

    def __init__(self, processes, folder, stations=8, recording=""):
        self.processes = processes
        self.dir = folder
        self.socket = os.path.join(folder, "control.sock")
        self.spool = os.path.join(folder, "spool")
        self.database = os.path.join(folder, "recordings.sqlite")
        self.config = os.path.join(folder, "tapedeck.toml")
        self.process = None
        group = f'group = "{WEB_USER}"\n' if AS_ROOT else ""
        lines = [f'server_ip = "10.0.0.5"', f'spool = "{self.spool}"', f'database = "{self.database}"',
                 "[control]", f'socket = "{self.socket}"', 'mode = "0660"', group, "[recording]", recording,
                 "[[device]]", 'name = "virt"', 'pcm = "virtual"', f"channels = {2 * stations}"]
        for i in range(stations):
            lines += ["[[station]]", f'name = "st{i + 1}"', 'device = "virt"',
                      f"agent_channel = {2 * i}", f"customer_channel = {2 * i + 1}"]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self):
        binary = os.path.join(bin_path(), "tapedeckd")
        self.process = self.processes.start("tapedeckd", [binary, "--config", self.config, "--log-level", "info"],
                                            os.path.join(self.dir, "tapedeckd.log"))
        wait_for(lambda: can_connect_unix(self.socket), "tapedeckd's control socket", process=self.process)
        # The web user reads the recording log (recording_lookup): the folder and its files.
        for path in [self.database, self.database + "-wal", self.database + "-shm"]:
            if os.path.exists(path):
                os.chmod(path, 0o644)
        return self

    def stop(self):
        if self.process is not None:
            code = self.processes.stop(self.process)
            self.process = None
            return code

    def client(self, **kwargs):
        return Client(self.socket, **kwargs)


class Web:
    """php-fpm and nginx on 127.0.0.1:<port>, serving the samples as an operator installs them:
    samples/php and samples/rest copied to <dir>/www, configurations in <dir>."""

    def __init__(self, processes, folder, configs):
        """configs: {url prefix: API configuration dict}; the prefix "" is the main one."""
        self.processes = processes
        self.dir = folder
        self.port = free_port()
        self.www = os.path.join(folder, "www")
        self.fpm_socket = os.path.join(folder, "php-fpm.sock")
        shutil.copytree(os.path.join(SAMPLES, "php"), os.path.join(self.www, "php"))
        shutil.copytree(os.path.join(SAMPLES, "rest"), os.path.join(self.www, "rest"))
        locations = []
        for prefix, config in configs.items():
            name = prefix.strip("/").replace("/", "_") or "main"
            config_path = os.path.join(folder, f"api-config-{name}.php")
            with open(config_path, "w") as f:
                f.write("<?php\nreturn json_decode(" + php_string(json.dumps(config)) + ", true);\n")
            os.chmod(config_path, 0o644)
            for uri, script in [("/agc/api.php", "php/agc/api.php"),
                                ("/vicidial/non_agent_api.php", "php/vicidial/non_agent_api.php")]:
                locations.append(self.location(f"= {prefix}{uri}", script, config_path))
            locations.append(self.location(f"{prefix}/v1/", "rest/index.php", config_path))
        user = f"user {WEB_USER} {WEB_USER};" if AS_ROOT else ""
        temp = os.path.join(folder, "nginx-temp")
        os.makedirs(temp)
        nginx_conf = f"""
daemon off;
worker_processes 1;
{user}
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {folder}/nginx-access.log;
    client_body_temp_path {temp}/body;
    fastcgi_temp_path {temp}/fastcgi;
    proxy_temp_path {temp}/proxy;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.www};
{"".join(locations)}
    }}
}}
"""
        self.nginx_conf = os.path.join(folder, "nginx.conf")
        with open(self.nginx_conf, "w") as f:
            f.write(nginx_conf)
        pool_user = f"user = {WEB_USER}\ngroup = {WEB_USER}\nlisten.owner = {WEB_USER}\nlisten.group = {WEB_USER}\n" if AS_ROOT else ""
        self.fpm_conf = os.path.join(folder, "php-fpm.conf")
        with open(self.fpm_conf, "w") as f:
            f.write(f"""[global]
pid = {folder}/php-fpm.pid
error_log = {folder}/php-fpm.log
daemonize = no
[samples]
{pool_user}listen = {self.fpm_socket}
listen.mode = 0660
pm = static
pm.max_children = 4
catch_workers_output = yes
php_admin_flag[log_errors] = on
php_admin_value[error_log] = {folder}/php-errors.log
php_admin_flag[display_errors] = off
""")

    def location(self, match, script, config_path):
        return f"""
        location {match} {{
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME {self.www}/{script};
            fastcgi_param TAPEDECK_API_CONFIG {config_path};
            fastcgi_pass unix:{self.fpm_socket};
        }}"""

    def start(self):
        fpm = sorted(glob.glob("/usr/sbin/php-fpm*"))
        if not fpm:
            raise AssertionError("php-fpm is not installed (Debian package php-fpm)")
        p = self.processes.start("php-fpm", [fpm[-1], "--nodaemonize", "--fpm-config", self.fpm_conf],
                                 os.path.join(self.dir, "php-fpm.out"))
        wait_for(lambda: os.path.exists(self.fpm_socket), "php-fpm's socket", process=p)
        n = self.processes.start("nginx", ["/usr/sbin/nginx", "-p", self.dir, "-c", self.nginx_conf, "-e",
                                           os.path.join(self.dir, "nginx-error.log")],
                                 os.path.join(self.dir, "nginx.out"))
        wait_for(lambda: can_connect_tcp(self.port), "nginx's port", process=n)
        return self

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, query=None):
        """GET path?query (query a dict, encoded as http_build_query does: + for spaces)."""
        from urllib.parse import urlencode
        target = self.url(path) + ("?" + (query if isinstance(query, str) else urlencode(query)) if query else "")
        return http(urllib.request.Request(target))

    def post(self, path, body=None, headers=None):
        data = body.encode() if isinstance(body, str) else body
        return http(urllib.request.Request(self.url(path), data=data if data is not None else b"",
                                           headers=headers or {}, method="POST"))


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


def http(request):
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return Reply(r.status, r.headers, r.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def read_wav(path):
    """(channels, rate, bits, samples) of a PCM WAV file, WAVE_FORMAT_EXTENSIBLE and RF64
    included (Python's wave module reads neither); samples as a list of 16-bit ints."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] in (b"RIFF", b"RF64") and data[8:12] == b"WAVE", f"{path}: not a WAV file"
    pos, fmt, pcm = 12, None, None
    while pos + 8 <= len(data):
        tag, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = data[pos + 8:pos + 8 + size] if size != 0xFFFFFFFF else data[pos + 8:]
        if tag == b"fmt ":
            fmt = struct.unpack_from("<HHIIHH", body)
            if fmt[0] == 0xFFFE:
                assert struct.unpack_from("<H", body, 24)[0] == 1, f"{path}: not PCM"
        elif tag == b"data":
            pcm = body
        pos += 8 + size + (size & 1)
    assert fmt is not None and pcm is not None, f"{path}: no fmt or data chunk"
    channels, rate, bits = fmt[1], fmt[2], fmt[5]
    assert bits == 16 and len(pcm) % (2 * channels) == 0, (bits, len(pcm))
    return channels, rate, bits, list(struct.unpack(f"<{len(pcm) // 2}h", pcm))


def wait_for_audio(recording, seconds=0.5):
    """Waits until a running recording's file holds `seconds` of 8 kHz 16-bit mono audio."""
    part = recording["file_path"] + ".part"
    wait_for(lambda: os.path.exists(part) and os.path.getsize(part) >= 44 + int(16000 * seconds),
             f"{seconds} s of audio in {part}")


def php_string(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


class MariaDB:
    """mariadbd on a socket in the folder, with an `asterisk` database and user cron/1234."""

    def __init__(self, processes, folder):
        self.processes = processes
        self.dir = folder
        self.datadir = os.path.join(folder, "mysql")
        self.socket = os.path.join(folder, "mysql.sock")

    def start(self):
        user = ["--user=root"] if AS_ROOT else []
        install = subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={self.datadir}",
                                  "--auth-root-authentication-method=socket", "--skip-test-db"] + user,
                                 capture_output=True, text=True)
        if install.returncode != 0:
            raise AssertionError(f"mariadb-install-db failed: {install.stdout}{install.stderr}")
        p = self.processes.start("mariadbd", ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={self.datadir}",
                                              f"--socket={self.socket}", "--skip-networking",
                                              f"--pid-file={self.dir}/mysql.pid",
                                              f"--log-error={self.dir}/mysql-error.log"] + user,
                                 os.path.join(self.dir, "mariadbd.out"))
        wait_for(lambda: can_connect_unix(self.socket), "MariaDB's socket", timeout=60, process=p)
        self.sql("CREATE DATABASE asterisk; CREATE USER cron@localhost IDENTIFIED BY '1234';"
                 " GRANT ALL ON asterisk.* TO cron@localhost;")
        return self

    def sql(self, statements):
        run = subprocess.run(["mariadb", "--no-defaults", "-S", self.socket, "-u", "root", "-e", statements],
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise AssertionError(f"SQL failed: {statements}: {run.stderr}")
        return run.stdout


class FakeDaemon:
    """A control socket that answers each request with a scripted JSON line by function, to
    drive the API layer into the daemon's failures (start and stop failures, a station whose
    device is down) that a healthy tapedeckd does not produce on demand."""

    def __init__(self, path, replies):
        self.path = path
        self.replies = replies
        self.requests = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        if AS_ROOT:
            os.chown(path, -1, pwd.getpwnam(WEB_USER).pw_gid)
        os.chmod(path, 0o660)
        self.server.listen(8)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                if b"\n" not in data:
                    continue
                request = json.loads(data.split(b"\n")[0])
                self.requests.append(request)
                reply = self.replies.get(request["function"],
                                         {"error": {"code": "unknown_function", "message": "not scripted"}})
                conn.sendall(json.dumps(reply).encode() + b"\n")

    def close(self):
        self.server.close()

import http.server
import os
import shutil
import threading

import pytest

from harness import AS_ROOT, Daemon, FakeDaemon, MariaDB, Processes, Web, shared_dir

USERS = {
    "6666": {"pass": "1234", "agent_api": True, "user_level": 8, "view_reports": True},
    "7777": {"pass": "abcd", "agent_api": False, "user_level": 5, "view_reports": False},
    "8888": {"pass": "efgh", "api_allowed_functions": ["external_status"], "user_group": "AGENTS",
             "user_level": 5},
}
REST_KEY = "k-3f9a2c"


class UpstreamVICIdial(http.server.BaseHTTPRequestHandler):
    """Stands for an existing VICIdial server: answers with what it was asked."""

    def do_GET(self):
        body = f"UPSTREAM VICIDIAL: {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def folder():
    path = shared_dir("tapedeck-samples-")
    yield path
    if not os.environ.get("KEEP_SAMPLES_TEST_DIR"):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def processes(folder):
    """Every server started; all stopped (by pid) before the folder is removed."""
    p = Processes()
    yield p
    p.stop_all()


@pytest.fixture(scope="session")
def daemon(processes, folder):
    d = Daemon(processes, folder).start()
    yield d
    d.stop()


@pytest.fixture(scope="session")
def fake_daemon(folder):
    fake = FakeDaemon(os.path.join(folder, "fake.sock"), {})
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), UpstreamVICIdial)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def web(processes, folder, daemon, fake_daemon, upstream):
    main = {"socket": daemon.socket, "database": daemon.database, "users": USERS, "rest_keys": [REST_KEY]}
    configs = {
        "": main,
        "/fronted": {**main, "upstream_agent_api": upstream + "/agc/api.php",
                     "upstream_non_agent_api": upstream + "/vicidial/non_agent_api.php"},
        "/fake": {**main, "socket": fake_daemon.path},
        "/nodaemon": {**main, "socket": os.path.join(folder, "absent.sock")},
    }
    return Web(processes, folder, configs).start()


@pytest.fixture(scope="session")
def mariadb(processes, folder):
    return MariaDB(processes, folder).start()


@pytest.fixture
def client(daemon):
    with daemon.client() as c:
        yield c


def pytest_report_header(config):
    return f"samples tests as {'root (web user www-data)' if AS_ROOT else 'a normal user'}"

"""Paging survives a crash: a step that falls due while the server is down (killed with SIGKILL) fires once on start.

Runs the real binary against a real HTTP receiver on 127.0.0.1 and takes about 80 seconds: the shortest level
delay a policy allows is one minute, and the server stays down past it.
"""

import hashlib
import hmac
import json
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import _binary, _free_port, _start, _stop, _wait_ready
from test_cli import PASSWORD, call, run


class ListeningServer(ThreadingHTTPServer):
    """A receiver with a listen backlog like a real server's (http.server keeps 5): a sender may open dozens of
    connections to one host at once."""
    request_queue_size = 128


class Receiver:
    """Keeps every webhook it receives, by path."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                with receiver.lock:
                    receiver.received.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ListeningServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self):
        with self.lock:
            return [path for path, _, _ in self.received]

    def wait_for(self, count, timeout):
        deadline = time.monotonic() + timeout
        while len(self.paths()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.paths()


def api(base_url, token, path, body):
    status, text = call(base_url, path, token=token, method="POST", body=body)
    assert status == 201, text
    return json.loads(text)


def test_a_step_due_while_the_server_is_down_fires_once_on_start(tmp_path):
    receiver = Receiver()
    data = tmp_path / "data"
    data.mkdir()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with open(tmp_path / "stderr.log", "wb") as stderr:
        process = _start(_binary(), port, data, stderr)
        try:
            assert _wait_ready(process, base_url)
            assert run("user", "create", "--email", "o@example.com", "--name", "Olga", "--role", "owner",
                       "--data-dir", str(data), stdin=PASSWORD + "\n").returncode == 0
            token = run("token", "create", "--email", "o@example.com", "--data-dir", str(data)).stdout.strip()
            olga = json.loads(call(base_url, "/api/v1/users/me", token=token)[1])["id"]
            sam = api(base_url, token, "/api/v1/users", {"name": "Sam", "email": "sam@example.com"})["id"]
            secrets = {}
            for user, path in ((olga, "/primary"), (sam, "/secondary")):
                method = api(base_url, token, f"/api/v1/users/{user}/contact-methods",
                             {"type": "webhook", "address": receiver.url + path, "verified": True})
                secrets[path] = method["signing_secret"]
            team = api(base_url, token, "/api/v1/teams", {"name": "SRE", "member_ids": [olga, sam]})["id"]
            policy = api(base_url, token, "/api/v1/escalation-policies", {
                "name": "SRE", "team_id": team,
                "levels": [{"delay_minutes": 1, "targets": [{"type": "user", "id": olga}]},
                           {"delay_minutes": 1, "targets": [{"type": "user", "id": sam}]}]})["id"]
            service = api(base_url, token, "/api/v1/services", {"name": "Checkout", "escalation_policy_id": policy})["id"]
            key = api(base_url, token, f"/api/v1/services/{service}/integration-keys", {"type": "pagerduty"})["key"]
            status, text = call(base_url, "/v2/enqueue", method="POST", body={
                "routing_key": key, "event_action": "trigger", "dedup_key": "restart-1",
                "payload": {"summary": "Checkout down", "source": "e2e", "severity": "critical"}})
            assert status == 202, text
            triggered = time.monotonic()

            assert receiver.wait_for(1, 15) == ["/primary"], "the first level is paged within seconds"
            _, headers, body = receiver.received[0]
            stamp, mac = headers["X-Tocsin-Signature"].split(",")
            expected = hmac.new(secrets["/primary"].encode(), f"{stamp[2:]}.{body}".encode(), hashlib.sha256).hexdigest()
            assert hmac.compare_digest(mac, "v1=" + expected)

            # Down before the second level is due, and kept down past it.
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

        time.sleep(max(0.0, triggered + 70 - time.monotonic()))
        assert receiver.paths() == ["/primary"], "nothing is sent while the server is down"
        process = _start(_binary(), port, data, stderr)
        try:
            assert _wait_ready(process, base_url), "tocsin did not start again after SIGKILL"
            assert receiver.wait_for(2, 15) == ["/primary", "/secondary"], "the overdue level fires on start"
            time.sleep(3)
            assert receiver.paths() == ["/primary", "/secondary"], "and each page goes out exactly once"
            incidents = json.loads(call(base_url, "/api/v1/incidents", token=token)[1])["data"]
            notes = json.loads(call(base_url, f"/api/v1/incidents/{incidents[0]['id']}/notifications", token=token)[1])["data"]
            assert [n["status"] for n in notes] == ["sent", "sent"]
            assert [n["user_name"] for n in notes] == ["Olga", "Sam"]
        finally:
            assert _stop(process) == 0
    receiver.server.shutdown()

"""Durability: every event answered 202 is on disk, even when the server is killed with SIGKILL mid-storm."""

import http.client
import json
import signal
import sqlite3
import threading
import time
import uuid

from conftest import _binary, _free_port, _start, _stop, _wait_ready
from test_cli import PASSWORD, call, run

SENDERS = 16
STORM_SECONDS = 3.0
MINIMUM_ANSWERED = 200


def storm(port, routing_key, answered, stop):
    """One sender: new dedup keys as fast as the server answers, until told to stop or the server is gone."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while not stop.is_set():
        key = uuid.uuid4().hex
        body = json.dumps({"routing_key": routing_key, "event_action": "trigger", "dedup_key": key,
                           "payload": {"summary": f"storm {key}", "source": "durability", "severity": "error"}})
        try:
            connection.request("POST", "/v2/enqueue", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            return  # the server was killed: what was not answered was never promised
        if response.status == 202:
            answered.append(key)


def stored_dedup_keys(base_url, token, service_id):
    keys, offset = set(), 0
    while True:
        status, body = call(base_url, f"/api/v1/alerts?service_id={service_id}&limit=200&offset={offset}", token=token)
        assert status == 200, body
        page = json.loads(body)
        keys.update(alert["dedup_key"] for alert in page["data"])
        if page["pagination"].get("next_offset") is None:
            return keys
        offset = page["pagination"]["next_offset"]


def test_every_answered_event_survives_a_sigkill_mid_storm(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with open(tmp_path / "stderr.log", "wb") as stderr:
        process = _start(_binary(), port, data, stderr)
        try:
            assert _wait_ready(process, base_url)
            assert run("user", "create", "--email", "d@example.com", "--name", "D", "--role", "owner",
                       "--data-dir", str(data), stdin=PASSWORD + "\n").returncode == 0
            token = run("token", "create", "--email", "d@example.com", "--data-dir", str(data)).stdout.strip()
            status, body = call(base_url, "/api/v1/services", token=token, method="POST", body={"name": "Storm"})
            assert status == 201, body
            service_id = json.loads(body)["id"]
            status, body = call(base_url, f"/api/v1/services/{service_id}/integration-keys", token=token, method="POST",
                                body={"type": "pagerduty", "rate_limit_per_minute": 1000000})
            assert status == 201, body
            routing_key = json.loads(body)["key"]

            answered, stop = [], threading.Event()
            senders = [threading.Thread(target=storm, args=(port, routing_key, answered, stop)) for _ in range(SENDERS)]
            for sender in senders:
                sender.start()
            deadline = time.monotonic() + 30
            time.sleep(STORM_SECONDS)
            while len(answered) < MINIMUM_ANSWERED and time.monotonic() < deadline:
                time.sleep(0.1)
            # Killed while the senders are still sending: some events are mid-transaction.
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            stop.set()
            for sender in senders:
                sender.join(timeout=15)
            promised = set(answered)
            assert len(promised) >= MINIMUM_ANSWERED, f"only {len(promised)} events were answered before the kill"
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

        # Started again on the same files: every event that got a 202 is there.
        process = _start(_binary(), port, data, stderr)
        try:
            assert _wait_ready(process, base_url), "tocsin did not start again after SIGKILL"
            missing = promised - stored_dedup_keys(base_url, token, service_id)
            assert not missing, f"{len(missing)} of {len(promised)} answered events were lost, e.g. {sorted(missing)[:3]}"
        finally:
            assert _stop(process) == 0

    with sqlite3.connect(data / "tocsin.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

"""Two Tocsin instances share one PostgreSQL database and its paging work; one is killed with SIGKILL halfway through
200 escalating incidents. Every expected page is delivered, none twice.

Each incident pages level 1 (one person's webhook) at once and level 2 (another's) a minute later. Instance A is
killed once half of the first pages have arrived; instance B carries on alone. Takes about two and a half minutes:
a message A had claimed when it died waits out its 60-second lease before B takes it over.

What "once" means, precisely: each notification is one row with one id, sent as `X-Tocsin-Delivery`. A page A handed
to the receiver in the instant before it died, but had not yet recorded, is sent again by B with the same delivery id
(receivers drop ids they have seen); the test counts those and requires that no incident is ever paged twice for a
level under two different ids, and that every delivery id arrives.
"""

import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import _binary, _drop_postgres_database, _free_port, _fresh_postgres_database, _stop, _wait_ready
from test_cli import PASSWORD, call, run
from test_paging_restart import Receiver, api

INCIDENTS = 200


def _serve(url, port, stderr):
    # Debug logs name each notification a sender finished: the test reads from them which instance sent what.
    return subprocess.Popen([str(_binary()), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", "unused-data",
                             "--log-level", "debug"],
                            stdout=subprocess.DEVNULL, stderr=stderr, stdin=subprocess.DEVNULL,
                            env={**os.environ, "TOCSIN_DATABASE_URL": url})


@pytest.mark.skipif(not os.environ.get("TOCSIN_TEST_DATABASE_URL"), reason="needs TOCSIN_TEST_DATABASE_URL (PostgreSQL)")
def test_two_instances_share_paging_and_one_dies_halfway(tmp_path):
    url = _fresh_postgres_database("tocsin_pair_")
    receiver = Receiver()
    (tmp_path / "unused-data").mkdir()
    ports = [_free_port(), _free_port()]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    with open(tmp_path / "a.log", "wb") as a_log, open(tmp_path / "b.log", "wb") as b_log:
        # One starts first and migrates; the second finds the schema ready.
        a = _serve(url, ports[0], a_log)
        assert _wait_ready(a, bases[0]), "instance A did not start"
        b = _serve(url, ports[1], b_log)
        try:
            assert _wait_ready(b, bases[1]), "instance B did not start"
            assert run("user", "create", "--email", "o@example.com", "--name", "Olga", "--role", "owner",
                       "--database-url", url, stdin=PASSWORD + "\n").returncode == 0
            token = run("token", "create", "--email", "o@example.com", "--database-url", url).stdout.strip()
            first = api(bases[0], token, "/api/v1/users", {"name": "First", "email": "first@example.com"})["id"]
            second = api(bases[0], token, "/api/v1/users", {"name": "Second", "email": "second@example.com"})["id"]
            for user, path in ((first, "/level1"), (second, "/level2")):
                api(bases[0], token, f"/api/v1/users/{user}/contact-methods",
                    {"type": "webhook", "address": receiver.url + path, "verified": True})
            team = api(bases[0], token, "/api/v1/teams", {"name": "SRE", "member_ids": [first, second]})["id"]
            policy = api(bases[0], token, "/api/v1/escalation-policies", {
                "name": "SRE", "team_id": team,
                "levels": [{"delay_minutes": 1, "targets": [{"type": "user", "id": first}]},
                           {"delay_minutes": 1, "targets": [{"type": "user", "id": second}]}]})["id"]
            service = api(bases[0], token, "/api/v1/services", {"name": "Checkout", "escalation_policy_id": policy})["id"]
            key = api(bases[0], token, f"/api/v1/services/{service}/integration-keys", {"type": "pagerduty"})["key"]

            # Alerts arrive at both instances in turn; A dies once half of the first pages are out.
            killed_at = None
            for n in range(INCIDENTS):
                status, text = call(bases[n % 2] if killed_at is None else bases[1], "/v2/enqueue", method="POST", body={
                    "routing_key": key, "event_action": "trigger", "dedup_key": f"pair-{n}",
                    "payload": {"summary": f"Checkout {n} down", "source": "e2e", "severity": "critical"}})
                assert status == 202, text
                if killed_at is None and len([p for p in receiver.paths() if p == "/level1"]) >= INCIDENTS // 2:
                    a.send_signal(signal.SIGKILL)
                    a.wait(timeout=10)
                    killed_at = n
            if killed_at is None:
                deadline = time.monotonic() + 30
                while len([p for p in receiver.paths() if p == "/level1"]) < INCIDENTS // 2 and time.monotonic() < deadline:
                    time.sleep(0.01)
                a.send_signal(signal.SIGKILL)
                a.wait(timeout=10)

            # B alone delivers the rest: the first pages A left, then every second level a minute on.
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                ids = {(path, headers["X-Tocsin-Delivery"]) for path, headers, _ in receiver.received}
                if len([1 for path, _ in ids if path == "/level1"]) >= INCIDENTS and len([1 for path, _ in ids if path == "/level2"]) >= INCIDENTS:
                    break
                time.sleep(0.5)
            time.sleep(3)

            with receiver.lock:
                received = list(receiver.received)
            by_level = {"/level1": {}, "/level2": {}}
            for path, headers, body in received:
                incident = json.loads(body)["incident"]["id"]
                by_level[path].setdefault(incident, set()).add(headers["X-Tocsin-Delivery"])
            for level, incidents in by_level.items():
                assert len(incidents) == INCIDENTS, f"{level}: {len(incidents)} of {INCIDENTS} incidents were paged"
                twice = {i: ids for i, ids in incidents.items() if len(ids) != 1}
                assert not twice, f"{level}: incidents paged under two different notifications: {twice}"
            resent = len(received) - 2 * INCIDENTS
            # Only what A had in hand when it died can come again, and only with its own delivery id.
            assert 0 <= resent <= 64, f"{resent} deliveries repeated (A has at most 64 webhooks in flight)"
            print(f"\n{len(received)} deliveries for {2 * INCIDENTS} pages; {resent} repeated a delivery id A had sent unrecorded")

            # Both did part of the work: A sent pages before it died, B the rest (and every second level).
            def finished(log):
                lines = [line for line in log.read_text(errors="replace").splitlines() if "notification finished" in line]
                return {m.group(1) for line in lines for m in [re.search(r"notification_id=([0-9a-fA-F-]{36})", line)] if m}
            by_a, by_b = finished(tmp_path / "a.log"), finished(tmp_path / "b.log")
            assert by_a, "instance A sent nothing before it was killed"
            assert by_b, "instance B sent nothing"
            print(f"A recorded {len(by_a)} notifications before it died; B recorded {len(by_b)}")

            # B's record agrees: every incident has exactly its two pages, both sent.
            status, text = call(bases[1], "/api/v1/incidents?limit=200", token=token)
            assert status == 200, text
            incidents = json.loads(text)["data"]
            assert len(incidents) == INCIDENTS
            for incident in incidents[:20]:
                notes = json.loads(call(bases[1], f"/api/v1/incidents/{incident['id']}/notifications", token=token)[1])["data"]
                assert [n["status"] for n in notes] == ["sent", "sent"], notes
        finally:
            if a.poll() is None:
                a.kill()
                a.wait(timeout=10)
            assert _stop(b) == 0
    receiver.server.shutdown()
    _drop_postgres_database(url)

#!/usr/bin/env python3
"""Paging latency and lateness, measured against a real webhook receiver on 127.0.0.1 (standard library only).

  python3 Benchmarks/paging.py .build/release/tocsin                 # SQLite (embedded default)
  python3 Benchmarks/paging.py BINARY --database-url postgres://…    # PostgreSQL (a fresh database is made)

1. **Alert → first page, idle**: one PagerDuty event at a time (50 ms apart) for a service whose policy pages a
   person's webhook at once; the time from sending the event to the page arriving at the receiver.
2. **The same under load**: while other threads send 500 events a second (new alerts, each opening an incident) to a
   service without a policy.
3. **Step lateness with 10,000 incidents**: 10,000 incidents opened as fast as the server takes them, each escalating
   to a second level one minute later; lateness = when the second level's page was sent − when the step was due
   (the first level's firing + 60 s), read from the outbox afterwards; and, for the same incidents, how long after
   opening each got its first page while the burst was still coming in.

The reference, measured in the same run: the receiver's own round trip from this client (an HTTP POST to it on
loopback), the floor under any alert-to-webhook path measured this way. Only 127.0.0.1; stops by itself.
"""

import argparse
import http.client
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse


class Receiver:
    """Keeps the arrival time of each page, by incident title."""

    def __init__(self):
        self.arrivals = {}
        self.count = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                at = time.monotonic()
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path != "/ref":
                    title = json.loads(body)["incident"]["title"]
                    with receiver.lock:
                        receiver.arrivals.setdefault((self.path, title), at)
                        receiver.count[self.path] = receiver.count.get(self.path, 0) + 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        # A listen backlog like a real server's (http.server keeps 5): a storm opens up to 64 connections at once.
        self.server = type("ListeningServer", (ThreadingHTTPServer,), {"request_queue_size": 128})(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def arrival(self, path, title, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = self.arrivals.get((path, title))
            if found is not None:
                return found
            time.sleep(0.0005)
        return None


class Client:
    """One keep-alive connection."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path, token):
        self.connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = self.connection.getresponse()
        return response.status, response.read().decode()

    def post(self, path, body, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.connection.request("POST", path, body=json.dumps(body), headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        return response.status, text


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def summary(name, values):
    ms = [v * 1000 for v in values]
    return f"| {name} | {len(ms)} | {percentile(ms, 50):.1f} | {percentile(ms, 99):.1f} | {max(ms):.1f} |"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--database-url")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--load-rate", type=int, default=500)
    parser.add_argument("--burst", type=int, default=10_000)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="tocsin-paging-bench.")
    receiver = Receiver()
    hook = f"http://127.0.0.1:{receiver.port}"
    port = 18393
    database = ["--data-dir", os.path.join(work, "data")]
    if args.database_url:
        url = urlparse(args.database_url)
        subprocess.run(["psql", "-q", args.database_url, "-c", "DROP DATABASE IF EXISTS tocsin_paging_bench",
                        "-c", "CREATE DATABASE tocsin_paging_bench"], check=True, env={**os.environ, "PGOPTIONS": "--client-min-messages=warning"})
        database = ["--database-url", url._replace(path="/tocsin_paging_bench").geturl()]
    # The receiver listens on loopback, which user-chosen webhook addresses may not reach by default.
    server = subprocess.Popen([args.binary, "serve", "--port", str(port), "--log-level", "warning"] + database,
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "serve.err"), "wb"),
                              env={**os.environ, "TOCSIN_DESTINATION_ALLOW": "loopback"})
    try:
        for _ in range(3000):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                probe.request("GET", "/readyz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.01)
        subprocess.run([args.binary, "user", "create", "--email", "bench@example.com", "--name", "Bench", "--role", "owner", "--invite"]
                       + database, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        token = subprocess.run([args.binary, "token", "create", "--email", "bench@example.com"] + database, check=True,
                               capture_output=True, text=True).stdout.strip()
        api = Client(port)

        def create(path, body):
            status, text = api.post(path, body, token)
            assert status == 201, (path, status, text)
            return json.loads(text)

        me = json.loads(api.get("/api/v1/users/me", token)[1])["id"]
        second = create("/api/v1/users", {"name": "Second", "email": "second@example.com"})["id"]
        create(f"/api/v1/users/{me}/contact-methods", {"type": "webhook", "address": hook + "/first", "verified": True})
        create(f"/api/v1/users/{second}/contact-methods", {"type": "webhook", "address": hook + "/second", "verified": True})
        team = create("/api/v1/teams", {"name": "Bench", "member_ids": [me, second]})["id"]
        policy = create("/api/v1/escalation-policies", {"name": "Bench", "team_id": team, "levels": [
            {"delay_minutes": 1, "targets": [{"type": "user", "id": me}]},
            {"delay_minutes": 1, "targets": [{"type": "user", "id": second}]}]})["id"]

        def key(name, policy_id):
            service = create("/api/v1/services", {"name": name, "escalation_policy_id": policy_id})["id"]
            return create(f"/api/v1/services/{service}/integration-keys", {"type": "pagerduty", "rate_limit_per_minute": 1_000_000})["key"]

        paged, quiet = key("Paged", policy), key("Quiet", None)

        def trigger(client, routing, dedup):
            status, text = client.post("/v2/enqueue", {"routing_key": routing, "event_action": "trigger", "dedup_key": dedup,
                                                       "payload": {"summary": dedup, "source": "bench", "severity": "critical"}})
            assert status == 202, text

        def measure(prefix):
            client, reference = Client(port), Client(receiver.port)
            pages, refs = [], []
            for n in range(args.pages):
                title = f"{prefix}-{n}"
                start = time.monotonic()
                trigger(client, paged, title)
                arrived = receiver.arrival("/first", title)
                assert arrived is not None, f"{title} was not paged within 10 s"
                pages.append(arrived - start)
                start = time.monotonic()
                reference.post("/ref", {})
                refs.append(time.monotonic() - start)
                time.sleep(0.05)
            return pages, refs

        idle, idle_ref = measure("idle")
        loaded, loaded_ref, achieved, burst_seconds = [], [], 0.0, 0.0
        if args.load_rate == 0:
            args.burst = 0

        stop = threading.Event()
        sent = [0]

        def load(index, threads):
            client = Client(port)
            interval = threads / args.load_rate
            next_at = time.monotonic()
            n = 0
            while not stop.is_set():
                trigger(client, quiet, f"load-{index}-{n}")
                n += 1
                sent[0] += 1
                next_at += interval
                pause = next_at - time.monotonic()
                if pause > 0:
                    time.sleep(pause)

        threads = 4 if args.load_rate else 0
        workers = [threading.Thread(target=load, args=(i, threads), daemon=True) for i in range(threads)]
        load_started = time.monotonic()
        for w in workers:
            w.start()
        if workers:
            time.sleep(2)
            loaded, loaded_ref = measure("loaded")
        stop.set()
        for w in workers:
            w.join()
        achieved = sent[0] / (time.monotonic() - load_started) if workers else 0.0

        # The burst: as fast as the server takes them, from 8 connections.
        burst_started = time.monotonic()

        def burst(index, threads):
            client = Client(port)
            for n in range(index, args.burst, threads):
                trigger(client, paged, f"burst-{n}")

        workers = [threading.Thread(target=burst, args=(i, 8)) for i in range(8)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        burst_seconds = time.monotonic() - burst_started
        deadline = time.monotonic() + (240 if args.burst else 0)
        while time.monotonic() < deadline:
            with receiver.lock:
                second_pages = sum(1 for (path, title) in receiver.arrivals if path == "/second" and title.startswith("burst-"))
            if second_pages >= args.burst:
                break
            time.sleep(0.5)
        time.sleep(2)
    finally:
        server.terminate()
        server.wait(timeout=30)

    # Lateness from the outbox: the second level's page sent − (the first level's firing + 60 s).
    if args.database_url:
        rows = subprocess.run(["psql", "-At", "-F", " ", database[1], "-c", """
            SELECT EXTRACT(EPOCH FROM s.sent_at - f.created_at) - 60 FROM notifications s JOIN notifications f ON f.incident_id = s.incident_id
            WHERE s.step = 1 AND f.step = 0 AND s.status = 'sent'"""], capture_output=True, text=True, check=True).stdout.split()
        lateness = [float(r) for r in rows]
        fired_late = [float(r) for r in subprocess.run(["psql", "-At", database[1], "-c", """
            SELECT EXTRACT(EPOCH FROM s.created_at - f.created_at) - 60 FROM notifications s JOIN notifications f ON f.incident_id = s.incident_id
            WHERE s.step = 1 AND f.step = 0"""], capture_output=True, text=True, check=True).stdout.split()]
        storm_first = [float(r) for r in subprocess.run(["psql", "-At", database[1], "-c", """
            SELECT EXTRACT(EPOCH FROM f.sent_at - i.created_at) FROM notifications f JOIN incidents i ON i.id = f.incident_id
            WHERE f.step = 0 AND f.status = 'sent' AND i.title LIKE 'burst-%'"""], capture_output=True, text=True, check=True).stdout.split()]
    else:
        db = sqlite3.connect(os.path.join(work, "data", "tocsin.db"))
        lateness = [r[0] for r in db.execute("""
            SELECT s.sent_at - f.created_at - 60 FROM notifications s JOIN notifications f ON f.incident_id = s.incident_id
            WHERE s.step = 1 AND f.step = 0 AND s.status = 'sent'""")]
        fired_late = [r[0] for r in db.execute("""
            SELECT s.created_at - f.created_at - 60 FROM notifications s JOIN notifications f ON f.incident_id = s.incident_id
            WHERE s.step = 1 AND f.step = 0""")]
        storm_first = [r[0] for r in db.execute("""
            SELECT f.sent_at - i.created_at FROM notifications f JOIN incidents i ON i.id = f.incident_id
            WHERE f.step = 0 AND f.status = 'sent' AND i.title LIKE 'burst-%'""")]
    shutil.rmtree(work, ignore_errors=True)

    print(f"\nbackend: {'PostgreSQL' if args.database_url else 'SQLite'}; background load achieved {achieved:.0f} events/s; "
          f"burst of {args.burst} taken in {burst_seconds:.1f} s; {len(lateness)} second-level pages sent")
    print("\n| measured | n | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|")
    print(summary("alert → first page, idle", idle))
    print(summary("reference: receiver round trip, idle", idle_ref))
    if loaded:
        print(summary(f"alert → first page, {args.load_rate} events/s", loaded))
        print(summary("reference: receiver round trip, loaded", loaded_ref))
    if args.burst:
        print(summary(f"step lateness (page sent − step due), {args.burst} incidents", lateness))
        print(summary("of which the step fired late (fired − due)", fired_late))
        print(summary("first page in the burst (page sent − incident opened)", storm_first))
    ratio = statistics.median(idle) / statistics.median(idle_ref)
    print(f"\nidle alert → page p50 is {ratio:.1f}× the receiver's own round trip")


if __name__ == "__main__":
    sys.exit(main())

"""A real Alertmanager (Debian's prometheus-alertmanager) sends to a running Tocsin through its webhook,
pagerduty_configs and opsgenie_configs receivers; alerts appear, open incidents, and resolve with it."""

import datetime
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import _free_port
from test_cli import PASSWORD, call, run

ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
TIMEOUT = 60.0


def now_rfc3339(offset_seconds=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def wait_for(check, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}; last seen: {last!r}")


def post_json(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


@pytest.mark.skipif(ALERTMANAGER is None, reason="prometheus-alertmanager is not installed (CI installs it)")
def test_alertmanager_receivers_deliver_and_resolve(server, tmp_path):
    data = str(server.data_dir)
    assert run("user", "create", "--email", "am@example.com", "--name", "AM", "--role", "owner", "--data-dir", data,
               stdin=PASSWORD + "\n").returncode == 0
    token = run("token", "create", "--email", "am@example.com", "--data-dir", data).stdout.strip()

    services, keys = {}, {}
    for kind in ("alertmanager", "pagerduty", "opsgenie"):
        status, body = call(server.base_url, "/api/v1/services", token=token, method="POST", body={"name": f"Via {kind}", "tier": 1})
        assert status == 201, body
        services[kind] = json.loads(body)["id"]
        status, body = call(server.base_url, f"/api/v1/services/{services[kind]}/integration-keys", token=token, method="POST",
                            body={"type": kind})
        assert status == 201, body
        keys[kind] = json.loads(body)["key"]

    config = tmp_path / "alertmanager.yml"
    config.write_text(f"""
route:
  receiver: tocsin
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: tocsin
    webhook_configs:
      - url: {server.base_url}/integrations/alertmanager/{keys['alertmanager']}
        send_resolved: true
    pagerduty_configs:
      - routing_key: {keys['pagerduty']}
        url: {server.base_url}/v2/enqueue
        send_resolved: true
    opsgenie_configs:
      - api_key: {keys['opsgenie']}
        api_url: {server.base_url}/
        send_resolved: true
""")
    am_port = _free_port()
    am_url = f"http://127.0.0.1:{am_port}"
    log = open(tmp_path / "alertmanager.log", "wb")
    process = subprocess.Popen([ALERTMANAGER, f"--config.file={config}", f"--storage.path={tmp_path / 'am-data'}",
                                f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address="],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        def ready():
            try:
                with urllib.request.urlopen(am_url + "/-/ready", timeout=2) as response:
                    return response.status == 200
            except (urllib.error.URLError, OSError):
                return process.poll() is not None and pytest.fail((tmp_path / "alertmanager.log").read_text())
        wait_for(ready, "Alertmanager to be ready", timeout=30)

        alert = {"labels": {"alertname": "DiskFull", "instance": "db-1", "severity": "critical"},
                 "annotations": {"summary": "Disk full on db-1"}, "startsAt": now_rfc3339(), "generatorURL": "http://prometheus.example.com/graph"}
        assert post_json(am_url + "/api/v2/alerts", [alert]) == 200

        def alerts_of(kind):
            status, body = call(server.base_url, f"/api/v1/alerts?service_id={services[kind]}", token=token)
            return json.loads(body)["data"] if status == 200 else []

        for kind in services:
            found = wait_for(lambda: alerts_of(kind), f"an alert from Alertmanager's {kind} receiver")
            assert found[0]["status"] == "triggered"
            assert found[0]["severity"] in ("critical", "error")
            status, body = call(server.base_url, f"/api/v1/incidents?service_id={services[kind]}", token=token)
            incidents = json.loads(body)["data"]
            assert len(incidents) == 1 and incidents[0]["status"] == "triggered", (kind, incidents)
        assert alerts_of("alertmanager")[0]["summary"] == "Disk full on db-1"

        # Alertmanager resolves the alert once its end time has passed, and tells every receiver.
        alert["endsAt"] = now_rfc3339(-1)
        assert post_json(am_url + "/api/v2/alerts", [alert]) == 200

        def incident_status(kind):
            status, body = call(server.base_url, f"/api/v1/incidents?service_id={services[kind]}", token=token)
            data = json.loads(body)["data"]
            return data[0]["status"] == "resolved" and data

        for kind in services:
            wait_for(lambda: incident_status(kind), f"the {kind} receiver's incident to resolve")
            assert len(alerts_of(kind)) == 1, f"{kind}: repeats must not open new alerts"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()

"""The command line and the operating promises, exercised on the real binary."""

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

import icalendar
import pytest

from conftest import _binary, _drop_postgres_database, _free_port, _fresh_postgres_database, _wait_ready, SHUTDOWN_TIMEOUT

PASSWORD = "correct horse battery"


def run(*args, stdin=None, env=None, timeout=60):
    return subprocess.run([str(_binary()), *args], input=stdin, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def call(base_url, path, token=None, method="GET", body=None):
    request = urllib.request.Request(base_url + path, method=method, data=None if body is None else json.dumps(body).encode())
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize("command", [[], ["serve"], ["migrate"], ["user"], ["user", "create"], ["user", "list"],
                                     ["token"], ["token", "create"], ["setup-link"], ["oncall"]])
def test_every_subcommand_explains_itself(command):
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "USAGE:" in result.stdout


def test_owner_and_token_from_the_command_line_while_the_server_runs(server):
    data = str(server.data_dir)
    created = run("user", "create", "--email", "Olga@Example.com", "--name", "Olga Owner", "--role", "owner",
                  "--time-zone", "Europe/Berlin", "--data-dir", data, stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert "olga@example.com" in created.stdout

    token = run("token", "create", "--email", "olga@example.com", "--data-dir", data)
    assert token.returncode == 0, token.stderr
    lines = token.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tcs_"), f"expected the token alone, got {token.stdout!r}"

    status, body = call(server.base_url, "/api/v1/users/me", token=lines[0])
    assert status == 200
    me = json.loads(body)
    assert me["email"] == "olga@example.com" and me["role"] == "owner" and me["time_zone"] == "Europe/Berlin"

    read_only = run("token", "create", "--email", "olga@example.com", "--read-only", "--data-dir", data).stdout.strip()
    status, body = call(server.base_url, "/api/v1/services", token=read_only, method="POST", body={"name": "API"})
    assert status == 403, body
    status, _ = call(server.base_url, "/api/v1/services", token=lines[0], method="POST", body={"name": "API"})
    assert status == 201

    # The one-time setup link is spent once an account exists.
    setup_path = urlparse(server.setup_url)
    status, _ = call(server.base_url, setup_path.path + "?" + setup_path.query)
    assert status == 410

    listed = run("user", "list", "--data-dir", data)
    assert "olga@example.com" in listed.stdout


def test_an_invited_user_gets_a_link_and_no_password(server):
    data = str(server.data_dir)
    result = run("user", "create", "--email", "ivy@example.com", "--name", "Ivy", "--invite",
                 "--public-url", "https://tocsin.example.com", "--data-dir", data)
    assert result.returncode == 0, result.stderr
    assert "https://tocsin.example.com/invite?token=inv_" in result.stdout


def test_bad_input_on_the_command_line_is_refused_clearly(server):
    data = str(server.data_dir)
    bad = run("user", "create", "--email", "not-an-email", "--name", "X", "--role", "chief", "--data-dir", data,
              stdin=PASSWORD + "\n")
    assert bad.returncode != 0
    assert "email" in bad.stderr and "role" in bad.stderr, bad.stderr
    short = run("user", "create", "--email", "x@example.com", "--name", "X", "--data-dir", data, stdin="short\n")
    assert short.returncode != 0 and "password" in short.stderr
    unknown = run("token", "create", "--email", "nobody@example.com", "--data-dir", data)
    assert unknown.returncode != 0 and "nobody@example.com" in unknown.stderr
    assert unknown.stdout == ""


def test_migrate_reports_every_migration_applied(server):
    result = run("migrate", "--data-dir", str(server.data_dir))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("applied") for line in lines), result.stdout


def test_the_openapi_document_is_valid_openapi_3_1(server):
    from openapi_spec_validator import validate
    status, body = call(server.base_url, "/api/v1/openapi.json")
    assert status == 200
    document = json.loads(body)
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_json_logs_and_graceful_shutdown(tmp_path):
    port = _free_port()
    stderr_path = tmp_path / "stderr.log"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen([str(_binary()), "serve", "--port", str(port), "--data-dir", str(tmp_path / "data")],
                                   stdout=subprocess.DEVNULL, stderr=stderr, stdin=subprocess.DEVNULL,
                                   env={**os.environ, "TOCSIN_LOG_FORMAT": "json"})
        try:
            assert _wait_ready(process, f"http://127.0.0.1:{port}")
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=SHUTDOWN_TIMEOUT) == 0
        finally:
            if process.poll() is None:
                process.kill()
    records = [json.loads(line) for line in stderr_path.read_text().splitlines() if line.strip()]
    assert records, "no log lines"
    assert all({"ts", "level", "msg"} <= record.keys() for record in records)
    assert any(record["msg"] == "tocsin is serving" for record in records)


@pytest.mark.skipif(not os.environ.get("TOCSIN_TEST_DATABASE_URL"), reason="needs TOCSIN_TEST_DATABASE_URL (PostgreSQL)")
def test_postgres_by_one_setting(tmp_path):
    url = _fresh_postgres_database("tocsin_e2e_")
    port = _free_port()
    try:
        process = subprocess.Popen([str(_binary()), "serve", "--port", str(port), "--data-dir", str(tmp_path / "unused")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                   env={**os.environ, "TOCSIN_DATABASE_URL": url})
        try:
            assert _wait_ready(process, f"http://127.0.0.1:{port}")
            created = run("user", "create", "--email", "pg@example.com", "--name", "Pg", "--role", "owner",
                          "--database-url", url, stdin=PASSWORD + "\n")
            assert created.returncode == 0, created.stderr
            token = run("token", "create", "--email", "pg@example.com", "--database-url", url).stdout.strip()
            status, _ = call(f"http://127.0.0.1:{port}", "/api/v1/services", token=token, method="POST", body={"name": "On PG"})
            assert status == 201
            assert not (tmp_path / "unused" / "tocsin.db").exists(), "the embedded database was used instead"
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=SHUTDOWN_TIMEOUT) == 0
        finally:
            if process.poll() is None:
                process.kill()
    finally:
        _drop_postgres_database(url)


def test_a_chunked_body_over_the_limit_is_413_not_500(server):
    import http.client
    data = str(server.data_dir)
    run("user", "create", "--email", "c@example.com", "--name", "C", "--role", "owner", "--data-dir", data, stdin=PASSWORD + "\n")
    token = run("token", "create", "--email", "c@example.com", "--data-dir", data).stdout.strip()
    host = urlparse(server.base_url)

    def chunks():
        yield b'{"name":"big","description":"'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    try:
        connection.request("POST", "/api/v1/services", body=chunks(), encode_chunked=True,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 413, response.read()[:300]
    finally:
        connection.close()


def test_oncall_from_the_command_line_and_the_calendar_feed(server):
    data = str(server.data_dir)
    assert run("user", "create", "--email", "ops@example.com", "--name", "Ops Admin", "--role", "owner", "--data-dir", data,
               stdin=PASSWORD + "\n").returncode == 0
    token = run("token", "create", "--email", "ops@example.com", "--data-dir", data).stdout.strip()
    people = []
    for name in ("Ada", "Bo"):
        status, body = call(server.base_url, "/api/v1/users", token=token, method="POST",
                            body={"name": name, "email": f"{name.lower()}@example.com", "role": "responder"})
        assert status == 201, body
        people.append(json.loads(body)["id"])
    status, body = call(server.base_url, "/api/v1/schedules", token=token, method="POST", body={
        "name": "Payments", "time_zone": "Europe/Berlin",
        "layers": [{"start": "2026-03-23T09:00", "rotation": {"length": 1, "unit": "day"}, "members": people}],
    })
    assert status == 201, body
    schedule = json.loads(body)

    # Across the change to summer time on 29 March 2026 the hand-off stays at 09:00 Berlin time.
    shifts = run("oncall", "--schedule", "payments", "--since", "2026-03-27T00:00:00Z", "--until", "2026-03-31T00:00:00Z", "--json",
                 "--data-dir", data)
    assert shifts.returncode == 0, shifts.stderr
    rows = [json.loads(line) for line in shifts.stdout.splitlines()]
    starts = [row["start"] for row in rows]
    assert starts == ["2026-03-27T01:00:00+01:00", "2026-03-27T09:00:00+01:00", "2026-03-28T09:00:00+01:00",
                      "2026-03-29T09:00:00+02:00", "2026-03-30T09:00:00+02:00"]
    assert [row["email"] for row in rows[1:3]] in (["ada@example.com", "bo@example.com"], ["bo@example.com", "ada@example.com"])

    now = run("oncall", "--schedule", schedule["id"], "--data-dir", data)
    assert now.returncode == 0 and "Payments" in now.stdout, now.stderr
    missing = run("oncall", "--schedule", "nope", "--data-dir", data)
    assert missing.returncode != 0 and "no schedule is named nope" in missing.stderr

    path = urlparse(schedule["ical_url"]).path
    with urllib.request.urlopen(server.base_url + path, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        text = response.read().decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.count("BEGIN:VEVENT") >= 90
    # A calendar library reads it as calendar apps do: every event has a unique id, a start before its end, and a summary.
    calendar = icalendar.Calendar.from_ical(text)
    events = [component for component in calendar.walk("VEVENT")]
    assert len(events) == text.count("BEGIN:VEVENT")
    assert len({str(event["UID"]) for event in events}) == len(events)
    assert all(event.decoded("DTSTART") < event.decoded("DTEND") for event in events)
    assert all(str(event["SUMMARY"]).endswith("on call (Payments)") for event in events)
    assert str(calendar["X-WR-CALNAME"]) == "On call: Payments"
    status, _ = call(server.base_url, path.replace(".ics", "0.ics"))
    assert status == 404

"""No input stops the server.

Every documented API operation is driven with generated and hostile bodies by schemathesis, against the
OpenAPI document the server serves; every form the pages show is posted with hostile values (negative,
huge and non-numeric counts, control and text-direction characters, very long strings). The server must
answer each with less than 500, and still be serving afterwards.

TOCSIN_FUZZ_SECONDS sets schemathesis's time budget (default 90 s); TOCSIN_FUZZ_SEED fixes its seed.
"""

import html.parser
import json
import os
import re
import subprocess
import sys
import urllib.parse

import pytest
import requests

from test_cli import PASSWORD, call, run

FUZZ_SECONDS = int(os.environ.get("TOCSIN_FUZZ_SECONDS", "90"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Operations that take the caller's own access away (revoking the token in use, removing the owner once
# fuzzing has made a second one) run last, in a run of their own, so they cannot cut the main run short.
SELF_REMOVING = ["revokeToken", "deleteUser"]

HOSTILE = [
    "-1", "0", "1000000", "99999999999999999999", "1e308", "NaN", "abc", "",
    "NUL\x00byte", "line\r\nbreak", "\u202eevil", "\u0007bell",
    "<script>alert(1)</script>", "../../../etc/passwd", "%00", "A" * 100_000,
    "2026-02-30T25:61", "-99999-01-01T00:00", "00000000-0000-0000-0000-000000000000",
]
# Forms not posted: signing out would end the session the crawl runs in.
SKIPPED_ACTIONS = re.compile(r"^/logout")


def owner_token(server, email="fuzz@example.com"):
    data = str(server.data_dir)
    if run("user", "create", "--email", email, "--name", "Fuzz", "--role", "owner", "--data-dir", data,
           stdin=PASSWORD + "\n").returncode != 0:
        pass  # already made by an earlier call
    return run("token", "create", "--email", email, "--data-dir", data).stdout.strip()


def alive(server):
    assert server.process.poll() is None, "the server stopped"
    assert requests.get(server.base_url + "/readyz", timeout=10).status_code == 200


def schemathesis(server, token, *selection, seconds):
    command = [sys.executable, "-m", "schemathesis.cli", "run", f"{server.base_url}/api/v1/openapi.json",
               "-H", f"Authorization: Bearer {token}", "--checks", CHECKS, "--max-time", str(seconds),
               "-n", "40", "-w", "1", "--no-color", "--suppress-health-check", "all", *selection]
    if os.environ.get("TOCSIN_FUZZ_SEED"):
        command += ["--seed", os.environ["TOCSIN_FUZZ_SEED"]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 300)
    return done.returncode, done.stdout[-12_000:] + done.stderr[-4_000:]


def seed_data(server, token):
    """A team, services with a dependency, a schedule and an incident, so that operations on ids find something."""
    status, body = call(server.base_url, "/api/v1/users/me", token=token)
    me = json.loads(body)["id"]
    _, team = call(server.base_url, "/api/v1/teams", token=token, method="POST", body={"name": "Fuzz team", "member_ids": [me]})
    _, db = call(server.base_url, "/api/v1/services", token=token, method="POST", body={"name": "Fuzz DB", "tier": 2})
    db_id = json.loads(db)["id"]
    call(server.base_url, "/api/v1/services", token=token, method="POST",
         body={"name": "Fuzz web", "tier": 1, "depends_on": [db_id]})
    call(server.base_url, "/api/v1/schedules", token=token, method="POST", body={
        "name": "Fuzz rota", "time_zone": "Europe/Berlin", "layers": [
            {"start": "2026-03-29T02:30", "rotation": {"length": 1, "unit": "day"}, "members": [me]}]})
    call(server.base_url, f"/api/v1/services/{db_id}/reports", token=token, method="POST", body={"summary": "Slow queries"})
    return db_id


def test_generated_api_requests_never_get_a_server_error(server):
    token = owner_token(server)
    seed_data(server, token)
    excluded = [item for op in SELF_REMOVING for item in ("--exclude-operation-id", op)]
    code, output = schemathesis(server, token, *excluded, seconds=FUZZ_SECONDS)
    assert code == 0, output
    alive(server)
    included = [item for op in SELF_REMOVING for item in ("--include-operation-id", op)]
    code, output = schemathesis(server, owner_token(server), *included, seconds=max(10, FUZZ_SECONDS // 6))
    assert code == 0, output
    alive(server)


class Forms(html.parser.HTMLParser):
    """The links and POST forms of one page: each form's action and its fields with their first values."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag == "button" and a.get("name"):
            # A named button (the policy editor's "add a level", "move up") is posted as its first value.
            self._form["fields"].setdefault(a["name"], a.get("value") or "")
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].setdefault(a["name"], "on" if a.get("type") == "checkbox" else a.get("value", ""))
            else:
                self._form["fields"].setdefault(a["name"], a.get("value") or "")
        elif self._form is not None and tag == "option" and self._form["fields"]:
            last = list(self._form["fields"])[-1]
            if self._form["fields"][last] == "" and a.get("value"):
                self._form["fields"][last] = a["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def sign_in(server, email="fuzz@example.com"):
    session = requests.Session()
    page = session.get(server.base_url + "/login", timeout=10)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    answer = session.post(server.base_url + "/login", data={"_csrf": csrf, "email": email, "password": PASSWORD, "next": "/"},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 303, answer.text[:500]
    return session


def crawl(server, session, limit=150):
    """Pages reachable from the incidents page, one per path shape (ids collapsed), and their POST forms."""
    seen, shapes, queue, forms = set(), set(), ["/incidents", "/services", "/schedules/new", "/silences", "/account",
                                             "/escalation-policies/new", "/me/contact-methods"], {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        shape = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", path.split("?")[0])
        if path in seen or (shape in shapes and "?" not in path):
            continue
        seen.add(path)
        shapes.add(shape)
        page = session.get(server.base_url + path, timeout=20)
        assert page.status_code < 500, f"GET {path} answered {page.status_code}"
        if "text/html" not in page.headers.get("content-type", ""):
            continue
        parser = Forms()
        parser.feed(page.text)
        for href in parser.links:
            target = urllib.parse.urljoin(path, href)
            if target.startswith("/") and not target.startswith("//") and not target.startswith(("/api/", "/calendar/")):
                queue.append(target.split("#")[0])
        for form in parser.forms:
            action = urllib.parse.urljoin(path, form["action"] or path)
            key = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", action)
            if not SKIPPED_ACTIONS.match(action):
                forms.setdefault(key, (action, form["fields"]))
    return forms


def test_every_page_form_survives_hostile_values(server):
    token = owner_token(server)
    seed_data(server, token)
    session = sign_in(server)
    forms = crawl(server, session)
    assert len(forms) >= 10, f"the crawl found too few forms to mean anything: {sorted(forms)}"
    posts, replaced = 0, 0
    for key, (action, fields) in sorted(forms.items()):
        csrf = fields.get("_csrf", "")
        for name in [n for n in fields if n != "_csrf"]:
            for value in HOSTILE:
                body = dict(fields, **{name: value, "_csrf": csrf})
                answer = session.post(server.base_url + action, data=body, allow_redirects=False, timeout=30)
                posts += 1
                assert answer.status_code < 500, f"POST {action} with {name}={value[:40]!r} answered {answer.status_code}: {answer.text[:300]}"
                assert server.process.poll() is None, f"the server stopped after POST {action} with {name}={value[:40]!r}"
        # A form may end the session or change the account it runs as (a password, a role, a removal): go on
        # as a new owner, so that every later form is still posted signed in.
        if session.get(server.base_url + "/incidents", allow_redirects=False, timeout=10).status_code != 200:
            replaced += 1
            email = f"fuzz{replaced}@example.com"
            owner_token(server, email)
            session = sign_in(server, email)
    assert posts > 200
    print(f"{posts} hostile form posts to {len(forms)} forms; the account was replaced {replaced} times")
    alive(server)

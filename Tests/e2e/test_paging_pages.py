"""The paging pages in a real headless chromium: build an escalation policy with two levels chosen by name and read
who it would page now; add a contact method, verify it with the code it received, and send a test page to it. Then
every one of these pages fits a phone (390 px) and a desktop (1280 px) without scrolling sideways."""

import json
import os
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_phone_layout import fit_problems, make_schedule
from test_setup_flow import (OWNER_EMAIL, OWNER_NAME, click_away, complete_setup, fill, h1_text, page_text, path_of, submit,
                             wait, wait_for_path, wait_ready)

TEAM = "Payments-and-checkout-responders-for-every-European-shop"
SCHEDULE = "Web shop primary on call"  # as make_schedule names it
OTHER = "Bruno <b>Costa</b>"


class Hook(BaseHTTPRequestHandler):
    """A webhook endpoint that keeps every JSON body it is sent."""
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Hook.received.append((dict(self.headers), json.loads(body or b"{}")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def press(driver, value):
    """Clicks the policy form's button with this action value and waits for the page it draws."""
    click_away(driver, f'button[name="action"][value="{value}"]:not(.default-action)')
    wait_ready(driver)


def choose(driver, css, text):
    Select(driver.find_element(By.CSS_SELECTOR, css)).select_by_visible_text(text)


def test_policy_editor_and_contact_methods(server, browser):
    driver = browser
    complete_setup(driver, server)

    # A second person, who has no contact method: the preview must say so.
    driver.get(server.base_url + "/users/new")
    fill(driver, "name", OTHER)
    fill(driver, "email", "bruno@example.com")
    fill(driver, "password", "correct horse battery")
    submit(driver, 'form[action="/users/new"]')

    driver.get(server.base_url + "/teams/new")
    fill(driver, "name", TEAM)
    choose(driver, "#member_ids", f"{OWNER_NAME} <{OWNER_EMAIL}>")
    submit(driver, 'form[action="/teams/new"]')

    make_schedule(driver, server)  # the owner, on call every week since January

    # The policy: level 1 the schedule, level 2 Bruno, both chosen by name; "Add a level" redraws the form.
    driver.get(server.base_url + "/escalation-policies")
    assert h1_text(driver) == "Escalation policies"
    driver.find_element(By.LINK_TEXT, "New policy").click()
    wait_for_path(driver, "/escalation-policies/new")
    fill(driver, "name", "Payments <primary>")
    choose(driver, "#team_id", TEAM)
    choose(driver, 'select[aria-label="Level 1, add a target"]', SCHEDULE)
    fill(driver, "levels[0].delay_minutes", "5")
    press(driver, "add_level")
    assert driver.find_element(By.ID, "name").get_attribute("value") == "Payments <primary>", "what was typed is kept"
    assert "Level 2" in page_text(driver)
    choose(driver, 'select[aria-label="Level 2, add a target"]', OTHER)
    fill(driver, "levels[1].delay_minutes", "10")
    press(driver, "save")
    wait_for_path(driver, r"/escalation-policies/[0-9a-f-]{36}")
    policy = path_of(driver)
    assert h1_text(driver) == "Payments <primary>"
    text = page_text(driver)
    assert "If an incident opened now" in text
    assert SCHEDULE in text and OWNER_NAME in text and OTHER in text
    assert "UNREACHABLE" in text, "nobody has a verified contact method yet, and the page says so"
    assert "at 0 min" in text and "at 5 min" in text

    # A contact method: a webhook, verified with the code it received, then a test page through it.
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        driver.get(server.base_url + "/account")
        driver.find_element(By.LINK_TEXT, "Add one and verify it").click()
        wait_for_path(driver, "/me/contact-methods")
        assert "Tocsin cannot page you" in page_text(driver)
        choose(driver, "#type", "Webhook (signed POST)")
        fill(driver, "address", f"http://127.0.0.1:{hook.server_port}/ada")
        fill(driver, "label", "laptop")
        submit(driver, 'form[action$="/methods"]')
        assert "A six-digit code was sent to it" in page_text(driver)
        assert driver.find_element(By.ID, "signing-secret").text.startswith("whsec_")
        wait(driver).until(lambda d: Hook.received)
        code = Hook.received[-1][1]["code"]
        code_input = driver.find_element(By.CSS_SELECTOR, 'input[name="code"]')
        code_input.send_keys(code)
        submit(driver, 'form[action$="/verify"]')
        assert "Verified" in page_text(driver)
        submit(driver, 'form[action$="/test"]')
        assert "Test page sent" in page_text(driver)
        assert Hook.received[-1][1]["event"] == "contact_method.test"
        assert "At once by webhook" in page_text(driver)
        # The label changed in place: the method stays verified, its rule stays.
        driver.find_element(By.CSS_SELECTOR, "details.change summary").click()
        label = driver.find_element(By.CSS_SELECTOR, 'details.change input[name="label"]')
        label.clear()
        label.send_keys("work laptop")
        submit(driver, 'form[action*="/edit"]')
        assert "Saved." in page_text(driver)
        assert "Webhook (work laptop) verified" in page_text(driver)
        assert "At once by webhook" in page_text(driver)
        # Low-urgency pages may wait half an hour; the policy's preview says so beside the high-urgency way.
        choose(driver, "#urgency", "Low urgency")
        fill(driver, "delay_minutes", "30")
        submit(driver, 'form[action$="/rules"]')
        assert "Low urgency: After 30 minutes by webhook" in page_text(driver)
    finally:
        hook.shutdown()

    driver.get(server.base_url + policy)
    text = page_text(driver)
    assert "at once by webhook" in text
    assert "low urgency: after 30 minutes by webhook" in text
    assert OTHER in text and "UNREACHABLE" in text, "Bruno still cannot be reached"

    shots = os.environ.get("TOCSIN_SCREENSHOTS") or tempfile.mkdtemp(prefix="tocsin-paging-pages-")
    pages = {"policies": "/escalation-policies", "policy": policy, "new-policy": "/escalation-policies/new",
             "contact-methods": "/me/contact-methods", "account": "/account"}
    problems = fit_problems(driver, server, pages, shots)
    print(f"screenshots in {shots}")
    assert not problems, "\n".join(problems)

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

from test_oncall_pages import set_value
from test_setup_flow import (OWNER_EMAIL, OWNER_NAME, click, complete_setup, fill, h1_text, page_text, path_of, wait,
                             wait_for_path, wait_ready)

WIDTHS = (1280, 390)
TEAM = "Payments-and-checkout-responders-for-every-European-shop"
SCHEDULE = "Payments primary on call"
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
    """Clicks the form button with this action value and waits for the page it draws."""
    old = driver.find_element(By.TAG_NAME, "html")
    click(driver, f'button[name="action"][value="{value}"]:not(.default-action)')
    wait(driver).until(lambda d: _gone(old))
    wait_ready(driver)


def _gone(element):
    try:
        element.is_enabled()
        return False
    except Exception:
        return True


def post(driver, css):
    old = driver.find_element(By.TAG_NAME, "html")
    click(driver, css)
    wait(driver).until(lambda d: _gone(old))
    wait_ready(driver)


def choose(driver, css, text):
    Select(driver.find_element(By.CSS_SELECTOR, css)).select_by_visible_text(text)


def fits(driver):
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_policy_editor_and_contact_methods(server, browser):
    driver = browser
    complete_setup(driver, server)

    # A second person, who has no contact method: the preview must say so.
    driver.get(server.base_url + "/users/new")
    fill(driver, "name", OTHER)
    fill(driver, "email", "bruno@example.com")
    fill(driver, "password", "correct horse battery")
    post(driver, 'form[action="/users/new"] button[type=submit]')

    driver.get(server.base_url + "/teams/new")
    fill(driver, "name", TEAM)
    choose(driver, "#member_ids", f"{OWNER_NAME} <{OWNER_EMAIL}>")
    post(driver, 'form[action="/teams/new"] button[type=submit]')

    driver.get(server.base_url + "/schedules/new")
    fill(driver, "name", SCHEDULE)
    fill(driver, "layer0_members", OWNER_EMAIL)
    set_value(driver, "layer0_start", "2025-01-06T09:00")
    fill(driver, "layer0_length", "1")
    post(driver, 'form[action="/schedules/new"] button[type=submit]')
    wait_for_path(driver, r"/schedules/[0-9a-f-]{36}")

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
        post(driver, 'form[action$="/methods"] button[type=submit]')
        assert "A six-digit code was sent to it" in page_text(driver)
        assert driver.find_element(By.ID, "signing-secret").text.startswith("whsec_")
        wait(driver).until(lambda d: Hook.received)
        code = Hook.received[-1][1]["code"]
        code_input = driver.find_element(By.CSS_SELECTOR, 'input[name="code"]')
        code_input.send_keys(code)
        post(driver, 'form[action$="/verify"] button[type=submit]')
        assert "Verified" in page_text(driver)
        post(driver, 'form[action$="/test"] button[type=submit]')
        assert "Test page sent" in page_text(driver)
        assert Hook.received[-1][1]["event"] == "contact_method.test"
        assert "At once by webhook" in page_text(driver)
    finally:
        hook.shutdown()

    driver.get(server.base_url + policy)
    text = page_text(driver)
    assert "at once by webhook" in text
    assert OTHER in text and "UNREACHABLE" in text, "Bruno still cannot be reached"

    shots = os.environ.get("TOCSIN_SCREENSHOTS") or tempfile.mkdtemp(prefix="tocsin-paging-pages-")
    pages = {"policies": "/escalation-policies", "policy": policy, "new-policy": "/escalation-policies/new",
             "contact-methods": "/me/contact-methods", "account": "/account"}
    problems = []
    for width in WIDTHS:
        driver.set_window_size(width, 900)
        for name, path in pages.items():
            driver.get(server.base_url + path)
            wait_ready(driver)
            assert h1_text(driver)
            if not fits(driver):
                problems.append(f"{path} is wider than the screen at {width} px")
            # The whole page in one picture: the window as tall as the page.
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(max(height + 140, 900), 8000))
            driver.save_screenshot(os.path.join(shots, f"{name}-{width}.png"))
            driver.set_window_size(width, 900)
    print(f"screenshots in {shots}")
    assert not problems, "\n".join(problems)

"""First-run stories, driven through a real headless chromium against the real server.

Each test gets a fresh server with an empty database (see conftest.py).
"""

import os
import re

import pytest
from urllib.parse import urlparse

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT = 15

OWNER_NAME = "Ada Owner"
OWNER_EMAIL = "ada@example.com"
OWNER_PASSWORD = "correct horse battery"

SERVICE_NAME = 'Checkout <API> & "Payments"'
SERVICE_DESCRIPTION = "Takes the money. <b>not bold</b>"
DASHBOARD_URL = "https://grafana.example.com/d/checkout"


def wait(driver):
    return WebDriverWait(driver, WAIT)


def path_of(driver) -> str:
    return urlparse(driver.current_url).path


def wait_for_path(driver, path: str):
    """Waits until the browser is on exactly `path` (regex allowed) and the new page has a body."""
    pattern = re.compile(path)

    def arrived(d):
        return pattern.fullmatch(urlparse(d.current_url).path) is not None

    try:
        wait(driver).until(arrived)
    except Exception as error:  # make the failure say where the browser was and what it showed
        raise AssertionError(
            f"expected to be on {path!r}, but the browser is on {driver.current_url!r}; "
            f"page says: {page_text(driver)[:800]!r}") from error
    wait(driver).until(EC.presence_of_element_located((By.TAG_NAME, "body")))


def page_text(driver) -> str:
    try:
        return driver.find_element(By.TAG_NAME, "body").text
    except Exception:
        return driver.page_source[:2000]


def wait_ready(driver):
    """Waits until the page, stylesheet included, has loaded, so the layout no longer moves under a click."""
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def click(driver, css: str):
    wait_ready(driver)
    wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, css))).click()


def submit(driver, form_css: str = "form[method=post]"):
    """Clicks the form's submit button and waits for the old page to go away."""
    click_away(driver, f"{form_css} button[type=submit]")


def click_away(driver, css: str):
    """Clicks what `css` names (a button that posts a form) and waits for the old page to go away."""
    wait_ready(driver)
    old_html = driver.find_element(By.TAG_NAME, "html")
    click(driver, css)

    def gone(_):
        # Chromium reports a node of the replaced document as stale, or sometimes as "does not belong to the
        # document" (an unknown error): either way the old page has gone.
        try:
            old_html.is_enabled()
            return False
        except WebDriverException:
            return True

    wait(driver).until(gone)


def fill(driver, field_id: str, text: str):
    element = wait(driver).until(EC.visibility_of_element_located((By.ID, field_id)))
    element.clear()
    element.send_keys(text)
    assert element.get_attribute("value") == text, f"could not type into #{field_id}"


def h1_text(driver) -> str:
    return wait(driver).until(EC.visibility_of_element_located((By.TAG_NAME, "h1"))).text


def complete_setup(driver, server):
    """Opens the printed setup link and creates the first owner; ends signed in on /services."""
    driver.get(server.setup_url)
    wait(driver).until(EC.visibility_of_element_located((By.ID, "name")))
    assert "Welcome to Tocsin" in h1_text(driver)
    # The setup form must carry the server's CSRF field; the browser submits it as is.
    form = driver.find_element(By.CSS_SELECTOR, 'form[action="/setup"]')
    assert form.find_elements(By.CSS_SELECTOR, 'input[type=hidden][name="_csrf"]'), "setup form has no _csrf field"

    fill(driver, "name", OWNER_NAME)
    fill(driver, "email", OWNER_EMAIL)
    # The time zone is left as the form offers it (it is meant to be UTC; see test_setup_time_zone_defaults_to_utc).
    fill(driver, "password", OWNER_PASSWORD)
    fill(driver, "password_confirm", OWNER_PASSWORD)
    submit(driver, 'form[action="/setup"]')
    wait_for_path(driver, "/services")
    assert h1_text(driver) == "Services"


def sign_in(driver, server, email=OWNER_EMAIL, password=OWNER_PASSWORD):
    driver.get(server.base_url + "/login")
    wait(driver).until(EC.visibility_of_element_located((By.ID, "email")))
    fill(driver, "email", email)
    fill(driver, "password", password)
    submit(driver, 'form[action="/login"]')


def sign_out(driver):
    form = driver.find_element(By.CSS_SELECTOR, 'form[action="/logout"]')
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    assert button.text.strip() == "Sign out"
    old_html = driver.find_element(By.TAG_NAME, "html")
    click(driver, 'form[action="/logout"] button[type=submit]')
    wait(driver).until(EC.staleness_of(old_html))


def test_setup_sign_in_create_service_and_see_it_listed(server, browser):
    driver = browser
    complete_setup(driver, server)
    assert driver.find_elements(By.CSS_SELECTOR, 'a[href="/services/new"]'), "no 'New service' link for the owner"
    assert driver.find_element(By.CSS_SELECTOR, 'a[href="/services/new"]').text.strip() == "New service"

    # Sign out, and back in with the password chosen at setup.
    sign_out(driver)
    wait_for_path(driver, "/login")
    assert not driver.find_elements(By.CSS_SELECTOR, 'form[action="/logout"]'), "still shows Sign out after signing out"
    sign_in(driver, server)
    wait_for_path(driver, "/incidents")
    assert h1_text(driver) == "Incidents"
    driver.get(server.base_url + "/services")
    wait_for_path(driver, "/services")

    # Create a service whose name is full of HTML special characters.
    click(driver, 'a[href="/services/new"]')
    wait_for_path(driver, "/services/new")
    fill(driver, "name", SERVICE_NAME)
    fill(driver, "description", SERVICE_DESCRIPTION)
    Select(driver.find_element(By.ID, "tier")).select_by_value("1")
    fill(driver, "links", f"Dashboard | {DASHBOARD_URL}")
    submit(driver, 'form[action="/services/new"]')

    wait_for_path(driver, r"/services/[0-9A-Fa-f-]{36}")
    service_path = path_of(driver)
    # The name shows as text, exactly as typed: escaped, not parsed as markup.
    assert h1_text(driver) == SERVICE_NAME
    assert driver.find_elements(By.TAG_NAME, "api") == [], "the service name was rendered as an <api> element"
    assert SERVICE_DESCRIPTION in page_text(driver)
    assert driver.find_elements(By.CSS_SELECTOR, "main b, .lead b") == [], "the description was rendered as markup"
    assert "Tier 1" in page_text(driver)
    dashboards = driver.find_elements(By.CSS_SELECTOR, f'a[href="{DASHBOARD_URL}"]')
    assert dashboards, f"no link to {DASHBOARD_URL} on the service page"
    assert dashboards[0].text.strip() == "Dashboard"
    assert SERVICE_NAME in driver.title

    # The list shows it, as a link to its page.
    driver.get(server.base_url + "/services")
    wait_for_path(driver, "/services")
    assert h1_text(driver) == "Services"
    listed = driver.find_elements(By.CSS_SELECTOR, f'table a[href="{service_path}"]')
    assert listed, f"the services table has no link to {service_path}; page says: {page_text(driver)[:500]!r}"
    assert listed[0].text.strip() == SERVICE_NAME
    assert SERVICE_NAME in [a.text.strip() for a in driver.find_elements(By.CSS_SELECTOR, "table a")]
    assert driver.find_elements(By.TAG_NAME, "api") == []


def test_setup_link_is_single_use(server, browser):
    driver = browser
    complete_setup(driver, server)
    sign_out(driver)
    wait_for_path(driver, "/login")

    driver.get(server.setup_url)
    wait(driver).until(EC.visibility_of_element_located((By.TAG_NAME, "h1")))
    assert "already set up" in page_text(driver)
    assert not driver.find_elements(By.ID, "password_confirm"), "the setup form is offered a second time"

    # And the link still does not work when someone is signed in.
    sign_in(driver, server)
    wait_for_path(driver, "/incidents")
    driver.get(server.setup_url)
    wait(driver).until(EC.visibility_of_element_located((By.TAG_NAME, "h1")))
    assert "already set up" in page_text(driver)
    assert not driver.find_elements(By.ID, "password_confirm")


def test_wrong_password_is_refused(server, browser):
    driver = browser
    complete_setup(driver, server)
    sign_out(driver)
    wait_for_path(driver, "/login")

    sign_in(driver, server, password="not the password at all")
    alert = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".alert")))
    assert alert.get_attribute("role") == "alert"
    assert alert.text.strip(), "the alert is empty"
    assert path_of(driver) == "/login"
    assert not driver.find_elements(By.CSS_SELECTOR, 'form[action="/logout"]'), "looks signed in after a wrong password"
    # The e-mail is kept, the password is not echoed back.
    assert driver.find_element(By.ID, "email").get_attribute("value") == OWNER_EMAIL
    assert driver.find_element(By.ID, "password").get_attribute("value") == ""

    driver.get(server.base_url + "/services")
    wait_for_path(driver, "/login")
    assert driver.find_elements(By.ID, "password"), "/services did not lead to the sign-in form"

    # The right password still works afterwards.
    sign_in(driver, server)
    wait_for_path(driver, "/incidents")


def test_pages_fit_a_phone(server, browser):
    driver = browser
    driver.set_window_size(390, 844)
    complete_setup(driver, server)
    sign_out(driver)
    wait_for_path(driver, "/login")
    sign_in(driver, server)
    wait_for_path(driver, "/incidents")

    # With a service listed, so the table (not just the empty-state card) has to fit.
    driver.get(server.base_url + "/services/new")
    wait_for_path(driver, "/services/new")
    fill(driver, "name", SERVICE_NAME)
    fill(driver, "description", "Takes the money for every order placed on the web shop and in the mobile apps.")
    submit(driver, 'form[action="/services/new"]')
    wait_for_path(driver, r"/services/[0-9A-Fa-f-]{36}")

    driver.get(server.base_url + "/services")
    wait_for_path(driver, "/services")
    assert h1_text(driver) == "Services"
    assert driver.find_elements(By.CSS_SELECTOR, "table a"), "the services table is not shown"
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    inner_width = driver.execute_script("return window.innerWidth")
    assert inner_width < 500, f"the window is not phone-sized (innerWidth={inner_width})"
    scroll_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll_width <= inner_width + 1, (
        f"/services scrolls sideways on a phone: scrollWidth={scroll_width} > innerWidth={inner_width}")

    shot = "/tmp/tocsin-phone.png"
    assert driver.save_screenshot(shot)
    assert os.path.getsize(shot) > 0


def test_setup_time_zone_defaults_to_utc(server, browser):
    """An owner who leaves the time zone alone at setup ends up with UTC."""
    driver = browser
    driver.get(server.setup_url)
    wait(driver).until(EC.visibility_of_element_located((By.ID, "time_zone")))
    select = Select(driver.find_element(By.ID, "time_zone"))
    offered = [o.get_attribute("value") for o in select.options]
    preselected = select.first_selected_option.get_attribute("value")

    complete_setup(driver, server)
    driver.get(server.base_url + "/account")
    wait_for_path(driver, "/account")
    facts = driver.find_element(By.CSS_SELECTOR, "dl").text.splitlines()
    saved = facts[facts.index("Time zone") + 1] if "Time zone" in facts else None
    assert saved == "UTC", (
        f"the account's time zone is {saved!r}; setup pre-selected {preselected!r} "
        f"and 'UTC' is {'' if 'UTC' in offered else 'not '}among its {len(offered)} options")

"""The pages a responder opens at night, in a real headless chromium on a phone (390 px) and a desktop (1280 px):
no page is wider than the screen, and the navigation stays one line."""

import os
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_oncall_pages import set_value
from test_setup_flow import OWNER_EMAIL, complete_setup, fill, h1_text, path_of, submit, wait_for_path, wait_ready

# Long names without spaces are what push a page sideways.
DATABASE = "orders-database-primary-cluster-eu-west-1"
WEB = "Checkout web front end for every European shop"
LAYER = "Weekday business hours for the European web shop"

WIDTHS = (390, 1280)


def make_service(driver, server, name, description, depends_on=()):
    driver.get(server.base_url + "/services/new")
    wait_for_path(driver, "/services/new")
    fill(driver, "name", name)
    fill(driver, "description", description)
    if depends_on:
        choices = Select(driver.find_element(By.ID, "depends_on"))
        for dependency in depends_on:
            choices.select_by_visible_text(dependency)
    submit(driver, 'form[action="/services/new"]')
    wait_for_path(driver, r"/services/[0-9a-f-]{36}")
    return path_of(driver)


def make_schedule(driver, server):
    driver.get(server.base_url + "/schedules/new")
    wait_for_path(driver, "/schedules/new")
    fill(driver, "name", "Web shop primary on call")
    fill(driver, "layer0_name", LAYER)
    fill(driver, "layer0_members", OWNER_EMAIL)
    set_value(driver, "layer0_start", "2026-01-05T09:00")
    fill(driver, "layer0_length", "1")
    submit(driver, 'form[action="/schedules/new"]')
    wait_for_path(driver, r"/schedules/[0-9a-f-]{36}")
    return path_of(driver)


def nav_is_one_line(driver):
    """Every link of the main navigation sits on the same line, and the bar is no taller than one line."""
    return driver.execute_script("""
        const nav = document.querySelector('nav.top');
        const links = Array.from(nav.querySelectorAll('a'));
        const tops = new Set(links.map(a => Math.round(a.getBoundingClientRect().top)));
        const line = links[0].getBoundingClientRect().height;
        return tops.size === 1 && nav.getBoundingClientRect().height < line * 1.8;
    """)


def fit_problems(driver, server, pages, shots):
    """Opens each page at each width and says which are wider than the screen or wrap the navigation; saves a
    screenshot of each whole page (the window made as tall as the page) as NAME-WIDTH.png in `shots`."""
    problems = []
    for width in WIDTHS:
        for name, path in pages.items():
            driver.set_window_size(width, 900)
            driver.get(server.base_url + path)
            wait_ready(driver)
            assert h1_text(driver), f"{path} has no heading"
            inner = driver.execute_script("return window.innerWidth")
            scroll = driver.execute_script("return document.documentElement.scrollWidth")
            if width == 390:
                assert inner < 500, f"the window is not phone-sized (innerWidth={inner})"
            if scroll > inner:
                problems.append(f"{path} at {width} px is {scroll} px wide (screen {inner})")
            if not nav_is_one_line(driver):
                problems.append(f"the navigation wraps on {path} at {width} px")
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(max(height + 140, 900), 8000))
            shot = os.path.join(shots, f"{name}-{width}.png")
            assert driver.save_screenshot(shot) and os.path.getsize(shot) > 0
    driver.set_window_size(1280, 900)
    return problems


def test_pages_fit_the_screen_and_the_navigation_stays_one_line(server, browser):
    driver = browser
    complete_setup(driver, server)
    database = make_service(driver, server, DATABASE, "Keeps every order; the web front end cannot take one without it.")
    web = make_service(driver, server, WEB, "What customers see.", depends_on=[DATABASE])
    # A person's report opens an incident (and its alert) on the front end.
    driver.get(server.base_url + web)
    driver.find_element(By.CSS_SELECTOR, "details summary").click()
    fill(driver, "summary", "Customers-cannot-pay-with-any-card-since-03:00-in-every-country")
    submit(driver, f'form[action="{web}/reports"]')
    schedule = make_schedule(driver, server)
    driver.get(server.base_url + "/incidents")
    wait_ready(driver)
    incident = driver.find_element(By.CSS_SELECTOR, 'a[href^="/incidents/"]').get_attribute("href").replace(server.base_url, "")

    shots = tempfile.mkdtemp(prefix="tocsin-phone-layout-")
    pages = {"incidents": "/incidents", "incident": incident, "alerts": "/alerts", "services": "/services", "service": database,
             "schedule": schedule, "burden": "/reports/oncall"}
    problems = fit_problems(driver, server, pages, shots)
    print(f"screenshots in {shots}")
    assert not problems, "\n".join(problems)

    # On a phone the diagram keeps its size and scrolls inside its box instead of shrinking its names.
    driver.set_window_size(390, 900)
    driver.get(server.base_url + database)
    wait_ready(driver)
    diagram = driver.find_element(By.CSS_SELECTOR, "svg.deps")
    drawn = int(diagram.get_attribute("width"))
    assert drawn > 390 and diagram.size["width"] == drawn, f"the {drawn} px diagram was shrunk to {diagram.size['width']} px"
    box = driver.find_element(By.CSS_SELECTOR, ".scroll-x")
    assert driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", box)
    driver.execute_script("arguments[0].scrollIntoView()", diagram)
    assert driver.save_screenshot(os.path.join(shots, "service-diagram-390.png"))
    # A table row read as a card names its columns.
    driver.get(server.base_url + "/services")
    wait_ready(driver)
    label = driver.execute_script(
        "return getComputedStyle(document.querySelector('td[data-label=\"Tier\"]'), '::before').content")
    assert label == '"Tier"', f"the Tier cell shows {label!r} before its value"

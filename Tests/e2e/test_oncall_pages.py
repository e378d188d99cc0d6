"""On-call pages in a real headless chromium: build a schedule in the form, read its timeline, see who is on call."""

import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from test_setup_flow import OWNER_NAME, OWNER_EMAIL, complete_setup, fill, h1_text, path_of, submit, wait, wait_for_path, wait_ready


def set_value(driver, field_id, value):
    """Date and time inputs take typing in the browser's locale; set them the way a picker does."""
    element = driver.find_element(By.ID, field_id)
    driver.execute_script("arguments[0].value = arguments[1]", element, value)
    assert element.get_attribute("value") == value


def test_build_a_schedule_and_read_its_timeline(server, browser):
    driver = browser
    complete_setup(driver, server)
    driver.get(server.base_url + "/oncall")
    assert h1_text(driver) == "On call now"
    driver.find_element(By.LINK_TEXT, "New schedule").click()
    wait_for_path(driver, "/schedules/new")

    fill(driver, "name", "Primary <on call>")
    fill(driver, "layer0_name", "Everyone")
    fill(driver, "layer0_members", OWNER_EMAIL)
    set_value(driver, "layer0_start", "2026-01-05T09:00")
    fill(driver, "layer0_length", "1")
    fill(driver, "layer0_restrictions", "mon-fri 00:00-24:00\nsat,sun 10:00-14:00")
    submit(driver, 'form[action="/schedules/new"]')
    wait_for_path(driver, r"/schedules/[0-9a-f-]{36}")
    assert h1_text(driver) == "Primary <on call>"

    timeline = wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "svg.timeline")))
    labels = [t.text for t in timeline.find_elements(By.TAG_NAME, "text")]
    assert "Everyone" in labels and "Final" in labels and "Overrides" in labels
    assert len(timeline.find_elements(By.CSS_SELECTOR, "rect")) >= 2, "the layer and the final line each have bars"
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "Nobody is on call" in body, "weekend nights are not covered"
    assert re.search(r"Everyone: Ada Owner, each for a week, from 2026-01-05T09:00", body)

    # On a phone the timeline scrolls inside its box; the page itself does not.
    driver.set_window_size(390, 844)
    wait_ready(driver)
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = driver.find_element(By.CSS_SELECTOR, ".scroll-x")
    assert driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", box)

    driver.get(server.base_url + "/my/shifts")
    assert h1_text(driver) == "My shifts"
    link = driver.find_element(By.CSS_SELECTOR, 'input[aria-label="Your calendar link"]').get_attribute("value")
    assert re.search(r"/calendar/users/[0-9a-f-]{36}/[A-Za-z0-9_-]+\.ics$", link)

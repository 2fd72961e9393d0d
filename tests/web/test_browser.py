"""The archive browser in a real browser: Debian's chromium driven by Selenium, headless.

Runs against the demo archive (`newsspider demo`, built once per session) and the tests' own
sealed archive (a URL in two revisions, a capture whose script tries to escape). Screenshots
go to the test's output folder. Without chromium the tests are skipped, except under CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from newsspider.config import load_config
from newsspider.web.app import create_app
from newsspider.web.cli import jobs_reporter
from newsspider.web.server import BackgroundServer
from newsspider.web.settings import WebSettings
from tests.web.conftest import NOW, REVISED_URL

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_SECONDS = 10

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        reason = f"{', '.join(missing)} not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.implicitly_wait(WAIT_SECONDS)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def demo_config(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("demo")
    subprocess.run(
        [sys.executable, "-m", "newsspider", "demo", "--workdir", str(workdir)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return load_config(workdir / "newsspider.toml")


@pytest.fixture(scope="module")
def demo_site(demo_config) -> Iterator[str]:
    app = create_app(demo_config, WebSettings(), reporter=jobs_reporter(demo_config))
    with BackgroundServer(app) as server:
        yield server.url


@pytest.fixture(scope="module")
def test_site(sealed) -> Iterator[str]:
    with BackgroundServer(create_app(sealed.config, WebSettings(), clock=lambda: NOW)) as server:
        yield server.url


def _texts(driver, css: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, css)]


def test_search_for_a_phrase_lists_the_stories_with_the_words_marked(browser, demo_site, shots):
    from selenium.webdriver.common.by import By

    browser.get(demo_site + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys('"heavy casualties" kursk')
    box.submit()
    titles = _texts(browser, ".result h2")
    assert "N. Korean troops suffer heavy casualties in Kursk fighting: NIS" in titles
    assert {"heavy", "casualties"} <= {t.lower() for t in _texts(browser, "mark")}
    assert "q=%22heavy+casualties%22+kursk" in browser.current_url  # a permalink
    browser.save_screenshot(str(shots / "search.png"))


def test_story_group_shows_both_outlets_of_the_yonhap_story(browser, demo_site, shots):
    from selenium.webdriver.common.by import By

    browser.get(demo_site + "/search?" + urlencode({"q": '"mounting casualties"'}))
    browser.find_element(By.CSS_SELECTOR, ".result h2 a").click()
    browser.find_element(By.LINK_TEXT, "Story group").click()
    assert _texts(browser, "table.copies td.source") == ["yonhap-test", "koreatimes-test"]
    assert browser.find_elements(By.CSS_SELECTOR, ".copy ins, .copy del")
    browser.save_screenshot(str(shots / "group.png"))


def test_revision_diff_marks_the_changed_words(browser, test_site, shots):
    browser.get(test_site + "/revisions?" + urlencode({"url": REVISED_URL}))
    assert "3,000" in _texts(browser, ".revision ins")
    assert "1,000" in _texts(browser, ".revision del")
    assert "Sunday." in _texts(browser, ".revision ins")
    browser.save_screenshot(str(shots / "revisions.png"))


def test_archived_script_does_not_run_in_the_raw_capture(browser, test_site, sealed, shots):
    from selenium.webdriver.common.by import By

    hostile = sealed.ids["hostile"]
    browser.get(f"{test_site}/articles/{hostile}/capture")
    frame = browser.find_element(By.CSS_SELECTOR, "iframe.capture")
    browser.switch_to.frame(frame)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Archived copy"
    title = browser.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    assert title == "captured"  # the script would have renamed it
    browser.switch_to.default_content()
    assert browser.title == "Raw capture · newsspider"
    assert not browser.find_elements(By.ID, "pwned")
    browser.save_screenshot(str(shots / "capture.png"))
    browser.get(f"{test_site}/captures/{hostile}")  # opened on its own, still inert
    assert browser.title == "captured"


def test_dashboard_renders_jobs_and_the_yield_chart(browser, demo_site, shots):
    from selenium.webdriver.common.by import By

    browser.get(demo_site + "/dashboard")
    assert browser.find_element(By.CSS_SELECTOR, "svg.chart").is_displayed()
    assert "crawl:korea" in browser.page_source
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart rect")) == 5
    browser.save_screenshot(str(shots / "dashboard.png"))

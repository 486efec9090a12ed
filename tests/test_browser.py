"""The login and consent pages in headless Chromium, clicked like a person."""

import os
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from conftest import CLIENT_ID, DEMO_REDIRECT_URI

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = "/tmp/consent.png"

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"no system Chromium at {CHROMIUM}", allow_module_level=True)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
)


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium; Playwright's own browser download is never used."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def test_log_in_tick_an_organizer_and_authorize(live_server, page):
    callbacks = []

    def answer_callback(route):
        # Nothing listens on 8765: the browser gets this page instead.
        callbacks.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="received")

    page.route(DEMO_REDIRECT_URI + "*", answer_callback)
    query = urlencode(
        {
            "client_id": CLIENT_ID,
            "response_type": "code",
            "redirect_uri": DEMO_REDIRECT_URI,
            "scope": "read write",
            "state": "browser-state",
        }
    )
    page.goto(f"{live_server.url}/api/v1/oauth/authorize?{query}")

    page.get_by_label("Email").fill("partner@example.com")
    page.get_by_label("Password").fill("sandbox")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Acme Tickets").check()
    page.screenshot(path=SCREENSHOT, full_page=False)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(DEMO_REDIRECT_URI + "*")

    assert len(callbacks) == 1
    query = parse_qs(urlsplit(callbacks[0]).query)
    assert len(query["code"][0]) == 30
    assert query["state"] == ["browser-state"]
    assert page.content().count("received") == 1


def test_authorize_without_an_organizer_shows_the_error(live_server, page):
    query = urlencode(
        {
            "client_id": CLIENT_ID,
            "response_type": "code",
            "redirect_uri": DEMO_REDIRECT_URI,
        }
    )
    page.goto(f"{live_server.url}/api/v1/oauth/authorize?{query}")
    page.get_by_label("Email").fill("ops@example.com")
    page.get_by_label("Password").fill("sandbox")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("button", name="Authorize").click()

    alert = page.get_by_role("alert")
    assert alert.inner_text() == "This field is required."
    assert page.get_by_label("Stockholm Jazz Week").is_visible()

"""The whole "Connect with pretix" flow over real HTTP, as a partner's client."""

import pytest
import requests
from conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO_REDIRECT_URI,
    form_fields,
    organizer_id,
)
from requests_oauthlib import OAuth2Session


def log_in_and_consent(browser: requests.Session, authorize_url: str, organizer) -> str:
    """Post the login and consent forms; the callback URL with the code."""
    login = browser.get(authorize_url)
    assert "/control/login" in login.url
    fields = form_fields(login.text)
    browser.post(
        login.url.split("?", 1)[0],
        data={**fields, "email": "partner@example.com", "password": "sandbox"},
        allow_redirects=False,
    )

    consent = browser.get(authorize_url)
    assert consent.status_code == 200
    data = {
        **form_fields(consent.text),
        "organizers": [str(organizer)],
        "allow": "Authorize",
    }
    answer = browser.post(consent.url, data=data, allow_redirects=False)

    assert answer.status_code == 302
    return answer.headers["Location"]


@pytest.fixture
def partner(live_server, monkeypatch):
    """requests-oauthlib's session for the demo client, plus a cookie jar."""
    # The live server speaks http on loopback; oauthlib refuses that otherwise.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    session = OAuth2Session(
        CLIENT_ID, redirect_uri=DEMO_REDIRECT_URI, scope=["read", "write"]
    )
    with session, requests.Session() as browser:
        yield session, browser


def test_partner_connects_uses_refreshes_and_revokes(app, live_server, partner):
    session, browser = partner
    base = live_server.url
    token_url = f"{base}/api/v1/oauth/token"

    authorize_url, state = session.authorization_url(f"{base}/api/v1/oauth/authorize")
    acme = organizer_id(app, "acme")
    callback = log_in_and_consent(browser, authorize_url, acme)
    token = session.fetch_token(
        token_url, authorization_response=callback, client_secret=CLIENT_SECRET
    )

    assert f"state={state}" in callback
    assert token["scope"] == ["read", "write"]
    resellers = session.get(f"{base}/api/v1/var/")
    assert resellers.status_code == 200
    assert resellers.json()["count"] == 2

    created = session.post(
        f"{base}/api/v1/var/1/create_organizer/",
        json={"name": "Live Test", "slug": "live-test"},
    )
    assert created.status_code == 201
    shown = session.get(f"{base}/api/v1/organizers/live-test/")
    assert shown.json()["slug"] == "live-test"

    old_access = token["access_token"]
    renewed = session.refresh_token(
        token_url, auth=(CLIENT_ID, CLIENT_SECRET), refresh_token=token["refresh_token"]
    )
    assert renewed["refresh_token"] == token["refresh_token"]
    stale = requests.get(
        f"{base}/api/v1/var/", headers={"Authorization": f"Bearer {old_access}"}
    )
    assert stale.status_code == 401
    assert session.get(f"{base}/api/v1/organizers/live-test/").status_code == 200

    revoked = requests.post(
        f"{base}/api/v1/oauth/revoke_token",
        data={"token": renewed["refresh_token"], "token_type_hint": "refresh_token"},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert revoked.status_code == 200
    assert revoked.content == b""
    assert session.get(f"{base}/api/v1/var/").status_code == 401


def test_live_server_url_and_restart(app):
    from sandbox.live_server import LiveServer

    server = LiveServer(app)
    with pytest.raises(RuntimeError):
        server.url  # noqa: B018

    with server:
        first = requests.get(server.url + "/api/v1/oauth/token")
        assert server.url.startswith("http://127.0.0.1:")

    assert first.status_code == 405
    with pytest.raises(RuntimeError):
        server.url  # noqa: B018


def test_connect_example_runs(app, live_server, monkeypatch, capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent.parent / "examples" / "connect_with_pretix.py"
    spec = importlib.util.spec_from_file_location("connect_with_pretix", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    acme = organizer_id(app, "acme")

    def paste(_prompt: str) -> str:
        url = capsys.readouterr().out.split()[-1]
        with requests.Session() as browser:
            return log_in_and_consent(browser, url, acme)

    monkeypatch.setattr("builtins.input", paste)

    example.main(live_server.url)

    output = capsys.readouterr().out
    assert "Scopes granted: profile read write" in output
    assert "Connected as partner@example.com" in output
    assert "reseller 1: ticketshop.live Ltd & Co. KG" in output

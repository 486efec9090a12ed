"""The operator's log: one line per request, and never a token."""

import logging
import re

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, READ_WRITE, bearer

LINE = re.compile(r"^(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) [\d.]+ms$")


def _request_lines(caplog) -> list[re.Match]:
    records = [r for r in caplog.records if r.name == "sandbox.requests"]
    assert all(record.levelno == logging.INFO for record in records)
    return [LINE.match(record.getMessage()) for record in records]


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        pytest.param("GET", "/api/v1/var/", bearer(READ_WRITE), "200", id="ok"),
        pytest.param("GET", "/api/v1/var/", {}, "401", id="refused"),
        pytest.param("POST", "/api/v1/organizers", {}, "404", id="html-404"),
        pytest.param("GET", "/api/v1/var", {}, "301", id="redirect"),
    ],
)
def test_each_request_logs_one_info_line(client, caplog, method, path, headers, status):
    caplog.set_level(logging.INFO, logger="sandbox")

    client.open(path, method=method, headers=headers)

    [line] = _request_lines(caplog)
    assert line is not None
    assert (line["method"], line["path"], line["status"]) == (method, path, status)


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        pytest.param(f"/api/v1/var/?access_token={READ_WRITE}", {}, id="query"),
        pytest.param("/api/v1/var/", bearer(READ_WRITE), id="header"),
        pytest.param(
            f"/api/v1/var?access_token={READ_WRITE}", {}, id="query-redirected"
        ),
    ],
)
def test_tokens_never_reach_the_log(client, caplog, url, headers):
    caplog.set_level(logging.DEBUG)

    client.get(url, headers=headers)

    assert caplog.records
    assert READ_WRITE not in caplog.text


def test_the_live_server_logs_no_query_string(app, live_server, caplog):
    import requests

    caplog.set_level(logging.DEBUG)

    requests.get(f"{live_server.url}/api/v1/var/?access_token={READ_WRITE}")

    # urllib3 is the test's own client; everything else is the server's.
    server_lines = [
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith("urllib3")
    ]
    assert server_lines
    assert not [line for line in server_lines if READ_WRITE in line]


def test_a_full_oauth_flow_leaves_no_secret_in_logs_or_journal(client, oauth, caplog):
    caplog.set_level(logging.DEBUG)
    oauth.login()
    code = oauth.code()
    tokens = oauth.exchange(code).get_json()
    client.get("/api/v1/var/", headers=bearer(tokens["access_token"]))
    refreshed = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(CLIENT_ID, CLIENT_SECRET),
    ).get_json()
    client.post(
        "/api/v1/oauth/revoke_token",
        data={"token": refreshed["refresh_token"]},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )

    journal = client.get("/_sandbox/requests?limit=1000").get_data(as_text=True)

    secrets = {
        "code": code,
        "access token": tokens["access_token"],
        "refreshed access token": refreshed["access_token"],
        "refresh token": tokens["refresh_token"],
        "client secret": CLIENT_SECRET,
        "password": "password=sandbox",
    }
    for name, secret in secrets.items():
        assert secret not in caplog.text, f"{name} in the log"
        assert secret not in journal, f"{name} in the journal"

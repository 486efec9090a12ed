"""The token endpoint, byte for byte: codes, refreshes and every error row."""

import base64
import re

import pytest
from conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEMO_REDIRECT_URI,
    add_application,
    bearer,
    organizer_id,
    shift_clock,
)

TOKEN_URL = "/api/v1/oauth/token"
INVALID_CLIENT = b'{"error": "invalid_client"}'
INVALID_GRANT = b'{"error": "invalid_grant"}'
UNSUPPORTED = b'{"error": "unsupported_grant_type"}'
UNAUTHORIZED = b'{"error": "unauthorized_client"}'
DEMO_REFRESH = "sandboxRefreshDemo000000000001"


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def assert_no_store(response) -> None:
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"
    assert response.headers["Content-Type"] == "application/json"


def refresh(client, refresh_token, **extra):
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra}
    return client.post(TOKEN_URL, data=data, auth=(CLIENT_ID, CLIENT_SECRET))


# Success


def test_code_exchange_body_is_pretix_json(oauth):
    oauth.login()
    code = oauth.code(scope="read write")

    response = oauth.exchange(code)

    assert response.status_code == 200
    assert_no_store(response)
    pattern = (
        rb'\{"access_token": "[A-Za-z0-9]{30}", "expires_in": 86400, '
        rb'"token_type": "Bearer", "scope": "read write", '
        rb'"refresh_token": "[A-Za-z0-9]{30}"\}'
    )
    assert re.fullmatch(pattern, response.data)


def test_client_credentials_in_the_body_work(client, oauth):
    oauth.login()
    code = oauth.code()

    response = client.post(
        TOKEN_URL,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": DEMO_REDIRECT_URI,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )

    assert response.status_code == 200


def test_profile_token_reads_me(client, oauth):
    oauth.login()
    location = client.get(oauth.authorize_url(scope="profile")).headers["Location"]
    code = re.search(r"code=([A-Za-z0-9]+)", location).group(1)
    token = oauth.exchange(code).get_json()

    response = client.get("/api/v1/me", headers=bearer(token["access_token"]))

    assert token["scope"] == "profile"
    assert response.data == (
        b'{"email":"partner@example.com","fullname":"Partner Person",'
        b'"locale":"en","is_staff":false,"timezone":"UTC"}'
    )
    organizers = client.get(
        "/api/v1/organizers/", headers=bearer(token["access_token"])
    )
    assert organizers.status_code == 403


# Errors, one row of the table each


def _post(client, data=None, headers=None, **kwargs):
    return client.post(TOKEN_URL, data=data, headers=headers or {}, **kwargs)


CLIENT_ERRORS = [
    ("wrong-secret", basic(CLIENT_ID, "wrong"), {}),
    ("unknown-client", basic("unknownClient", CLIENT_SECRET), {}),
    ("no-client-auth", {}, {}),
    ("id-without-secret", {}, {"client_id": CLIENT_ID}),
    ("wrong-secret-in-body", {}, {"client_id": CLIENT_ID, "client_secret": "x"}),
    ("undecodable-basic", {"Authorization": "Basic !!!not-base64"}, {}),
    ("basic-without-colon", {"Authorization": "Basic Zm9v"}, {}),
]


@pytest.mark.parametrize(
    ("headers", "credentials"),
    [row[1:] for row in CLIENT_ERRORS],
    ids=[row[0] for row in CLIENT_ERRORS],
)
@pytest.mark.parametrize("grant_type", ["authorization_code", "refresh_token"])
def test_bad_client_is_401_invalid_client(client, headers, credentials, grant_type):
    data = {
        "grant_type": grant_type,
        "code": "x" * 30,
        "refresh_token": DEMO_REFRESH,
        "redirect_uri": DEMO_REDIRECT_URI,
        **credentials,
    }

    response = _post(client, data, headers)

    assert response.status_code == 401
    assert response.data == INVALID_CLIENT
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_client"'
    assert_no_store(response)


@pytest.mark.parametrize(
    "code",
    ["unknown", "expired", "reused", "other-client"],
)
def test_bad_code_is_invalid_grant(app, client, oauth, code):
    oauth.login()
    value = oauth.code()
    if code == "unknown":
        value = "x" * 30
    elif code == "expired":
        shift_clock(app, 61)
    elif code == "reused":
        oauth.exchange(value)
    else:
        add_application(app, "otherClient", DEMO_REDIRECT_URI)
        response = client.post(
            TOKEN_URL,
            data={
                "grant_type": "authorization_code",
                "code": value,
                "redirect_uri": DEMO_REDIRECT_URI,
            },
            auth=("otherClient", "other-secret"),
        )
        assert response.status_code == 400
        assert response.data == INVALID_GRANT
        return

    response = oauth.exchange(value)

    assert response.status_code == 400
    assert response.data == INVALID_GRANT
    assert_no_store(response)


@pytest.mark.parametrize(
    ("redirect_uri", "description"),
    [
        ("http://localhost:8765/callback", "Mismatching redirect URI."),
        (None, "Missing redirect URI."),
    ],
    ids=["mismatching", "missing"],
)
def test_redirect_uri_must_match_authorize(oauth, redirect_uri, description):
    oauth.login()
    code = oauth.code()

    response = oauth.exchange(code, redirect_uri=redirect_uri)

    assert response.status_code == 400
    assert response.data == (
        b'{"error": "invalid_request", "error_description": "'
        + description.encode()
        + b'"}'
    )
    assert_no_store(response)


@pytest.mark.parametrize(
    ("data", "body"),
    [
        (
            {"grant_type": "authorization_code", "redirect_uri": DEMO_REDIRECT_URI},
            b'{"error": "invalid_request", '
            b'"error_description": "Missing code parameter."}',
        ),
        (
            {"grant_type": "refresh_token"},
            b'{"error": "invalid_request", '
            b'"error_description": "Missing refresh token parameter."}',
        ),
        ({"grant_type": "refresh_token", "refresh_token": "x" * 30}, INVALID_GRANT),
        ({}, UNSUPPORTED),
        ({"grant_type": "magic"}, UNSUPPORTED),
        ({"grant_type": "password", "username": "a", "password": "b"}, UNAUTHORIZED),
        ({"grant_type": "client_credentials"}, UNAUTHORIZED),
    ],
    ids=[
        "no-code",
        "no-refresh-token",
        "unknown-refresh-token",
        "no-grant-type",
        "unknown-grant-type",
        "password",
        "client-credentials",
    ],
)
def test_request_errors(client, data, body):
    response = _post(client, data, auth=(CLIENT_ID, CLIENT_SECRET))

    assert response.status_code == 400
    assert response.data == body
    assert_no_store(response)


def test_empty_body_is_unsupported_grant_type(client):
    response = client.post(TOKEN_URL, auth=(CLIENT_ID, CLIENT_SECRET))

    assert response.status_code == 400
    assert response.data == UNSUPPORTED


def test_json_body_is_unsupported_grant_type(client):
    response = client.post(
        TOKEN_URL,
        json={"grant_type": "refresh_token", "refresh_token": DEMO_REFRESH},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )

    assert response.status_code == 400
    assert response.data == UNSUPPORTED


def test_get_is_405_with_an_empty_page(client):
    response = client.get(TOKEN_URL)

    assert response.status_code == 405
    assert response.data == b""
    assert response.mimetype == "text/html"
    assert response.headers["Allow"] == "POST, OPTIONS"


@pytest.mark.parametrize(
    "path", ["/api/v1/oauth/token/", "/api/v1/oauth/revoke_token/"]
)
def test_trailing_slash_is_404(client, path):
    response = client.post(path)

    assert response.status_code == 404
    assert response.mimetype == "text/html"


# Refresh


def test_refresh_keeps_the_refresh_token_and_kills_the_old_access(client, oauth):
    first = oauth.tokens()

    response = refresh(client, first["refresh_token"])

    assert response.status_code == 200
    assert_no_store(response)
    second = response.get_json()
    assert list(second) == [
        "access_token",
        "expires_in",
        "token_type",
        "scope",
        "refresh_token",
    ]
    assert second["refresh_token"] == first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    old = client.get("/api/v1/var/", headers=bearer(first["access_token"]))
    assert old.status_code == 401
    assert old.headers["WWW-Authenticate"] == "Token"
    new = client.get("/api/v1/var/", headers=bearer(second["access_token"]))
    assert new.status_code == 200


def test_narrower_scope_on_refresh_sticks(client, oauth):
    first = oauth.tokens(scope="read write")

    narrowed = refresh(client, first["refresh_token"], scope="read").get_json()
    later = refresh(client, first["refresh_token"]).get_json()

    assert narrowed["scope"] == "read"
    assert later["scope"] == "read"
    write = client.post(
        "/api/v1/var/1/create_organizer/",
        json={"name": "Nope", "slug": "nope"},
        headers=bearer(later["access_token"]),
    )
    assert write.status_code == 403


def test_wider_scope_on_refresh_is_invalid_scope(client, oauth):
    first = oauth.tokens(scope="read")

    response = refresh(client, first["refresh_token"], scope="read write")

    assert response.status_code == 400
    assert response.data == b'{"error": "invalid_scope"}'
    assert_no_store(response)


def test_refresh_token_of_another_client_is_invalid_grant(app, client, oauth):
    first = oauth.tokens()
    add_application(app, "otherClient", DEMO_REDIRECT_URI)

    response = client.post(
        TOKEN_URL,
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        auth=("otherClient", "other-secret"),
    )

    assert response.status_code == 400
    assert response.data == INVALID_GRANT


def test_organizers_carry_over_a_refresh(app, client, oauth):
    chosen = [organizer_id(app, "acme"), organizer_id(app, "eventwerk-gala")]
    first = oauth.tokens(organizers=chosen)

    second = refresh(client, first["refresh_token"]).get_json()

    listing = client.get("/api/v1/organizers/", headers=bearer(second["access_token"]))
    slugs = [item["slug"] for item in listing.get_json()["results"]]
    assert slugs == ["acme", "eventwerk-gala"]


def test_fixture_refresh_token_works(client):
    response = refresh(client, DEMO_REFRESH)

    assert response.status_code == 200
    assert response.get_json()["refresh_token"] == DEMO_REFRESH

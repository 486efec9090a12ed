"""The revocation endpoint: always 200 for a good client, and what it kills."""

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, READ_ONLY, bearer

REVOKE_URL = "/api/v1/oauth/revoke_token"


def revoke(client, token=None, auth=(CLIENT_ID, CLIENT_SECRET), **extra):
    data = {"token": token, **extra} if token is not None else extra
    return client.post(REVOKE_URL, data=data, auth=auth)


def refresh(client, refresh_token):
    return client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )


def assert_empty_page(response) -> None:
    assert response.status_code == 200
    assert response.data == b""
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("token", "hint"),
    [
        ("x" * 30, None),
        ("x" * 30, "refresh_token"),
        (READ_ONLY, "bogus"),
        (READ_ONLY, "access_token"),
    ],
    ids=["unknown", "unknown-with-hint", "bogus-hint", "access-hint"],
)
def test_revoke_answers_an_empty_page(client, token, hint):
    extra = {"token_type_hint": hint} if hint else {}

    response = revoke(client, token, **extra)

    assert_empty_page(response)


def test_revoking_twice_is_fine(client):
    revoke(client, READ_ONLY)

    response = revoke(client, READ_ONLY)

    assert_empty_page(response)


def test_missing_token_is_invalid_request(client):
    response = revoke(client)

    assert response.status_code == 400
    assert response.data == (
        b'{"error": "invalid_request", "error_description": "Missing token parameter."}'
    )
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "auth",
    [(CLIENT_ID, "wrong"), ("unknownClient", CLIENT_SECRET), None],
    ids=["wrong-secret", "unknown-client", "none"],
)
def test_bad_client_is_401(client, auth):
    response = revoke(client, READ_ONLY, auth=auth)

    assert response.status_code == 401
    assert response.data == b'{"error": "invalid_client"}'
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_client"'
    usable = client.get("/api/v1/var/", headers=bearer(READ_ONLY))
    assert usable.status_code == 200


def test_client_credentials_in_the_body_work(client):
    response = client.post(
        REVOKE_URL,
        data={
            "token": READ_ONLY,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )

    assert_empty_page(response)
    gone = client.get("/api/v1/var/", headers=bearer(READ_ONLY))
    assert gone.status_code == 401


def test_revoking_access_leaves_the_refresh_token_usable(client, oauth):
    tokens = oauth.tokens()

    revoke(client, tokens["access_token"], token_type_hint="access_token")

    gone = client.get("/api/v1/var/", headers=bearer(tokens["access_token"]))
    assert gone.status_code == 401
    renewed = refresh(client, tokens["refresh_token"])
    assert renewed.status_code == 200
    fresh = client.get(
        "/api/v1/var/", headers=bearer(renewed.get_json()["access_token"])
    )
    assert fresh.status_code == 200


@pytest.mark.parametrize("hint", [None, "refresh_token", "access_token"])
def test_revoking_refresh_kills_its_access_token(client, oauth, hint):
    tokens = oauth.tokens()
    extra = {"token_type_hint": hint} if hint else {}

    response = revoke(client, tokens["refresh_token"], **extra)

    assert_empty_page(response)
    gone = client.get("/api/v1/var/", headers=bearer(tokens["access_token"]))
    assert gone.status_code == 401
    assert refresh(client, tokens["refresh_token"]).data == (
        b'{"error": "invalid_grant"}'
    )


def test_get_is_405(client):
    response = client.get(REVOKE_URL)

    assert response.status_code == 405
    assert response.data == b""
    assert response.headers["Allow"] == "POST, OPTIONS"

"""Who may call: pretix's token authentication, its scopes and its 401s."""

import base64

import pytest
from conftest import (
    EXPIRED,
    NOBODY,
    PROFILE,
    READ_ONLY,
    READ_WRITE,
    TEAM,
    WRITE_ONLY,
    bearer,
    refresh,
    revoke,
)

NOT_PROVIDED = b'{"detail":"Authentication credentials were not provided."}'
INVALID_TOKEN = b'{"detail":"Invalid token."}'
NO_PERMISSION = b'{"detail":"You do not have permission to perform this action."}'
BASIC = "Basic " + base64.b64encode(b"partner@example.com:sandbox").decode()
ME = (
    b'{"email":"partner@example.com","fullname":"Partner Person","locale":"en",'
    b'"is_staff":false,"timezone":"UTC"}'
)


@pytest.mark.parametrize(
    ("authorization", "body"),
    [
        pytest.param(None, NOT_PROVIDED, id="none"),
        pytest.param("Bearer x", NOT_PROVIDED, id="unknown-bearer"),
        pytest.param("Bearer", NOT_PROVIDED, id="empty-bearer"),
        pytest.param(f"Bearer {EXPIRED}", NOT_PROVIDED, id="expired-bearer"),
        pytest.param(BASIC, NOT_PROVIDED, id="basic"),
        pytest.param("Token x", INVALID_TOKEN, id="unknown-team-token"),
        pytest.param(f"Token {READ_WRITE}", INVALID_TOKEN, id="oauth-token-as-token"),
        pytest.param(f"Device {TEAM}", INVALID_TOKEN, id="team-token-as-device"),
        pytest.param(
            "Token",
            b'{"detail":"Invalid token header. No credentials provided."}',
            id="empty-token",
        ),
        pytest.param(
            "Token a b",
            b'{"detail":"Invalid token header. Token string should not contain'
            b' spaces."}',
            id="token-with-space",
        ),
    ],
)
def test_bad_credentials_are_401_with_a_token_challenge(client, authorization, body):
    headers = {"Authorization": authorization} if authorization else {}

    response = client.get("/api/v1/organizers/", headers=headers)

    assert response.status_code == 401
    assert response.data == body
    assert response.headers["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/", "/api/v1/var/", "/api/v1/var/1/", "/api/v1/organizers/acme/"],
    ids=["root", "var-list", "var-detail", "organizer"],
)
def test_every_resource_endpoint_answers_401_alike(client, url):
    response = client.get(url, headers={"Authorization": "Bearer x"})

    assert response.status_code == 401
    assert response.data == NOT_PROVIDED
    assert response.headers["WWW-Authenticate"] == "Token"


def test_a_revoked_token_is_401(client):
    revoke(client, READ_WRITE)

    response = client.get("/api/v1/organizers/", headers=bearer(READ_WRITE))

    assert response.status_code == 401
    assert response.data == NOT_PROVIDED


def test_a_refreshed_away_token_is_401(client):
    new_token = refresh(client)

    old = client.get("/api/v1/organizers/", headers=bearer(READ_WRITE))
    new = client.get("/api/v1/organizers/", headers=bearer(new_token))

    assert old.status_code == 401
    assert old.data == NOT_PROVIDED
    assert new.status_code == 200


@pytest.mark.parametrize("keyword", ["bearer", "BEARER", "BeArEr"])
def test_the_bearer_keyword_is_case_insensitive(client, keyword):
    headers = {"Authorization": f"{keyword} {READ_WRITE}"}

    response = client.get("/api/v1/organizers/", headers=headers)

    assert response.status_code == 200


def test_the_token_keyword_is_case_insensitive(client):
    headers = {"Authorization": f"token {TEAM}"}

    response = client.get("/api/v1/organizers/", headers=headers)

    assert response.status_code == 200


def test_access_token_in_the_query_authenticates(client):
    response = client.get(f"/api/v1/var/?access_token={READ_WRITE}")

    assert response.status_code == 200
    assert response.json["count"] == 2


def test_access_token_in_the_query_is_carried_into_page_links(client):
    response = client.get(f"/api/v1/organizers/?access_token={READ_WRITE}")

    assert response.json["next"] == (
        f"http://localhost/api/v1/organizers/?access_token={READ_WRITE}&page=2"
    )


@pytest.mark.parametrize(
    ("token", "method", "url", "status"),
    [
        pytest.param(READ_ONLY, "GET", "/api/v1/var/", 200, id="read-reads"),
        pytest.param(READ_ONLY, "HEAD", "/api/v1/var/", 200, id="read-heads"),
        pytest.param(READ_ONLY, "OPTIONS", "/api/v1/var/", 200, id="read-options"),
        pytest.param(
            READ_ONLY,
            "POST",
            "/api/v1/var/1/create_organizer/",
            403,
            id="read-cannot-write",
        ),
        pytest.param(
            READ_ONLY, "PATCH", "/api/v1/organizers/acme/", 403, id="read-no-patch"
        ),
        pytest.param(WRITE_ONLY, "GET", "/api/v1/var/", 403, id="write-cannot-read"),
        pytest.param(
            WRITE_ONLY,
            "OPTIONS",
            "/api/v1/organizers/",
            403,
            id="write-cannot-options",
        ),
        pytest.param(
            WRITE_ONLY, "PUT", "/api/v1/organizers/acme/", 200, id="write-puts"
        ),
        pytest.param(PROFILE, "GET", "/api/v1/var/", 403, id="profile-not-var"),
        pytest.param(
            PROFILE, "GET", "/api/v1/organizers/", 403, id="profile-not-organizers"
        ),
        pytest.param(PROFILE, "GET", "/api/v1/", 403, id="profile-not-root"),
    ],
)
def test_scopes(client, token, method, url, status):
    response = client.open(url, method=method, headers=bearer(token), json={})

    assert response.status_code == status
    if status == 403:
        assert response.data == NO_PERMISSION


def test_team_tokens_are_refused_on_the_reseller_api(client):
    response = client.get("/api/v1/var/", headers={"Authorization": f"Token {TEAM}"})

    assert response.status_code == 403
    assert response.data == NO_PERMISSION
    assert "WWW-Authenticate" not in response.headers


@pytest.mark.parametrize("token", [PROFILE, READ_ONLY], ids=["profile", "read"])
def test_me_shows_the_user(client, token):
    response = client.get("/api/v1/me", headers=bearer(token))

    assert response.status_code == 200
    assert response.data == ME


def test_me_shows_a_null_fullname(client):
    response = client.get("/api/v1/me", headers=bearer(NOBODY))

    assert response.json["fullname"] is None


@pytest.mark.parametrize(
    ("authorization", "body"),
    [
        pytest.param(None, NOT_PROVIDED, id="none"),
        pytest.param("Bearer x", NOT_PROVIDED, id="unknown-bearer"),
        pytest.param(f"Bearer {EXPIRED}", NOT_PROVIDED, id="expired"),
        pytest.param(f"Token {TEAM}", NOT_PROVIDED, id="team-token"),
        pytest.param("Token a b", NOT_PROVIDED, id="malformed-token"),
        pytest.param(f"Bearer {WRITE_ONLY}", NO_PERMISSION, id="write-only"),
    ],
)
def test_me_refuses_with_403_and_no_challenge(client, authorization, body):
    headers = {"Authorization": authorization} if authorization else {}

    response = client.get("/api/v1/me", headers=headers)

    assert response.status_code == 403
    assert response.data == body
    assert "WWW-Authenticate" not in response.headers


@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {READ_WRITE}", f"Bearer {PROFILE}", f"Token {TEAM}"],
    ids=["oauth", "profile", "team-token"],
)
def test_version_accepts_any_valid_token(client, authorization):
    response = client.get("/api/v1/version", headers={"Authorization": authorization})

    assert response.status_code == 200
    assert response.data == b'{"pretix":"2026.8.0","pretix_numeric":20260080005000}'


@pytest.mark.parametrize(
    ("authorization", "body"),
    [
        pytest.param(None, NOT_PROVIDED, id="none"),
        pytest.param("Bearer x", NOT_PROVIDED, id="unknown-bearer"),
        pytest.param("Token x", INVALID_TOKEN, id="unknown-team-token"),
    ],
)
def test_version_refuses_with_403_and_no_challenge(client, authorization, body):
    headers = {"Authorization": authorization} if authorization else {}

    response = client.get("/api/v1/version", headers=headers)

    assert response.status_code == 403
    assert response.data == body
    assert "WWW-Authenticate" not in response.headers

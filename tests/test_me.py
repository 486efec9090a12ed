"""Tokens from the OAuth flow on resource endpoints: scopes and organizers."""

import pytest
from conftest import bearer, organizer_id

ME = (
    b'{"email":"partner@example.com","fullname":"Partner Person",'
    b'"locale":"en","is_staff":false,"timezone":"UTC"}'
)
NO_PERMISSION = b'{"detail":"You do not have permission to perform this action."}'


def test_only_ticked_organizers_are_listed(app, client, oauth):
    chosen = [organizer_id(app, "berlin-jazz"), organizer_id(app, "acme")]
    token = oauth.tokens(organizers=chosen)["access_token"]

    response = client.get("/api/v1/organizers/", headers=bearer(token))

    body = response.get_json()
    assert body["count"] == 2
    assert [item["slug"] for item in body["results"]] == ["acme", "berlin-jazz"]


def test_unticked_organizer_is_403(app, client, oauth):
    token = oauth.tokens(organizers=[organizer_id(app, "acme")])["access_token"]

    ticked = client.get("/api/v1/organizers/acme/", headers=bearer(token))
    unticked = client.get("/api/v1/organizers/berlin-jazz/", headers=bearer(token))

    assert ticked.status_code == 200
    assert unticked.status_code == 403
    assert unticked.data == NO_PERMISSION


@pytest.mark.parametrize(
    ("scope", "me", "read", "write"),
    [
        ("read", 200, 200, 403),
        ("write", 403, 403, 201),
        ("read write", 200, 200, 201),
        ("profile read", 200, 200, 403),
    ],
    ids=["read", "write", "read-write", "profile-read"],
)
def test_scopes_of_flow_tokens(app, client, oauth, scope, me, read, write):
    token = oauth.tokens(organizers=[organizer_id(app, "acme")], scope=scope)
    headers = bearer(token["access_token"])

    me_response = client.get("/api/v1/me", headers=headers)
    read_response = client.get("/api/v1/var/", headers=headers)
    write_response = client.post(
        "/api/v1/var/1/create_organizer/",
        json={"name": "Flow Test", "slug": "flow-test"},
        headers=headers,
    )

    assert me_response.status_code == me
    assert read_response.status_code == read
    assert write_response.status_code == write


def test_me_with_a_profile_token(client, oauth):
    oauth.login()
    location = client.get(oauth.authorize_url(scope="profile")).headers["Location"]
    code = location.split("code=", 1)[1].split("&", 1)[0]
    token = oauth.exchange(code).get_json()["access_token"]

    response = client.get("/api/v1/me", headers=bearer(token))

    assert response.status_code == 200
    assert response.data == ME


def test_me_without_a_token_is_403(client):
    response = client.get("/api/v1/me")

    assert response.status_code == 403
    assert "WWW-Authenticate" not in response.headers


def test_created_organizer_is_usable_at_once(app, client, oauth):
    token = oauth.tokens(organizers=[organizer_id(app, "acme")])["access_token"]

    created = client.post(
        "/api/v1/var/1/create_organizer/",
        json={"name": "Fresh Org", "slug": "fresh-org"},
        headers=bearer(token),
    )
    shown = client.get("/api/v1/organizers/fresh-org/", headers=bearer(token))

    assert created.status_code == 201
    assert shown.status_code == 200
    assert shown.get_json()["name"] == "Fresh Org"

"""Organizers: the list a token reaches, one organizer, and its methods."""

import pytest
from conftest import OPS, READ_ONLY, READ_WRITE, RESTRICTED, TEAM, bearer

ACME = (
    b'{"name":"Acme Tickets","slug":"acme",'
    b'"public_url":"http://localhost/acme/","plugins":[]}'
)
NO_PERMISSION = b'{"detail":"You do not have permission to perform this action."}'
TEAM_HEADERS = {"Authorization": f"Token {TEAM}"}


def _slugs(response) -> list[str]:
    return [item["slug"] for item in response.json["results"]]


def test_list_is_ordered_by_slug(client):
    response = client.get("/api/v1/organizers/?page_size=4", headers=bearer(OPS))

    assert response.status_code == 200
    assert _slugs(response) == [
        "bergen-folk",
        "eventwerk-gala",
        "hafenkino-kiel",
        "leipziger-buchtage",
    ]


def test_list_items_have_exactly_pretix_fields(client):
    response = client.get(
        "/api/v1/organizers/?page_size=1", headers={"Authorization": f"Token {TEAM}"}
    )

    assert response.data == (
        b'{"count":1,"next":null,"previous":null,"results":[' + ACME + b"]}"
    )


@pytest.mark.parametrize(
    ("ordering", "first_four"),
    [
        pytest.param(
            "-slug",
            ["zirkus-sonnenschein", "yoga-retreat-allgaeu", "x1", "weinfest-pfalz"],
            id="slug-descending",
        ),
        pytest.param(
            "-name",
            ["zirkus-sonnenschein", "yoga-retreat-allgaeu", "x1", "vhs-kurse"],
            id="name-descending",
        ),
        pytest.param(
            "name",
            ["24h-lesung", "acme", "alpenrock", "barcamp-rn"],
            id="name",
        ),
        pytest.param(
            "-bogus,-name",
            ["zirkus-sonnenschein", "yoga-retreat-allgaeu", "x1", "vhs-kurse"],
            id="unknown-term-dropped",
        ),
    ],
)
def test_list_ordering(client, ordering, first_four):
    url = f"/api/v1/organizers/?ordering={ordering}&page_size=4"

    response = client.get(url, headers=bearer(READ_WRITE))

    assert response.status_code == 200
    assert _slugs(response) == first_four


@pytest.mark.parametrize(
    "ordering", ["slug", "bogus", ""], ids=["slug", "bogus", "empty"]
)
def test_list_ordering_by_slug_is_the_default(client, ordering):
    headers = bearer(OPS)

    ordered = client.get(f"/api/v1/organizers/?ordering={ordering}", headers=headers)
    default = client.get("/api/v1/organizers/", headers=headers)

    assert _slugs(ordered) == _slugs(default)


def test_a_restricted_token_lists_only_the_organizers_ticked(client):
    response = client.get("/api/v1/organizers/", headers=bearer(RESTRICTED))

    assert response.json["count"] == 2
    assert _slugs(response) == ["acme", "berlin-jazz"]


def test_a_team_token_lists_its_one_organizer(client):
    response = client.get("/api/v1/organizers/", headers=TEAM_HEADERS)

    assert response.status_code == 200
    assert _slugs(response) == ["acme"]


def test_detail_shows_the_organizer(client):
    response = client.get("/api/v1/organizers/acme/", headers=bearer(READ_WRITE))

    assert response.status_code == 200
    assert response.data == ACME


def test_detail_works_with_a_team_token(client):
    response = client.get("/api/v1/organizers/acme/", headers=TEAM_HEADERS)

    assert response.data == ACME


@pytest.mark.parametrize(
    ("token", "slug"),
    [
        pytest.param(READ_WRITE, "no-such-organizer", id="missing"),
        pytest.param(READ_WRITE, "stockholm-jazz", id="not-a-member"),
        pytest.param(READ_WRITE, "solo-events", id="outside-every-reseller"),
        pytest.param(RESTRICTED, "alpenrock", id="not-ticked"),
        pytest.param(READ_WRITE, "ACME", id="slug-case-differs"),
        pytest.param(READ_WRITE, "studio.k", id="mixed-case-slug-lowered"),
        pytest.param(TEAM, "berlin-jazz", id="other-organizer-of-team-token"),
    ],
)
def test_detail_out_of_reach_is_403_never_404(client, token, slug):
    scheme = "Token" if token == TEAM else "Bearer"
    headers = {"Authorization": f"{scheme} {token}"}

    response = client.get(f"/api/v1/organizers/{slug}/", headers=headers)

    assert response.status_code == 403
    assert response.data == NO_PERMISSION


def test_detail_finds_a_mixed_case_slug_as_written(client):
    response = client.get("/api/v1/organizers/Studio.K/", headers=bearer(READ_WRITE))

    assert response.status_code == 200
    assert response.json["slug"] == "Studio.K"


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_updates_answer_200_and_ignore_name_and_slug(client, method):
    body = {"name": "Renamed", "slug": "renamed"}

    response = client.open(
        "/api/v1/organizers/acme/", method=method, headers=bearer(READ_WRITE), json=body
    )

    assert response.status_code == 200
    assert response.data == ACME
    after = client.get("/api/v1/organizers/acme/", headers=bearer(READ_WRITE))
    assert after.data == ACME


def test_update_needs_the_write_scope(client):
    response = client.patch(
        "/api/v1/organizers/acme/", headers=bearer(READ_ONLY), json={}
    )

    assert response.status_code == 403
    assert response.data == NO_PERMISSION


def test_update_with_a_list_body_is_400(client):
    response = client.put(
        "/api/v1/organizers/acme/", headers=bearer(READ_WRITE), json=[]
    )

    assert response.status_code == 400
    assert response.data == (
        b'{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}'
    )


def test_update_of_an_organizer_out_of_reach_is_403(client):
    response = client.patch(
        "/api/v1/organizers/alpenrock/", headers=bearer(RESTRICTED), json={}
    )

    assert response.status_code == 403


def test_delete_is_405_with_allow(client):
    response = client.delete("/api/v1/organizers/acme/", headers=bearer(READ_WRITE))

    assert response.status_code == 405
    assert response.data == b'{"detail":"Method \\"DELETE\\" not allowed."}'
    assert response.headers["Allow"] == "GET, PUT, PATCH, HEAD, OPTIONS"


@pytest.mark.parametrize(
    ("token", "slug"),
    [
        pytest.param(READ_WRITE, "stockholm-jazz", id="organizer-out-of-reach"),
        pytest.param(READ_ONLY, "acme", id="read-only-token"),
    ],
)
def test_delete_checks_permission_before_the_method(client, token, slug):
    response = client.delete(f"/api/v1/organizers/{slug}/", headers=bearer(token))

    assert response.status_code == 403
    assert response.data == NO_PERMISSION
    assert response.headers["Allow"] == "GET, PUT, PATCH, HEAD, OPTIONS"

"""State a partner relies on: what it creates stays, for every app and token."""

import threading

import requests
from conftest import OPS, READ_WRITE, RESTRICTED, bearer, refresh

from sandbox import close_app, create_app, world

CREATE = "/api/v1/var/1/create_organizer/"
TAKEN = b'{"slug":["This slug is already in use. Please choose a different one."]}'
RACERS = 16


def _create(client, slug: str, token: str = READ_WRITE):
    body = {"name": "Created Here", "slug": slug}
    response = client.post(CREATE, json=body, headers=bearer(token))
    assert response.status_code == 201, response.data
    return response


def test_a_created_organizer_is_usable_at_once(client):
    _create(client, "fresh-org")

    detail = client.get("/api/v1/organizers/fresh-org/", headers=bearer(READ_WRITE))
    listed = client.get("/api/v1/organizers/", headers=bearer(READ_WRITE))

    assert detail.status_code == 200
    assert detail.json["name"] == "Created Here"
    assert listed.json["count"] == 60
    assert "fresh-org" in [item["slug"] for item in listed.json["results"]]


def test_a_restricted_token_reaches_what_it_created(client):
    _create(client, "mine-now", token=RESTRICTED)

    detail = client.get("/api/v1/organizers/mine-now/", headers=bearer(RESTRICTED))
    listed = client.get("/api/v1/organizers/", headers=bearer(RESTRICTED))

    assert detail.status_code == 200
    assert [item["slug"] for item in listed.json["results"]] == [
        "acme",
        "berlin-jazz",
        "mine-now",
    ]


def test_later_tokens_of_the_grant_reach_the_created_organizer(client):
    _create(client, "kept-org")

    new_token = refresh(client)
    detail = client.get("/api/v1/organizers/kept-org/", headers=bearer(new_token))

    assert detail.status_code == 200


def test_other_users_do_not_reach_the_created_organizer(client):
    _create(client, "private-org")

    detail = client.get("/api/v1/organizers/private-org/", headers=bearer(OPS))

    assert detail.status_code == 403


def test_a_created_slug_is_taken_for_every_account_and_user(client):
    _create(client, "once-only")

    again = client.post(
        "/api/v1/var/2/create_organizer/",
        json={"name": "Twice", "slug": "Once-Only"},
        headers=bearer(OPS),
    )
    assert again.status_code == 400
    assert again.data == TAKEN


def test_two_apps_on_one_database_share_their_state(app, database_url):
    other = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "other"})

    _create(app.test_client(), "shared-org")
    seen = other.test_client().get(
        "/api/v1/organizers/shared-org/", headers=bearer(READ_WRITE)
    )

    assert seen.status_code == 200
    close_app(other)


def test_the_state_survives_a_new_app_on_the_same_database(app, database_url):
    _create(app.test_client(), "survivor")
    close_app(app)

    restarted = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "again"})
    reseeded = world.prepare(restarted)
    seen = restarted.test_client().get(
        "/api/v1/organizers/survivor/", headers=bearer(READ_WRITE)
    )

    assert reseeded is False
    assert seen.status_code == 200
    close_app(restarted)


def test_racing_creations_of_one_slug_make_exactly_one_organizer(live_server):
    url = live_server.url + CREATE
    slugs = ["race-slug", "RACE-SLUG", "Race-Slug", "race-SLUG"] * (RACERS // 4)
    start = threading.Barrier(RACERS)
    answers: list[requests.Response] = []

    def race(slug: str) -> None:
        with requests.Session() as session:
            start.wait(timeout=5)
            answers.append(
                session.post(
                    url,
                    json={"name": "Racer", "slug": slug},
                    headers=bearer(READ_WRITE),
                    timeout=30,
                )
            )

    threads = [threading.Thread(target=race, args=(slug,)) for slug in slugs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [400] * (RACERS - 1)
    refused = [answer.content for answer in answers if answer.status_code == 400]
    assert set(refused) == {TAKEN}

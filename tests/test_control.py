"""The control API under /_sandbox/, through HTTP."""

import json
import time

import pytest
from conftest import READ_WRITE, bearer

from sandbox import close_app, create_app, world

NEW_ORGANIZER = {"name": "Control Test", "slug": "control-test"}
CREATE = "/api/v1/var/1/create_organizer/"


def ns(name: str) -> dict[str, str]:
    return {"X-Sandbox-Namespace": name}


def create(client, headers=None, slug="control-test"):
    body = {**NEW_ORGANIZER, "slug": slug}
    return client.post(
        CREATE, json=body, headers={**bearer(READ_WRITE), **(headers or {})}
    )


def test_namespaces_do_not_see_each_others_organizers(client):
    create(client, ns("alpha"))

    seen_in_alpha = client.get(
        "/api/v1/organizers/control-test/",
        headers={**bearer(READ_WRITE), **ns("alpha")},
    )
    seen_in_default = client.get(
        "/api/v1/organizers/control-test/", headers=bearer(READ_WRITE)
    )

    assert seen_in_alpha.status_code == 200
    assert seen_in_default.status_code == 403


def test_a_minted_token_works_only_in_its_namespace(client):
    minted = client.post(
        "/_sandbox/tokens", json={"user": "partner@example.com"}, headers=ns("beta")
    ).get_json()["access_token"]

    inside = client.get("/api/v1/var/", headers={**bearer(minted), **ns("beta")})
    outside = client.get("/api/v1/var/", headers=bearer(minted))

    assert inside.status_code == 200
    assert outside.status_code == 401


@pytest.mark.parametrize("name", ["", "-leading-dash", "a" * 65, "sp ace", "slash/"])
def test_a_malformed_namespace_is_refused(client, name):
    response = client.get("/api/v1/version", headers={"X-Sandbox-Namespace": name})

    expected = 403 if name == "" else 400
    assert response.status_code == expected


def test_reset_brings_back_the_fixtures_only_in_its_namespace(client):
    create(client, ns("gamma"), slug="gone-after-reset")
    create(client, slug="kept-elsewhere")

    reset = client.post("/_sandbox/reset", headers=ns("gamma"))

    assert reset.status_code == 200
    assert reset.get_json() == {"namespace": "gamma"}
    headers = {**bearer(READ_WRITE), **ns("gamma")}
    gone = client.get("/api/v1/organizers/gone-after-reset/", headers=headers)
    kept = client.get("/api/v1/organizers/kept-elsewhere/", headers=bearer(READ_WRITE))
    assert gone.status_code == 403
    assert kept.status_code == 200


def test_minted_token_answers_like_the_token_endpoint(client):
    response = client.post(
        "/_sandbox/tokens",
        json={"user": "partner@example.com", "scope": "read", "organizers": ["acme"]},
    )

    body = json.loads(response.data)
    assert response.status_code == 201
    assert list(body) == [
        "access_token",
        "expires_in",
        "token_type",
        "scope",
        "refresh_token",
    ]
    assert b'"expires_in": 86400' in response.data
    listed = client.get("/api/v1/organizers/", headers=bearer(body["access_token"]))
    assert [item["slug"] for item in listed.get_json()["results"]] == ["acme"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"user": "nobody-here@example.com"}, "user"),
        ({"user": "partner@example.com", "scope": "admin"}, "scope"),
        ({"user": "partner@example.com", "organizers": ["no-such-org"]}, "organizers"),
        ({"user": "partner@example.com", "client_id": "unknown"}, "client_id"),
        ({}, "user"),
    ],
    ids=["unknown-user", "bad-scope", "foreign-organizer", "unknown-client", "empty"],
)
def test_minting_refuses_bad_requests_by_field(client, payload, field):
    response = client.post("/_sandbox/tokens", json=payload)

    assert response.status_code == 400
    assert field in response.get_json()


def test_a_429_fault_fires_the_given_number_of_times_with_retry_after(client):
    rule = {"path": "/api/v1/var/*", "status": 429, "times": 2, "retry_after": 7}
    client.post("/_sandbox/faults", json=rule)

    answers = [client.get("/api/v1/var/", headers=bearer(READ_WRITE)) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "7"
    assert answers[0].data == b'{"detail":"Request was throttled."}'


def test_a_fault_matches_on_method_and_can_carry_its_own_body(client):
    rule = {"method": "POST", "path": "/api/v1/var/*", "status": 503, "body": {"x": 1}}
    client.post("/_sandbox/faults", json=rule)

    read = client.get("/api/v1/var/", headers=bearer(READ_WRITE))
    write = create(client)

    assert read.status_code == 200
    assert write.status_code == 503
    assert write.data == b'{"x":1}'


def test_a_fault_for_one_client_spares_the_others(client):
    rule = {"path": "/api/v1/oauth/token", "status": 500, "client_id": "someone-else"}
    client.post("/_sandbox/faults", json=rule)

    response = client.post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "sandboxRefreshDemo000000000001",
        },
        auth=("sandboxDemoClient00000000000000000000000", "sandbox-demo-secret"),
    )

    assert response.status_code == 200


def test_latency_faults_delay_without_changing_the_answer(client):
    client.post("/_sandbox/faults", json={"path": "/api/v1/version", "latency_ms": 150})

    started = time.perf_counter()
    response = client.get("/api/v1/version", headers=bearer(READ_WRITE))

    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.15


def test_faults_can_be_listed_and_removed(client):
    first = client.post("/_sandbox/faults", json={"path": "/a", "status": 500})
    client.post("/_sandbox/faults", json={"path": "/b", "status": 500})

    removed = client.delete(f"/_sandbox/faults/{first.get_json()['id']}")
    listed = client.get("/_sandbox/faults").get_json()["results"]
    cleared = client.delete("/_sandbox/faults")

    assert removed.status_code == 204
    assert [rule["path"] for rule in listed] == ["/b"]
    assert cleared.status_code == 204
    assert client.get("/_sandbox/faults").get_json() == {"results": []}


def test_a_fault_rule_needs_a_status_or_latency(client):
    response = client.post("/_sandbox/faults", json={"path": "/api/v1/var/"})

    assert response.status_code == 400
    assert "status" in response.get_json()


def test_advancing_the_clock_expires_tokens(client):
    client.post("/_sandbox/clock", json={"advance": 86400 * 400})

    response = client.get("/api/v1/var/", headers=bearer(READ_WRITE))

    assert response.status_code == 401


def test_a_frozen_clock_stands_still(client):
    frozen = client.post(
        "/_sandbox/clock", json={"freeze": True, "set": "2030-01-02T03:04:05Z"}
    ).get_json()
    time.sleep(0.05)

    later = client.get("/_sandbox/clock").get_json()

    assert frozen["now"] == "2030-01-02T03:04:05Z"
    assert later == frozen
    assert later["frozen"] is True


def test_expire_makes_a_token_fail_at_once(client):
    expired = client.post("/_sandbox/tokens/expire", json={"token": READ_WRITE})
    unknown = client.post("/_sandbox/tokens/expire", json={"token": "nope"})

    response = client.get("/api/v1/var/", headers=bearer(READ_WRITE))

    assert expired.status_code == 204
    assert unknown.status_code == 404
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_the_next_code_can_be_made_to_fail_at_the_token_step(client, oauth):
    oauth.login()
    client.post("/_sandbox/oauth/fail-next-code")

    doomed = oauth.exchange(oauth.code())
    fine = oauth.exchange(oauth.code())

    assert doomed.status_code == 400
    assert doomed.data == b'{"error": "invalid_grant"}'
    assert fine.status_code == 200


def test_a_snapshot_restores_the_world_as_it_was(client):
    client.post("/_sandbox/snapshots", json={"name": "before"})
    create(client, slug="made-after-snapshot")

    restored = client.post("/_sandbox/snapshots/before/restore")
    missing = client.post("/_sandbox/snapshots/never/restore")

    assert restored.status_code == 200
    assert missing.status_code == 404
    after = client.get(
        "/api/v1/organizers/made-after-snapshot/", headers=bearer(READ_WRITE)
    )
    assert after.status_code == 403
    assert client.get("/_sandbox/snapshots").get_json() == {"results": ["before"]}


def test_a_snapshot_survives_a_reset(client):
    create(client, slug="in-the-snapshot")
    client.post("/_sandbox/snapshots", json={"name": "kept"})
    client.post("/_sandbox/reset")

    client.post("/_sandbox/snapshots/kept/restore")

    back = client.get("/api/v1/organizers/in-the-snapshot/", headers=bearer(READ_WRITE))
    assert back.status_code == 200


def test_the_journal_lists_requests_newest_first_with_filters(client):
    client.get("/api/v1/var/", headers=bearer(READ_WRITE))
    create(client)
    create(client)

    everything = client.get("/_sandbox/requests").get_json()["results"]
    refused = client.get("/_sandbox/requests?status=400").get_json()["results"]
    posts = client.get("/_sandbox/requests?method=post&path=/api/v1/var/*").get_json()

    assert [entry["status"] for entry in everything] == [400, 201, 200]
    assert [entry["method"] for entry in refused] == ["POST"]
    assert posts["count"] == 2


def test_the_journal_redacts_credentials(client):
    client.get(f"/api/v1/var/?access_token={READ_WRITE}")
    client.post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "sandboxRefreshDemo000000000001",
        },
        auth=("sandboxDemoClient00000000000000000000000", "sandbox-demo-secret"),
    )

    dumped = client.get("/_sandbox/requests").get_data(as_text=True)

    assert READ_WRITE not in dumped
    assert "sandboxRefreshDemo000000000001" not in dumped
    assert '"access_token": "' not in dumped.replace("[redacted]", "")
    assert "Basic " not in dumped
    assert "[redacted]" in dumped


def test_the_journal_is_bounded_and_can_be_cleared(app, client):
    app.extensions["sandbox.journal"].keep = 5
    for _ in range(60):
        client.get("/api/v1/version", headers=bearer(READ_WRITE))

    kept = client.get("/_sandbox/requests?limit=1000").get_json()["count"]
    cleared = client.delete("/_sandbox/requests")

    assert kept <= 5
    assert cleared.status_code == 204
    assert client.get("/_sandbox/requests").get_json()["count"] == 0


def test_a_journal_size_of_zero_turns_the_journal_off(database_url, tmp_path):
    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "x", "JOURNAL_SIZE": 0}
    )
    app.instance_path = str(tmp_path / "instance")
    world.reload(app)
    client = app.test_client()

    answered = client.get("/api/v1/var/", headers=bearer(READ_WRITE))
    journal = client.get("/_sandbox/requests").get_json()

    assert answered.status_code == 200
    assert journal["count"] == 0
    close_app(app)


def test_the_admin_token_guards_the_controls_when_set(database_url, tmp_path):
    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "x", "ADMIN_TOKEN": "s3cret"}
    )
    app.instance_path = str(tmp_path / "instance")
    world.reload(app)
    client = app.test_client()

    refused = client.post("/_sandbox/reset")
    wrong = client.post("/_sandbox/reset", headers=bearer("guess"))
    allowed = client.post("/_sandbox/reset", headers=bearer("s3cret"))
    api = client.get("/api/v1/var/", headers=bearer(READ_WRITE))

    assert refused.status_code == 401
    assert wrong.status_code == 401
    assert allowed.status_code == 200
    assert api.status_code == 200
    close_app(app)


def test_the_controls_are_in_the_openapi_spec_under_their_own_tag(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    tags = spec["paths"]["/_sandbox/reset"]["post"]["tags"]
    pretix_tags = spec["paths"]["/api/v1/var/"]["get"]["tags"]

    assert tags == ["sandbox"]
    assert "sandbox" not in pretix_tags

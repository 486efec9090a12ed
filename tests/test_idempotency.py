"""``X-Idempotency-Key``: stored answers, replays, 409s, expiry and the query."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import OPS, READ_WRITE, bearer
from sqlalchemy import update

from sandbox import resellers, world
from sandbox.idempotency import KEY_LIFETIME, MAX_KEY_LENGTH
from sandbox.models import DEFAULT_NAMESPACE, Namespace
from sandbox.rendering import json_response

CREATE = "/api/v1/var/1/create_organizer/"
QUERY = "/api/v1/idempotency_query"
CONCURRENT = b'{"detail": "Concurrent request with idempotency key."}'


def keyed(key: str, token: str = READ_WRITE) -> dict[str, str]:
    """Headers with a bearer token and an idempotency key."""
    return {**bearer(token), "X-Idempotency-Key": key}


def organizer_count(client, token: str = READ_WRITE) -> int:
    """How many organizers ``token`` reaches."""
    return client.get("/api/v1/organizers/", headers=bearer(token)).get_json()["count"]


def shift_clock(app, seconds: float, namespace: str = DEFAULT_NAMESPACE) -> None:
    """Move a namespace's clock ``seconds`` ahead of real time."""
    with app.extensions["sandbox.db"].engine.begin() as connection:
        connection.execute(
            update(Namespace)
            .where(Namespace.name == namespace)
            .values(clock_offset=seconds)
        )


def same_answer(first, second) -> bool:
    """Whether two responses agree on status, headers and body, byte for byte."""
    return (
        first.status_code == second.status_code
        and list(first.headers.items()) == list(second.headers.items())
        and first.get_data() == second.get_data()
    )


@pytest.fixture
def probes(app):
    """Test-only routes: one answering a chosen status, one that crashes."""
    calls = {"count": 0}

    def answer(status: int):
        calls["count"] += 1
        return json_response({"calls": calls["count"]}, status)

    def crash():
        calls["count"] += 1
        raise RuntimeError("probe crashed")

    app.add_url_rule("/api/v1/probe/<int:status>", "probe", answer, methods=["POST"])
    app.add_url_rule("/probe/<int:status>", "outside", answer, methods=["POST"])
    app.add_url_rule("/api/v1/crash", "crash", crash, methods=["POST"])
    return calls


def test_repeat_replays_the_stored_answer_byte_for_byte(client):
    before = organizer_count(client)

    first = client.post(
        CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k")
    )
    second = client.post(
        CREATE, json={"name": "B", "slug": "idem-b"}, headers=keyed("k")
    )

    assert first.status_code == 201
    assert same_answer(first, second)
    assert organizer_count(client) == before + 1


@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("PATCH", "/api/v1/organizers/acme/", {"json": {"name": "x"}}),
        ("DELETE", "/api/v1/organizers/acme/", {}),
        ("PUT", "/api/v1/nowhere/", {"data": "{not json"}),
        ("POST", CREATE, {"data": "[", "content_type": "application/json"}),
        ("POST", CREATE, {"data": "x", "content_type": "text/plain"}),
    ],
    ids=["patch-elsewhere", "delete", "unknown-url", "bad-json", "bad-media-type"],
)
def test_repeat_replays_whatever_its_method_path_or_body(client, method, path, extra):
    first = client.post(
        CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k")
    )

    second = client.open(path, method=method, headers=keyed("k"), **extra)

    assert same_answer(first, second)


def test_replay_comes_before_content_negotiation(client):
    first = client.post(
        CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k")
    )

    second = client.post(CREATE, headers={**keyed("k"), "Accept": "text/html"})

    assert same_answer(first, second)


def test_replay_carries_no_marker_header(client):
    first = client.post(
        CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k")
    )

    second = client.post(
        CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k")
    )

    assert set(second.headers.keys()) == set(first.headers.keys())


def test_client_errors_are_stored_too(client):
    before = organizer_count(client)

    first = client.post(CREATE, json={"name": "A", "slug": "-"}, headers=keyed("k"))
    second = client.post(CREATE, json={"name": "A", "slug": "ok-a"}, headers=keyed("k"))

    assert first.status_code == 400
    assert same_answer(first, second)
    assert organizer_count(client) == before


def test_authentication_failures_are_stored_per_credentials(client):
    first = client.post(CREATE, json={}, headers=keyed("k", "unknownToken"))
    second = client.post(CREATE, json={}, headers=keyed("k", "unknownToken"))

    assert first.status_code == 401
    assert same_answer(first, second)


@pytest.mark.parametrize("status", [409, 429, 500, 503])
def test_answers_meant_for_retrying_are_not_stored(client, probes, status):
    first = client.post(f"/api/v1/probe/{status}", headers=keyed("k"))
    second = client.post(f"/api/v1/probe/{status}", headers=keyed("k"))

    assert (first.status_code, second.status_code) == (status, status)
    assert second.get_json() == {"calls": 2}


@pytest.mark.parametrize("status", [200, 201, 400, 404])
def test_other_answers_are_stored(client, probes, status):
    client.post(f"/api/v1/probe/{status}", headers=keyed("k"))
    second = client.post(f"/api/v1/probe/{status}", headers=keyed("k"))

    assert second.get_json() == {"calls": 1}


def test_a_crashed_request_frees_its_key(client, probes):
    with pytest.raises(RuntimeError):
        client.post("/api/v1/crash", headers=keyed("k"))

    with pytest.raises(RuntimeError):
        client.post("/api/v1/crash", headers=keyed("k"))

    assert probes["count"] == 2


def test_paths_outside_the_api_are_not_covered(client, probes):
    client.post("/probe/200", headers=keyed("k"))
    second = client.post("/probe/200", headers=keyed("k"))

    assert second.get_json() == {"calls": 2}


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_safe_methods_are_never_stored(client, method):
    client.open(CREATE, method=method, headers=keyed("k"))

    created = client.post(
        CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k")
    )

    assert created.status_code == 201


def test_without_a_key_every_request_runs(client):
    body = {"name": "A", "slug": "idem-a"}
    headers = keyed("")

    first = client.post(CREATE, json=body, headers=headers)
    second = client.post(CREATE, json=body, headers=headers)

    assert (first.status_code, second.status_code) == (201, 400)


def test_keys_may_have_190_characters(client):
    key = "k" * MAX_KEY_LENGTH
    client.post(CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed(key))

    second = client.post(
        CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed(key)
    )

    assert second.status_code == 201


def test_longer_keys_are_refused(client):
    before = organizer_count(client)
    key = "k" * (MAX_KEY_LENGTH + 1)

    response = client.post(
        CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed(key)
    )

    assert response.status_code == 400
    assert response.get_json() == {
        "detail": "X-Idempotency-Key may have at most 190 characters."
    }
    assert organizer_count(client) == before


def test_the_same_key_under_other_credentials_runs_normally(client):
    client.post(CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k"))

    other = client.post(
        "/api/v1/var/2/create_organizer/",
        json={"name": "B", "slug": "idem-b"},
        headers=keyed("k", OPS),
    )

    assert other.status_code == 201
    assert other.get_json()["slug"] == "idem-b"


def test_the_same_key_in_another_namespace_runs_normally(client):
    body = {"name": "A", "slug": "idem-a"}
    client.post(CREATE, json=body, headers=keyed("k"))

    other = client.post(
        CREATE, json=body, headers={**keyed("k"), "X-Sandbox-Namespace": "other"}
    )

    assert other.status_code == 201


@pytest.mark.parametrize(
    ("age", "replayed"),
    [(KEY_LIFETIME - 60, True), (KEY_LIFETIME + 1, False)],
    ids=["just-before-24h", "after-24h"],
)
def test_keys_expire_after_24_hours_on_the_namespace_clock(app, client, age, replayed):
    client.post(CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k"))
    shift_clock(app, age)

    second = client.post(
        CREATE, json={"name": "B", "slug": "idem-b"}, headers=keyed("k")
    )
    query = client.get(QUERY, query_string={"key": "k"}, headers=bearer(READ_WRITE))

    assert (second.get_json()["slug"] == "idem-a") is replayed
    assert query.get_data() == second.get_data()


def test_a_namespace_reset_forgets_its_keys(app, client):
    body = {"name": "A", "slug": "idem-a"}
    client.post(CREATE, json=body, headers=keyed("k"))

    world.reload(app)
    again = client.post(CREATE, json=body, headers=keyed("k"))

    assert again.status_code == 201
    assert again.get_json()["slug"] == "idem-a"


def test_the_oauth_token_endpoint_is_covered(client):
    data = {"grant_type": "authorization_code", "code": "nope"}
    headers = {"X-Idempotency-Key": "k"}

    first = client.post("/api/v1/oauth/token", data=data, headers=headers)
    second = client.post(
        "/api/v1/oauth/token", data={"grant_type": "password"}, headers=headers
    )

    assert first.status_code == 401
    assert same_answer(first, second)


def test_query_replays_the_stored_answer(client):
    first = client.post(
        CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k")
    )

    query = client.get(QUERY, query_string={"key": "k"}, headers=bearer(READ_WRITE))

    assert query.status_code == 201
    assert query.get_data() == first.get_data()
    assert query.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("query_string", "token", "body"),
    [
        ({"key": "k"}, OPS, b'{"detail": "Idempotency key not seen before."}'),
        (
            {"key": "other"},
            READ_WRITE,
            b'{"detail": "Idempotency key not seen before."}',
        ),
        ({}, READ_WRITE, b'{"detail": "No idempotency key given."}'),
        ({"key": ""}, READ_WRITE, b'{"detail": "No idempotency key given."}'),
    ],
    ids=["other-credentials", "unknown-key", "no-key", "empty-key"],
)
def test_query_without_a_stored_answer_is_404(client, query_string, token, body):
    client.post(CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k"))

    query = client.get(QUERY, query_string=query_string, headers=bearer(token))

    assert query.status_code == 404
    assert query.get_data() == body
    assert query.headers["Content-Type"] == "application/json"


def test_query_after_24_hours_has_forgotten_the_key(app, client):
    client.post(CREATE, json={"name": "A", "slug": "idem-a"}, headers=keyed("k"))
    shift_clock(app, KEY_LIFETIME + 1)

    query = client.get(QUERY, query_string={"key": "k"}, headers=bearer(READ_WRITE))

    assert query.status_code == 404


@pytest.fixture
def held_create(monkeypatch):
    """Make ``create_organizer`` wait, inside the view, until released."""
    entered, release = threading.Event(), threading.Event()
    original = resellers._create_organizer

    def slow(*args, **kwargs):
        entered.set()
        assert release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(resellers, "_create_organizer", slow)
    return entered, release


def test_a_repeat_while_the_first_runs_is_409(app, held_create):
    entered, release = held_create
    body = {"name": "A", "slug": "idem-a"}
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(
            app.test_client().post, CREATE, json=body, headers=keyed("k")
        )
        assert entered.wait(10)

        during = app.test_client().post(CREATE, json=body, headers=keyed("k"))
        query = app.test_client().get(
            QUERY, query_string={"key": "k"}, headers=bearer(READ_WRITE)
        )
        release.set()
        finished = first.result(timeout=10)
    after = app.test_client().post(CREATE, json=body, headers=keyed("k"))

    for answer in (during, query):
        assert answer.status_code == 409
        assert answer.get_data() == CONCURRENT
        assert answer.headers["Retry-After"] == "5"
        assert answer.headers["Content-Type"] == "application/json"
    assert finished.status_code == 201
    assert same_answer(finished, after)


def test_64_concurrent_requests_with_one_key_create_one_organizer(client, live_server):
    before = organizer_count(client)
    url = live_server.url + CREATE
    start = threading.Barrier(64)

    def post(_number: int) -> requests.Response:
        start.wait(10)
        return requests.post(
            url,
            json={"name": "Race", "slug": "race"},
            headers=keyed("race"),
            timeout=60,
        )

    with ThreadPoolExecutor(64) as pool:
        answers = list(pool.map(post, range(64)))

    statuses = {answer.status_code for answer in answers}
    created = {answer.content for answer in answers if answer.status_code == 201}
    assert statuses <= {201, 409}
    assert len(created) == 1
    assert organizer_count(client) == before + 1

"""How a partner tests a pretix reseller integration against pretix-sandbox.

Run with ``pytest examples/test_partner_integration.py``; the ``pretix_sandbox``
fixture comes from the plugin installed with pretix-sandbox.
"""

import time
from collections.abc import Callable

import requests

SLUG_TAKEN = "This slug is already in use. Please choose a different one."


# The integration under test: in a real project this lives in your package.


def get_with_retry(
    session: requests.Session,
    url: str,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> requests.Response:
    """GET ``url``, waiting out 429 and 503 answers as their Retry-After asks."""
    for _attempt in range(attempts - 1):
        response = session.get(url)
        if response.status_code not in (429, 503):
            return response

        sleep(float(response.headers.get("Retry-After", "1")))

    return session.get(url)


def create_organizer(
    session: requests.Session, base_url: str, reseller: int, name: str, slug: str
) -> requests.Response:
    """Ask pretix to create an organizer account for a new customer."""
    url = f"{base_url}/api/v1/var/{reseller}/create_organizer/"
    return session.post(url, json={"name": name, "slug": slug})


# The tests.


def test_a_new_customer_gets_an_organizer_account(pretix_sandbox):
    api = pretix_sandbox.session(token=pretix_sandbox.token())

    resellers = api.get(f"{pretix_sandbox.url}/api/v1/var/").json()
    reseller = resellers["results"][0]["id"]
    created = create_organizer(
        api, pretix_sandbox.url, reseller, "Summer Stage", "summer-stage"
    )
    fetched = api.get(f"{pretix_sandbox.url}/api/v1/organizers/summer-stage/")

    assert resellers["count"] >= 1
    assert created.status_code == 201
    assert created.json()["slug"] == "summer-stage"
    assert fetched.status_code == 200
    assert fetched.json()["name"] == "Summer Stage"


def test_a_taken_slug_is_refused_with_pretix_message(pretix_sandbox):
    api = pretix_sandbox.session(token=pretix_sandbox.token())

    response = create_organizer(api, pretix_sandbox.url, 1, "Acme again", "acme")

    assert response.status_code == 400
    assert response.json() == {"slug": [SLUG_TAKEN]}


def test_an_expired_token_is_refused(pretix_sandbox):
    token = pretix_sandbox.token()
    api = pretix_sandbox.session(token=token)
    assert api.get(f"{pretix_sandbox.url}/api/v1/var/").status_code == 200

    pretix_sandbox.expire(token)
    response = api.get(f"{pretix_sandbox.url}/api/v1/var/")

    assert response.status_code == 401


def test_throttling_is_waited_out(pretix_sandbox):
    api = pretix_sandbox.session(token=pretix_sandbox.token())
    pretix_sandbox.fault("/api/v1/var/", status=429, retry_after=7, times=2)
    waits = []

    response = get_with_retry(
        api, f"{pretix_sandbox.url}/api/v1/var/", sleep=waits.append
    )

    assert response.status_code == 200
    assert waits == [7.0, 7.0]
    statuses = [
        entry["status"] for entry in pretix_sandbox.requests(path="/api/v1/var/")
    ]
    assert statuses == [200, 429, 429]


def test_each_test_starts_from_the_fixtures(pretix_sandbox):
    api = pretix_sandbox.session(token=pretix_sandbox.token())

    response = api.get(f"{pretix_sandbox.url}/api/v1/organizers/summer-stage/")

    # pretix answers 403, not 404, for an organizer the token cannot reach.
    assert response.status_code == 403

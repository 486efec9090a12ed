"""The reseller API as a partner sees it: accounts and organizer creation."""

import json

import pytest
from conftest import (
    NOBODY,
    OPS,
    READ_ONLY,
    READ_WRITE,
    TEAM,
    WRITE_ONLY,
    bearer,
)

CREATE = "/api/v1/var/1/create_organizer/"
TICKETSHOP = (
    b'{"id":1,"name":"ticketshop.live Ltd & Co. KG",'
    b'"public_name":"ticketshop.live","public_url":"https://ticketshop.live",'
    b'"support_email":"support@ticketshop.live","support_phone":"+4962213217750",'
    b'"communication_language":"de"}'
)
NO_ACCOUNT = b'{"detail":"No ResellerAccount matches the given query."}'
NOT_FOUND = b'{"detail":"Not found."}'
NO_PERMISSION = b'{"detail":"You do not have permission to perform this action."}'
PATTERN = "The slug may only contain letters, numbers, dots and dashes."
TAKEN = "This slug is already in use. Please choose a different one."
RESERVED = (
    "download healthcheck locale control pretixdroid redirect jsi18n metrics"
    " _global __debug__ about api csp_report widget lead scheduling"
).split()


def _errors(**fields: list[str]) -> bytes:
    return json.dumps(fields, separators=(",", ":")).encode()


def test_list_shows_the_users_accounts_in_pretix_field_order(client):
    response = client.get("/api/v1/var/", headers=bearer(READ_WRITE))

    assert response.status_code == 200
    assert response.data.startswith(
        b'{"count":2,"next":null,"previous":null,"results":['
        + TICKETSHOP
        + b',{"id":2,'
    )


def test_list_shows_only_accounts_the_user_is_a_member_of(client):
    response = client.get("/api/v1/var/", headers=bearer(OPS))

    assert [item["id"] for item in response.json["results"]] == [2, 3]


def test_list_is_empty_for_a_user_without_accounts(client):
    response = client.get("/api/v1/var/", headers=bearer(NOBODY))

    assert response.status_code == 200
    assert response.data == b'{"count":0,"next":null,"previous":null,"results":[]}'


def test_detail_shows_one_account(client):
    response = client.get("/api/v1/var/1/", headers=bearer(READ_WRITE))

    assert response.status_code == 200
    assert response.data == TICKETSHOP


@pytest.mark.parametrize(
    ("reseller_id", "body"),
    [
        pytest.param("3", NO_ACCOUNT, id="account-of-another-user"),
        pytest.param("4", NO_ACCOUNT, id="missing"),
        pytest.param("0", NO_ACCOUNT, id="zero"),
        pytest.param("-1", NO_ACCOUNT, id="negative"),
        pytest.param("9" * 30, NO_ACCOUNT, id="huge"),
        pytest.param("abc", NOT_FOUND, id="not-a-number"),
        pytest.param("1.0", NOT_FOUND, id="decimal"),
    ],
)
def test_detail_of_an_account_out_of_reach_is_404(client, reseller_id, body):
    response = client.get(f"/api/v1/var/{reseller_id}/", headers=bearer(READ_WRITE))

    assert response.status_code == 404
    assert response.data == body


@pytest.mark.parametrize(
    "url", ["/api/v1/var/", "/api/v1/var/1/", CREATE], ids=["list", "detail", "create"]
)
def test_team_tokens_are_refused(client, url):
    response = client.open(
        url,
        method="POST" if url == CREATE else "GET",
        headers={"Authorization": f"Token {TEAM}"},
        json={"name": "Team", "slug": "team-org"},
    )

    assert response.status_code == 403
    assert response.data == NO_PERMISSION


def test_create_organizer_answers_201_with_id_name_slug(client):
    body = {"name": "My new client", "slug": "my-new-client"}

    response = client.post(CREATE, headers=bearer(READ_WRITE), json=body)

    assert response.status_code == 201
    created_id = response.json["id"]
    assert response.data == (
        b'{"id":%d,"name":"My new client","slug":"my-new-client"}' % created_id
    )
    assert "Location" not in response.headers


def test_create_organizer_works_with_a_write_only_token(client):
    body = {"name": "Write only", "slug": "write-only"}

    response = client.post(CREATE, headers=bearer(WRITE_ONLY), json=body)

    assert response.status_code == 201


def test_create_organizer_needs_the_write_scope(client):
    body = {"name": "Read only", "slug": "read-only"}

    response = client.post(CREATE, headers=bearer(READ_ONLY), json=body)

    assert response.status_code == 403
    assert response.data == NO_PERMISSION


def test_create_organizer_keeps_the_slugs_case(client):
    body = {"name": "Mixed", "slug": "MixedCase.Org"}

    response = client.post(CREATE, headers=bearer(READ_WRITE), json=body)

    assert response.json["slug"] == "MixedCase.Org"


def test_create_organizer_trims_name_and_slug(client):
    body = {"name": "  Trimmed  ", "slug": "\t trimmed-slug \n"}

    response = client.post(CREATE, headers=bearer(READ_WRITE), json=body)

    assert response.status_code == 201
    assert (response.json["name"], response.json["slug"]) == ("Trimmed", "trimmed-slug")


def test_create_organizer_takes_numbers_as_text(client):
    body = {"name": 2026, "slug": 42}

    response = client.post(CREATE, headers=bearer(READ_WRITE), json=body)

    assert response.status_code == 201
    assert (response.json["name"], response.json["slug"]) == ("2026", "42")


@pytest.mark.parametrize(
    "slug", ["ab", "a" * 50, "a.b-c", "2x", "API", "Download"], ids=str
)
def test_create_organizer_accepts_valid_slugs(client, slug):
    response = client.post(
        CREATE, headers=bearer(READ_WRITE), json={"name": "Valid", "slug": slug}
    )

    assert response.status_code == 201


def test_create_organizer_accepts_a_name_of_200_characters(client):
    body = {"name": "n" * 200, "slug": "long-name"}

    response = client.post(CREATE, headers=bearer(READ_WRITE), json=body)

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"name": "A", "slug": "a"},
            _errors(slug=["Ensure this field has at least 2 characters.", PATTERN]),
            id="slug-too-short",
        ),
        pytest.param(
            {"name": "A", "slug": "a" * 51},
            _errors(slug=["Ensure this field has no more than 50 characters."]),
            id="slug-too-long",
        ),
        pytest.param(
            {"name": "A", "slug": "New client"},
            _errors(slug=[PATTERN]),
            id="slug-with-space",
        ),
        pytest.param(
            {"name": "A", "slug": "-ab"}, _errors(slug=[PATTERN]), id="leading-dash"
        ),
        pytest.param(
            {"name": "A", "slug": "ab."}, _errors(slug=[PATTERN]), id="trailing-dot"
        ),
        pytest.param(
            {"name": "A", "slug": "a_b"}, _errors(slug=[PATTERN]), id="underscore"
        ),
        pytest.param(
            {"name": "A", "slug": "müller"}, _errors(slug=[PATTERN]), id="non-ascii"
        ),
        pytest.param(
            {"name": "A", "slug": "_global"},
            _errors(slug=[PATTERN, "This field has an invalid value: _global."]),
            id="reserved-and-pattern",
        ),
        pytest.param({"name": "A", "slug": "acme"}, _errors(slug=[TAKEN]), id="taken"),
        pytest.param(
            {"name": "A", "slug": "ACME"}, _errors(slug=[TAKEN]), id="taken-upper"
        ),
        pytest.param(
            {"name": "A", "slug": "studio.k"},
            _errors(slug=[TAKEN]),
            id="taken-mixed-case-fixture",
        ),
        pytest.param(
            {"name": "A", "slug": "  acme "}, _errors(slug=[TAKEN]), id="taken-padded"
        ),
        pytest.param(
            {"name": "n" * 201, "slug": "fine"},
            _errors(name=["Ensure this field has no more than 200 characters."]),
            id="name-too-long",
        ),
        pytest.param(
            {"name": "n" * 201, "slug": "acme"},
            _errors(
                slug=[TAKEN],
                name=["Ensure this field has no more than 200 characters."],
            ),
            id="taken-and-name-too-long",
        ),
        pytest.param(
            {},
            _errors(slug=["This field is required."], name=["This field is required."]),
            id="missing",
        ),
        pytest.param(
            {"name": None, "slug": None},
            _errors(
                slug=["This field may not be null."],
                name=["This field may not be null."],
            ),
            id="null",
        ),
        pytest.param(
            {"name": "  ", "slug": ""},
            _errors(
                slug=["This field may not be blank."],
                name=["This field may not be blank."],
            ),
            id="blank",
        ),
        pytest.param(
            {"name": True, "slug": ["ab"]},
            _errors(slug=["Not a valid string."], name=["Not a valid string."]),
            id="bool-and-list",
        ),
        pytest.param(
            {"name": "A", "slug": {"a": "b"}},
            _errors(slug=["Not a valid string."]),
            id="object",
        ),
        pytest.param(
            [{"name": "A", "slug": "ab"}],
            _errors(
                non_field_errors=["Invalid data. Expected a dictionary, but got list."]
            ),
            id="list-body",
        ),
        pytest.param(
            "ab",
            _errors(
                non_field_errors=["Invalid data. Expected a dictionary, but got str."]
            ),
            id="string-body",
        ),
    ],
)
def test_create_organizer_refuses_an_invalid_body(client, body, expected):
    response = client.post(CREATE, headers=bearer(READ_WRITE), json=body)

    assert response.status_code == 400
    assert response.data == expected


@pytest.mark.parametrize("slug", RESERVED, ids=str)
def test_create_organizer_refuses_reserved_slugs(client, slug):
    response = client.post(
        CREATE, headers=bearer(READ_WRITE), json={"name": "Reserved", "slug": slug}
    )

    assert response.status_code == 400
    assert f"This field has an invalid value: {slug}." in response.json["slug"]


@pytest.mark.parametrize(
    ("reseller_id", "body"),
    [
        pytest.param("3", NO_ACCOUNT, id="account-of-another-user"),
        pytest.param("99", NO_ACCOUNT, id="missing"),
        pytest.param("one", NOT_FOUND, id="not-a-number"),
    ],
)
def test_create_organizer_for_an_account_out_of_reach_is_404(client, reseller_id, body):
    url = f"/api/v1/var/{reseller_id}/create_organizer/"

    response = client.post(url, headers=bearer(READ_WRITE), json={"slug": "!"})

    assert response.status_code == 404
    assert response.data == body


def test_create_organizer_in_a_shared_account(client):
    body = {"name": "Ops", "slug": "ops-org"}

    response = client.post(
        "/api/v1/var/3/create_organizer/", headers=bearer(OPS), json=body
    )

    assert response.status_code == 201


def test_create_organizer_with_a_json_null_body_says_no_data(client):
    response = client.post(
        "/api/v1/var/1/create_organizer/",
        data=b"null",
        content_type="application/json",
        headers=bearer(READ_WRITE),
    )

    assert response.status_code == 400
    assert response.data == b'{"non_field_errors":["No data provided"]}'

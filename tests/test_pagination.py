"""pretix's page-number pagination, through the organizer and reseller lists."""

import pytest
from conftest import NOBODY, READ_WRITE, bearer

LIST = "/api/v1/organizers/"
LINK = "http://localhost/api/v1/organizers/"
INVALID_PAGE = b'{"detail":"Invalid page."}'


def _get(client, query: str = ""):
    return client.get(f"{LIST}?{query}", headers=bearer(READ_WRITE))


def test_the_first_page_holds_50_of_59_and_links_to_page_2(client):
    response = _get(client)

    assert response.status_code == 200
    assert response.json["count"] == 59
    assert len(response.json["results"]) == 50
    assert response.json["next"] == f"{LINK}?page=2"
    assert response.json["previous"] is None


def test_the_second_page_holds_the_rest_and_links_back_without_page(client):
    response = _get(client, "page=2")

    assert len(response.json["results"]) == 9
    assert response.json["next"] is None
    assert response.json["previous"] == LINK


def test_the_envelope_keys_come_in_pretix_order(client):
    response = _get(client, "page=2")

    assert response.data.startswith(
        b'{"count":59,"next":null,"previous":"' + LINK.encode() + b'","results":['
    )


def test_pages_do_not_overlap(client):
    first = _get(client, "page_size=30")
    second = _get(client, "page_size=30&page=2")

    slugs = [item["slug"] for item in first.json["results"] + second.json["results"]]

    assert len(set(slugs)) == 59


def test_page_last_is_the_last_page(client):
    last = _get(client, "page=last")

    second = _get(client, "page=2")

    assert last.status_code == 200
    assert last.data == second.data


@pytest.mark.parametrize(
    ("page_size", "length", "next_link"),
    [
        pytest.param("20", 20, f"{LINK}?page=2&page_size=20", id="smaller"),
        pytest.param("50", 50, f"{LINK}?page=2&page_size=50", id="fifty"),
        pytest.param("51", 50, f"{LINK}?page=2&page_size=51", id="capped"),
        pytest.param("1000", 50, f"{LINK}?page=2&page_size=1000", id="huge-capped"),
        pytest.param("0", 50, f"{LINK}?page=2&page_size=0", id="zero-ignored"),
        pytest.param("-5", 50, f"{LINK}?page=2&page_size=-5", id="negative-ignored"),
        pytest.param("ten", 50, f"{LINK}?page=2&page_size=ten", id="text-ignored"),
    ],
)
def test_page_size(client, page_size, length, next_link):
    response = _get(client, f"page_size={page_size}")

    assert response.status_code == 200
    assert len(response.json["results"]) == length
    assert response.json["next"] == next_link


def test_links_sort_the_query_and_keep_unknown_parameters(client):
    response = _get(client, "zeta=z&page_size=20&page=2&alpha=a%20b&ordering=-name")

    assert response.json["next"] == (
        f"{LINK}?alpha=a+b&ordering=-name&page=3&page_size=20&zeta=z"
    )
    assert response.json["previous"] == (
        f"{LINK}?alpha=a+b&ordering=-name&page_size=20&zeta=z"
    )


def test_links_take_the_requests_host(client):
    response = client.get(
        LIST, headers=bearer(READ_WRITE), base_url="https://partner.example:8443"
    )

    assert response.json["next"] == (
        "https://partner.example:8443/api/v1/organizers/?page=2"
    )


@pytest.mark.parametrize(
    "page",
    ["0", "-1", "3", "99999999999999999999", "two", "1.5", ""],
    ids=["zero", "negative", "past-the-end", "huge", "text", "decimal", "empty"],
)
def test_a_bad_page_is_404_invalid_page(client, page):
    response = _get(client, f"page={page}")

    assert response.status_code == 404
    assert response.data == INVALID_PAGE


@pytest.mark.parametrize("url", [LIST, "/api/v1/var/"], ids=["organizers", "var"])
def test_the_first_page_of_an_empty_list_is_fine(client, url):
    response = client.get(url, headers=bearer(NOBODY))

    assert response.status_code == 200
    assert response.data == b'{"count":0,"next":null,"previous":null,"results":[]}'


@pytest.mark.parametrize(
    ("page", "status"),
    [
        pytest.param("1", 200, id="one"),
        pytest.param("last", 200, id="last"),
        pytest.param("2", 404, id="two"),
    ],
)
def test_an_empty_list_has_only_its_first_page(client, page, status):
    response = client.get(f"/api/v1/var/?page={page}", headers=bearer(NOBODY))

    assert response.status_code == status


def test_the_reseller_list_paginates_too(client):
    response = client.get("/api/v1/var/?page_size=1", headers=bearer(READ_WRITE))

    assert response.json["count"] == 2
    assert [item["id"] for item in response.json["results"]] == [1]
    assert response.json["next"] == "http://localhost/api/v1/var/?page=2&page_size=1"

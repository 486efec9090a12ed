"""The API's root, its version, the user behind a token, and its published spec."""

import re

import pytest
from conftest import READ_WRITE, TEAM, bearer

SPEC_PATHS = {
    "/api/v1/",
    "/api/v1/version",
    "/api/v1/me",
    "/api/v1/var/",
    "/api/v1/var/{reseller_id}/",
    "/api/v1/var/{reseller_id}/create_organizer/",
    "/api/v1/organizers/",
    "/api/v1/organizers/{organizer}/",
}


def test_root_maps_route_names_to_absolute_urls(client):
    response = client.get("/api/v1/", headers=bearer(READ_WRITE))

    assert response.status_code == 200
    assert response.json == {
        "organizers": "http://localhost/api/v1/organizers/",
        "var": "http://localhost/api/v1/var/",
    }


def test_root_takes_the_requests_host(client):
    response = client.get(
        "/api/v1/", headers=bearer(READ_WRITE), base_url="https://sandbox.test"
    )

    assert response.json["var"] == "https://sandbox.test/api/v1/var/"


def test_root_works_with_a_team_token(client):
    response = client.get("/api/v1/", headers={"Authorization": f"Token {TEAM}"})

    assert response.status_code == 200


def test_root_needs_credentials(client):
    response = client.get("/api/v1/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_version_names_the_imitated_pretix(client):
    response = client.get("/api/v1/version", headers=bearer(READ_WRITE))

    assert response.data == b'{"pretix":"2026.8.0","pretix_numeric":20260080005000}'


def test_the_openapi_spec_lists_every_path(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert SPEC_PATHS <= set(response.json["paths"])


def test_the_spec_documents_create_organizers_errors(client):
    response = client.get("/api/v1/openapi.json")

    operation = response.json["paths"]["/api/v1/var/{reseller_id}/create_organizer/"]
    assert {"201", "400", "401", "403", "404"} <= set(operation["post"]["responses"])


def test_the_docs_ui_loads_nothing_from_other_sites(client):
    response = client.get("/api/v1/docs/")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "/api/v1/openapi.json" in page


@pytest.mark.parametrize(
    "asset",
    ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"],
)
def test_the_docs_ui_serves_its_assets_itself(client, asset):
    page = client.get("/api/v1/docs/").get_data(as_text=True)
    assert f"/api/v1/docs/{asset}" in page

    response = client.get(f"/api/v1/docs/{asset}")

    assert response.status_code == 200
    assert len(response.data) > 1000
    response.close()

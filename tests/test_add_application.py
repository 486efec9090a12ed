"""``pretix-sandbox add-application``: register a client, print it once."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from conftest import form_fields, organizer_id
from sqlalchemy import select

from sandbox.cli import main
from sandbox.models import Application
from sandbox.oauth.clients import is_allowed_redirect_uri

CALLBACK = "http://localhost:9000/cb"


def add(database_url, *args):
    return CliRunner().invoke(
        main, ["add-application", "--database", database_url, *args]
    )


def credentials(output: str) -> tuple[str, str]:
    client_id = re.search(r"^client_id: (\S+)$", output, re.M).group(1)
    secret = re.search(r"^client_secret: (\S+)$", output, re.M).group(1)
    return client_id, secret


def test_prints_a_client_id_and_a_secret_stored_hashed(app, database_url):
    result = add(
        database_url,
        "--name",
        "My Shop",
        "--redirect-uri",
        CALLBACK,
        "--redirect-uri",
        "https://shop.example/cb",
    )

    assert result.exit_code == 0, result.output
    client_id, secret = credentials(result.output)
    assert re.fullmatch(r"[A-Za-z0-9]{40}", client_id)
    with app.extensions["sandbox.db"].session() as session:
        row = session.scalars(
            select(Application).where(Application.client_id == client_id)
        ).one()
    assert row.namespace == "default"
    assert row.name == "My Shop"
    assert row.redirect_uris == f"{CALLBACK} https://shop.example/cb"
    assert secret not in row.client_secret_hash


def test_printed_credentials_work_at_the_token_endpoint(app, client, oauth):
    database_url = app.config["DATABASE_URL"]
    output = add(database_url, "--name", "My Shop", "--redirect-uri", CALLBACK).output
    client_id, secret = credentials(output)
    oauth.login()

    page = client.get(
        oauth.authorize_url(client_id=client_id, redirect_uri=None, scope="read")
    )
    data = {
        **form_fields(page.get_data(as_text=True)),
        "organizers": [str(organizer_id(app, "acme"))],
        "allow": "Authorize",
    }
    location = client.post("/api/v1/oauth/authorize", data=data).headers["Location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    response = client.post(
        "/api/v1/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
        },
        auth=(client_id, secret),
    )

    assert "My Shop" in page.get_data(as_text=True)
    assert location.startswith(CALLBACK + "?code=")
    assert response.status_code == 200
    assert response.get_json()["scope"] == "read"


def test_works_on_a_fresh_database(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"

    result = add(database_url, "--name", "Fresh", "--redirect-uri", CALLBACK)

    assert result.exit_code == 0, result.output
    again = add(database_url, "--name", "Second", "--redirect-uri", CALLBACK)
    assert credentials(again.output) != credentials(result.output)


@pytest.mark.parametrize(
    "uri",
    [
        "http://partner.example/cb",
        "ftp://localhost/cb",
        "https://partner.example/cb#part",
        "not a uri",
        "https:///no-host",
    ],
    ids=["http-remote", "ftp", "fragment", "spaces", "no-host"],
)
def test_refuses_redirect_uris_the_sandbox_refuses(database_url, uri):
    result = add(database_url, "--name", "Bad", "--redirect-uri", uri)

    assert not is_allowed_redirect_uri(uri)
    assert result.exit_code == 2
    assert uri in result.output
    assert "client_secret" not in result.output


@pytest.mark.parametrize(
    "uri",
    ["https://partner.example/cb", "http://127.0.0.1:8765/cb", "http://[::1]:1/cb"],
)
def test_accepts_https_and_loopback_http(uri):
    assert is_allowed_redirect_uri(uri)


def test_name_and_redirect_uri_are_required(database_url):
    result = add(database_url, "--name", "No URI")

    assert result.exit_code == 2
    assert "--redirect-uri" in result.output

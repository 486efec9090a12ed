"""Shared fixtures: a fresh app per test on its own SQLite file, seeded by the
same loader the server uses."""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from sandbox import close_app, create_app, world

READ_WRITE = "sandboxReadWriteToken000000001"
READ_ONLY = "sandboxReadOnlyToken0000000001"
WRITE_ONLY = "sandboxWriteOnlyToken000000001"
PROFILE = "sandboxProfileToken00000000001"
OPS = "sandboxOpsReadWrite00000000001"
RESTRICTED = "sandboxRestricted0000000000001"
EXPIRED = "sandboxExpiredToken00000000001"
NOBODY = "sandboxNobodyReadWrite00000001"
TEAM = "sandboxteamtoken000000000000000000000000000000000000000000000001"
CLIENT_ID = "sandboxDemoClient00000000000000000000000"
CLIENT_SECRET = "sandbox-demo-secret"


@pytest.fixture(autouse=True)
def _restore_environ():
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database_url(request, tmp_path):
    """A fresh database per test: a SQLite file in the test's folder, or a
    schema of its own on the PostgreSQL server of SANDBOX_TEST_DATABASE_URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sandbox.sqlite3'}"
        return

    with postgres_schema() as url:
        yield url


POSTGRES_SERVER = "SANDBOX_TEST_DATABASE_URL"
_unreachable: dict[str, str] = {}


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose ``search_path`` is a new, empty schema, dropped afterwards.

    Skips the test when SANDBOX_TEST_DATABASE_URL is unset or unreachable.
    """
    server = os.environ.get(POSTGRES_SERVER)
    if not server:
        pytest.skip(f"{POSTGRES_SERVER} is not set")
    if server in _unreachable:
        pytest.skip(_unreachable[server])

    # Each test, also under xdist, owns one schema: no table is ever shared.
    schema = f"t_{secrets.token_hex(8)}"
    engine = create_engine(
        server, poolclass=NullPool, connect_args={"connect_timeout": 5}
    )
    try:
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as error:
        engine.dispose()
        shown = make_url(server).render_as_string(hide_password=True)
        _unreachable[server] = f"PostgreSQL at {shown} is unreachable: {error.orig}"
        pytest.skip(_unreachable[server])

    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            # A connection left open by the test must fail this, not hang it.
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    world.reload(app)
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def bearer(token: str) -> dict[str, str]:
    """Headers authenticating with an OAuth access token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def live_server(app):
    """The test's app served on 127.0.0.1 and a free port, with a ``.url``."""
    from sandbox.live_server import LiveServer

    with LiveServer(app) as server:
        yield server


DEMO_REDIRECT_URI = "http://127.0.0.1:8765/callback"


def form_fields(page: str) -> dict[str, str]:
    """The hidden inputs of an HTML form (CSRF token included), unescaped."""
    import html
    import re

    pattern = r'<input type="hidden" name="([^"]*)" value="([^"]*)"'
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(pattern, page)
    }


class OAuthFlow:
    """Walks the test client through login, consent and the token endpoint."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, email="partner@example.com", password="sandbox", next_url=""):
        """Post the login form with its CSRF token; returns the response."""
        page = self.client.get("/control/login").get_data(as_text=True)
        data = {**form_fields(page), "email": email, "password": password}
        data["next"] = next_url
        return self.client.post("/control/login", data=data)

    def authorize_url(self, **params) -> str:
        """The authorize URL of the demo client; ``None`` values are left out."""
        from urllib.parse import urlencode

        query = {
            "client_id": CLIENT_ID,
            "response_type": "code",
            "redirect_uri": DEMO_REDIRECT_URI,
            "state": "xyz",
            **params,
        }
        present = {key: value for key, value in query.items() if value is not None}
        return "/api/v1/oauth/authorize?" + urlencode(present)

    def consent(self, organizers=(), allow=True, **params):
        """Show the consent page, then post it with ``organizers`` ticked."""
        page = self.client.get(self.authorize_url(**params))
        assert page.status_code == 200, page.get_data(as_text=True)
        data = form_fields(page.get_data(as_text=True))
        data["organizers"] = [str(item) for item in organizers]
        if allow:
            data["allow"] = "Authorize"
        return self.client.post("/api/v1/oauth/authorize", data=data)

    def code(self, organizers=(1,), **params) -> str:
        """An authorization code for the logged-in user."""
        from urllib.parse import parse_qs, urlsplit

        response = self.consent(organizers, **params)
        assert response.status_code == 302, response.get_data(as_text=True)
        return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]

    def exchange(self, code, redirect_uri=DEMO_REDIRECT_URI, **extra):
        """Post a code to the token endpoint with HTTP Basic client auth."""
        data = {"grant_type": "authorization_code", "code": code, **extra}
        if redirect_uri is not None:
            data["redirect_uri"] = redirect_uri
        return self.client.post(
            "/api/v1/oauth/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET)
        )

    def tokens(self, organizers=(1,), **params) -> dict:
        """Log in as partner, consent, and exchange the code: the token body."""
        self.login()
        response = self.exchange(self.code(organizers, **params))
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()


@pytest.fixture
def oauth(client):
    """An :class:`OAuthFlow` on the test client."""
    return OAuthFlow(client)


def organizer_id(app, slug: str) -> int:
    """The database id of an organizer of the default namespace."""
    from sqlalchemy import select

    from sandbox.models import Organizer

    with app.extensions["sandbox.db"].session() as session:
        return session.scalar(
            select(Organizer.id).where(
                Organizer.namespace == "default", Organizer.slug == slug
            )
        )


def add_application(app, client_id, redirect_uris, secret="other-secret", **extra):
    """Register another OAuth application in the default namespace."""
    from sqlalchemy import insert

    from sandbox.models import Application
    from sandbox.secrets import hash_secret

    row = {
        "namespace": "default",
        "name": "Other Application",
        "client_id": client_id,
        "client_secret_hash": hash_secret(secret),
        "redirect_uris": redirect_uris,
        **extra,
    }
    with app.extensions["sandbox.db"].session() as session:
        session.execute(insert(Application), row)


def shift_clock(app, seconds: float) -> None:
    """Move the default namespace's clock ``seconds`` ahead of real time."""
    from sqlalchemy import update

    from sandbox.models import Namespace

    with app.extensions["sandbox.db"].session() as session:
        session.execute(
            update(Namespace)
            .where(Namespace.name == "default")
            .values(clock_offset=seconds)
        )


DEMO_REFRESH = "sandboxRefreshDemo000000000001"


def refresh(client, refresh_token: str = DEMO_REFRESH) -> str:
    """A new access token from the refresh grant, with HTTP Basic client auth."""
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    response = client.post(
        "/api/v1/oauth/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET)
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["access_token"]


def revoke(client, token: str) -> None:
    """Revoke a token through the OAuth revocation endpoint."""
    response = client.post(
        "/api/v1/oauth/revoke_token",
        data={"token": token},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert response.status_code == 200, response.get_data(as_text=True)

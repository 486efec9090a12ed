"""Shared fixtures: a fresh app per test on its own SQLite file, seeded by the
same loader the server uses."""

import os

import pytest

from sandbox import create_app, world

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


@pytest.fixture
def database_url(tmp_path):
    """A fresh database per test: a SQLite file in the test's folder."""
    return f"sqlite:///{tmp_path / 'sandbox.sqlite3'}"


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
    app.extensions["sandbox.db"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def bearer(token: str) -> dict[str, str]:
    """Headers authenticating with an OAuth access token."""
    return {"Authorization": f"Bearer {token}"}

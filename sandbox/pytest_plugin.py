"""A pytest plugin: the sandbox as a live server or a test client, one namespace
per test.

Installed with the package and loaded by pytest through its ``pytest11`` entry
point. See ``docs/testing.md`` for a partner's guide.
"""

import os
import secrets
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

NAMESPACE_HEADER = "X-Sandbox-Namespace"
MARKER = "pretix_sandbox_fixtures"


class SandboxError(Exception):
    """A control call under ``/_sandbox/`` did not succeed."""

    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        super().__init__(f"{method} {path} answered {status}: {body}")
        self.status = status
        self.body = body


class SandboxHandle:
    """One test's namespace of the sandbox and the control calls acting on it."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    @property
    def headers(self) -> dict[str, str]:
        """The header that puts a request in this test's namespace."""
        return {NAMESPACE_HEADER: self.namespace}

    def token(
        self,
        user: str = "partner@example.com",
        scope: str = "read write",
        organizers: list[str] | None = None,
        client_id: str | None = None,
    ) -> str:
        """An access token for a fixture user, as if it had consented."""
        body = {
            "user": user,
            "scope": scope,
            "organizers": organizers,
            "client_id": client_id,
        }
        return self._control("POST", "/tokens", body)["access_token"]

    def reset(self) -> None:
        """Put the namespace back to the fixtures: data, tokens, faults, clock."""
        self._control("POST", "/reset")

    def requests(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int = 100,
    ) -> list[dict]:
        """Journalled requests of the namespace, newest first; ``*`` in ``path``."""
        query = {"method": method, "path": path, "status": status, "limit": limit}
        present = {key: value for key, value in query.items() if value is not None}
        return self._control("GET", "/requests", params=present)["results"]

    def fault(
        self,
        path: str,
        status: int | None = None,
        method: str = "*",
        times: int | None = None,
        latency_ms: int = 0,
        retry_after: int | None = None,
        body: Any = None,
        probability: float | None = None,
        client_id: str | None = None,
    ) -> dict:
        """Add a fault rule for requests whose path matches the glob ``path``."""
        rule = {
            "path": path,
            "status": status,
            "method": method,
            "times": times,
            "latency_ms": latency_ms,
            "retry_after": retry_after,
            "body": body,
            "probability": probability,
            "client_id": client_id,
        }
        return self._control("POST", "/faults", rule)

    def clear_faults(self) -> None:
        """Remove every fault rule of the namespace."""
        self._control("DELETE", "/faults")

    def clock(
        self,
        freeze: bool | None = None,
        at: datetime | str | None = None,
        advance: float = 0.0,
    ) -> dict:
        """Show the namespace's clock, or freeze, set (``at``) or advance it.

        ``at`` must carry a time zone; ``advance`` is in seconds.
        """
        if freeze is None and at is None and not advance:
            return self._control("GET", "/clock")

        if isinstance(at, datetime):
            at = at.isoformat()
        change = {"freeze": freeze, "set": at, "advance": advance}
        return self._control("POST", "/clock", change)

    def expire(self, token: str) -> None:
        """Make an access token expire now."""
        self._control("POST", "/tokens/expire", {"token": token})

    def snapshot(self, name: str) -> None:
        """Save the namespace under ``name``."""
        self._control("POST", "/snapshots", {"name": name})

    def restore(self, name: str) -> None:
        """Put the namespace back as it was at :meth:`snapshot`."""
        self._control("POST", f"/snapshots/{name}/restore")

    def _control(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        params: dict | None = None,
    ) -> Any:
        raise NotImplementedError


class LiveSandbox(SandboxHandle):
    """A handle on a sandbox served over HTTP at :attr:`url`."""

    def __init__(
        self, url: str, namespace: str, admin_token: str | None = None
    ) -> None:
        super().__init__(namespace)
        self.url = url.rstrip("/")
        self._http = self.session(token=admin_token)

    def session(self, token: str | None = None) -> requests.Session:
        """A ``requests`` session sending the namespace header (and ``token``)."""
        session = requests.Session()
        session.headers.update(self.headers)
        if token is not None:
            session.headers["Authorization"] = f"Bearer {token}"

        return session

    def close(self) -> None:
        """Release the handle's own connections."""
        self._http.close()

    def _control(self, method, path, body=None, params=None):
        url = f"{self.url}/_sandbox{path}"
        response = self._http.request(method, url, json=body, params=params)
        if not response.ok:
            raise SandboxError(method, path, response.status_code, response.text)

        return response.json() if response.content else None


class ClientSandbox(SandboxHandle):
    """A handle on an in-process sandbox app, through Flask's test client."""

    def __init__(self, app, namespace: str) -> None:
        super().__init__(namespace)
        self.app = app
        self.client = app.test_client()
        # Every request of this client, the test's own included, is namespaced.
        self.client.environ_base["HTTP_X_SANDBOX_NAMESPACE"] = namespace

    def _control(self, method, path, body=None, params=None):
        response = self.client.open(
            f"/_sandbox{path}", method=method, json=body, query_string=params
        )
        if response.status_code >= 400:
            text = response.get_data(as_text=True)
            raise SandboxError(method, path, response.status_code, text)

        return response.get_json() if response.data else None


class SandboxApps:
    """The session's apps and live servers, one per fixtures file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._apps: dict[str, Any] = {}
        self._servers: dict[str, Any] = {}

    def app(self, fixtures: str):
        """The app loaded with ``fixtures``, made on first use."""
        if fixtures not in self._apps:
            self._apps[fixtures] = self._make_app(fixtures)

        return self._apps[fixtures]

    def url(self, fixtures: str) -> str:
        """The base URL of a live server of the app loaded with ``fixtures``."""
        from sandbox.live_server import LiveServer

        if fixtures not in self._servers:
            self._servers[fixtures] = LiveServer(self.app(fixtures)).start()

        return self._servers[fixtures].url

    def close(self) -> None:
        """Stop every server and release every database."""
        for server in self._servers.values():
            server.stop()
        from sandbox import close_app

        for app in self._apps.values():
            close_app(app)

    def _make_app(self, fixtures: str):
        from sandbox import create_app, world

        home = Path(tempfile.mkdtemp(prefix="app-", dir=self.folder))
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{home / 'sandbox.sqlite3'}",
                "FIXTURES": fixtures,
                "SECRET_KEY": secrets.token_urlsafe(32),
                # Only this process reaches the server: no admin token, even
                # when SANDBOX_ADMIN_TOKEN is set for a shared one.
                "ADMIN_TOKEN": None,
                "TESTING": True,
            }
        )
        app.instance_path = str(home / "instance")
        world.reload(app)
        return app


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pretix-sandbox", "pretix reseller API sandbox")
    group.addoption(
        "--pretix-sandbox-url",
        metavar="URL",
        default=None,
        help="Use the sandbox running at URL instead of starting one.",
    )
    group.addoption(
        "--pretix-sandbox-admin-token",
        metavar="TOKEN",
        default=os.environ.get("SANDBOX_ADMIN_TOKEN"),
        help="The admin token of the server at --pretix-sandbox-url, "
        "if it has one (default: $SANDBOX_ADMIN_TOKEN).",
    )
    group.addoption(
        "--pretix-sandbox-fixtures",
        metavar="FILE",
        default=None,
        help="YAML fixtures file for the sandbox started by the plugin.",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(path): load the sandbox from this YAML fixtures file, "
        "relative to the test module's folder",
    )


@pytest.fixture(scope="session")
def _pretix_sandbox_apps(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SandboxApps]:
    apps = SandboxApps(tmp_path_factory.mktemp("pretix-sandbox"))
    yield apps
    apps.close()


def _fixtures_file(request: pytest.FixtureRequest) -> str:
    """The fixtures file chosen by the test's marker, the option, or the default."""
    from sandbox.settings import BUNDLED_FIXTURES

    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        return str((request.path.parent / marker.args[0]).resolve())

    option = request.config.getoption("--pretix-sandbox-fixtures")
    if option is not None:
        return str((request.config.invocation_params.dir / option).resolve())

    return str(BUNDLED_FIXTURES)


def _new_namespace(config: pytest.Config) -> str:
    # Random, so sessions and xdist workers sharing one server never meet.
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    return f"pytest-{worker}-{secrets.token_hex(8)}"


@pytest.fixture
def pretix_sandbox(
    request: pytest.FixtureRequest, _pretix_sandbox_apps: SandboxApps
) -> Iterator[LiveSandbox]:
    """The sandbox over HTTP, in a namespace of this test's own."""
    url = request.config.getoption("--pretix-sandbox-url")
    admin_token = request.config.getoption("--pretix-sandbox-admin-token")
    if url is None:
        url = _pretix_sandbox_apps.url(_fixtures_file(request))
        admin_token = None
    elif request.node.get_closest_marker(MARKER) is not None:
        pytest.fail(
            f"@pytest.mark.{MARKER} cannot change the fixtures of the server "
            f"at --pretix-sandbox-url {url}",
            pytrace=False,
        )

    handle = LiveSandbox(url, _new_namespace(request.config), admin_token)
    yield handle
    handle.close()


@pytest.fixture
def pretix_sandbox_client(
    request: pytest.FixtureRequest, _pretix_sandbox_apps: SandboxApps
) -> ClientSandbox:
    """The sandbox in-process, through Flask's test client, in its own namespace."""
    app = _pretix_sandbox_apps.app(_fixtures_file(request))
    return ClientSandbox(app, _new_namespace(request.config))

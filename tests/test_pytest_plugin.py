"""The pytest plugin: its handles, fixture files, isolation, and pytest-xdist."""

from pathlib import Path

import pytest

from sandbox.pytest_plugin import NAMESPACE_HEADER, LiveSandbox, SandboxError

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).parent.parent / "examples" / "test_partner_integration.py"
VAR = "/api/v1/var/"
CREATE = "/api/v1/var/1/create_organizer/"

# Inner runs get the project's strictness: pytester starts from an empty ini.
INNER_INI = """
[pytest]
addopts = -p no:cacheprovider
filterwarnings =
    error
"""

TINY_FIXTURES = """
users:
  - email: tiny@example.com
    password: sandbox
    fullname: Tiny Tester
resellers:
  - id: 7
    name: Tiny Resale Ltd
    public_name: Tiny
    public_url: https://tiny.example
    support_email: help@tiny.example
    support_phone: "+4930000000"
    communication_language: en
    members: [tiny@example.com]
organizers:
  - slug: tiny-org
    name: Tiny Org
    reseller: 7
    members: [tiny@example.com]
applications:
  - name: Tiny Integration
    client_id: tinyClient000000000000000000000000000000
    client_secret: tiny-secret
    redirect_uris: [http://127.0.0.1:8765/callback]
"""


class Caller:
    """Sends API requests through whichever handle the test got."""

    def __init__(self, handle) -> None:
        self.handle = handle

    def __call__(self, method, path, token=None, json=None):
        """``(status, body)`` of a request in the handle's namespace."""
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        if hasattr(self.handle, "client"):
            response = self.handle.client.open(
                path, method=method, headers=headers, json=json
            )
            return response.status_code, response.get_json(silent=True)

        session = self.handle.session()
        response = session.request(
            method, self.handle.url + path, headers=headers, json=json
        )
        session.close()
        return response.status_code, response.json() if response.content else None


@pytest.fixture(params=["pretix_sandbox", "pretix_sandbox_client"])
def sandbox(request):
    """Each handle in turn: over HTTP, then in-process."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def call(sandbox):
    return Caller(sandbox)


def test_token_authenticates_the_fixture_user(sandbox, call):
    token = sandbox.token()

    status, body = call("GET", VAR, token)

    assert status == 200
    assert body["count"] == 2


def test_token_carries_the_scope_asked_for(sandbox, call):
    token = sandbox.token(scope="read")

    status, _body = call("POST", CREATE, token, {"name": "No", "slug": "no-way"})

    assert status == 403


def test_requests_lists_the_journal_filtered(sandbox, call):
    token = sandbox.token()
    call("GET", VAR, token)
    call("GET", "/api/v1/var/99/", token)

    everything = sandbox.requests()
    missing = sandbox.requests(status=404)

    assert [entry["path"] for entry in everything] == ["/api/v1/var/99/", VAR]
    assert [entry["path"] for entry in missing] == ["/api/v1/var/99/"]
    assert sandbox.requests(method="POST") == []


def test_fault_answers_for_the_times_asked(sandbox, call):
    token = sandbox.token()

    rule = sandbox.fault(VAR, status=503, times=1, body={"detail": "down"})
    first = call("GET", VAR, token)
    second = call("GET", VAR, token)

    assert rule["status"] == 503
    assert first == (503, {"detail": "down"})
    assert second[0] == 200


def test_clear_faults_removes_every_rule(sandbox, call):
    token = sandbox.token()
    sandbox.fault("/api/*", status=500)

    sandbox.clear_faults()

    assert call("GET", VAR, token)[0] == 200


def test_clock_freezes_and_advances(sandbox):
    frozen = sandbox.clock(freeze=True)

    later = sandbox.clock(advance=3600)

    assert frozen["frozen"] is True
    assert later["timestamp"] == pytest.approx(frozen["timestamp"] + 3600)
    assert sandbox.clock() == later


def test_expire_makes_the_token_fail(sandbox, call):
    token = sandbox.token()

    sandbox.expire(token)

    assert call("GET", VAR, token)[0] == 401


def test_restore_forgets_what_came_after_the_snapshot(sandbox, call):
    token = sandbox.token()
    body = {"name": "Later", "slug": "later"}
    sandbox.snapshot("before")
    call("POST", CREATE, token, body)

    sandbox.restore("before")

    token = sandbox.token()
    assert call("POST", CREATE, token, body)[0] == 201


def test_reset_returns_to_the_fixtures(sandbox, call):
    token = sandbox.token()
    body = {"name": "Gone", "slug": "gone"}
    call("POST", CREATE, token, body)
    sandbox.fault("/api/*", status=500)

    sandbox.reset()

    token = sandbox.token()
    assert call("POST", CREATE, token, body)[0] == 201


def test_a_failed_control_call_raises(sandbox):
    with pytest.raises(SandboxError) as raised:
        sandbox.restore("never-taken")

    assert raised.value.status == 404


def test_headers_name_the_test_namespace(sandbox):
    assert sandbox.headers == {NAMESPACE_HEADER: sandbox.namespace}
    assert sandbox.namespace.startswith("pytest-")


def test_live_session_sends_namespace_and_token(pretix_sandbox):
    token = pretix_sandbox.token()

    with pretix_sandbox.session(token=token) as session:
        response = session.get(pretix_sandbox.url + VAR)

    assert response.status_code == 200
    assert pretix_sandbox.requests()[0]["request_headers"][NAMESPACE_HEADER] == (
        pretix_sandbox.namespace
    )


def test_two_handles_never_share_data(pretix_sandbox, pretix_sandbox_client):
    assert pretix_sandbox.namespace != pretix_sandbox_client.namespace


def test_live_handle_sends_the_admin_token(app, live_server):
    app.config["ADMIN_TOKEN"] = "s3cret"
    trusted = LiveSandbox(live_server.url, "with-token", admin_token="s3cret")
    stranger = LiveSandbox(live_server.url, "without-token")

    token = trusted.token()
    with pytest.raises(SandboxError) as raised:
        stranger.token()
    trusted.close()
    stranger.close()

    assert token
    assert raised.value.status == 401


@pytest.fixture
def inner(pytester):
    """A pytester with the project's ini and the tiny fixtures file."""
    pytester.makeini(INNER_INI)
    pytester.makefile(".yaml", tiny=TINY_FIXTURES)
    return pytester


TINY_TEST = """
import pytest

{mark}
@pytest.mark.parametrize("name", ["pretix_sandbox", "pretix_sandbox_client"])
def test_tiny_world(request, name):
    handle = request.getfixturevalue(name)

    handle.token(user="tiny@example.com")
"""


def test_marker_picks_the_fixtures_file(inner):
    mark = '@pytest.mark.pretix_sandbox_fixtures("tiny.yaml")'
    inner.makepyfile(TINY_TEST.format(mark=mark))

    result = inner.runpytest()

    result.assert_outcomes(passed=2)


def test_option_picks_the_fixtures_file(inner):
    inner.makepyfile(TINY_TEST.format(mark=""))

    result = inner.runpytest("--pretix-sandbox-fixtures", "tiny.yaml")

    result.assert_outcomes(passed=2)


def test_default_fixtures_lack_the_tiny_user(inner):
    inner.makepyfile(TINY_TEST.format(mark=""))

    result = inner.runpytest()

    result.assert_outcomes(failed=2)


def test_marker_refuses_a_server_given_by_url(inner, pretix_sandbox):
    mark = '@pytest.mark.pretix_sandbox_fixtures("tiny.yaml")'
    inner.makepyfile(TINY_TEST.format(mark=mark))

    result = inner.runpytest("--pretix-sandbox-url", pretix_sandbox.url)

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*cannot change the fixtures*"])


ISOLATION_TEST = """
import pytest

@pytest.mark.parametrize("turn", ["a", "b", "c"])
@pytest.mark.parametrize("name", ["pretix_sandbox", "pretix_sandbox_client"])
def test_creates_the_same_slug(request, name, turn):
    handle = request.getfixturevalue(name)
    token = handle.token()
    body = {"name": "Mine", "slug": "x-mine"}
    path = "/api/v1/var/1/create_organizer/"
    auth = {"Authorization": f"Bearer {token}"}

    if name == "pretix_sandbox":
        with handle.session(token=token) as session:
            status = session.post(handle.url + path, json=body).status_code
    else:
        status = handle.client.post(path, json=body, headers=auth).status_code

    assert status == 201
"""


def test_each_test_gets_a_fresh_world(inner):
    inner.makepyfile(ISOLATION_TEST)

    result = inner.runpytest()

    result.assert_outcomes(passed=6)


def test_example_passes_under_xdist_on_one_shared_server(
    inner, pretix_sandbox, monkeypatch
):
    source = EXAMPLE.read_text()
    for copy in range(3):
        inner.makepyfile(**{f"test_partner_{copy}": source})
    # Workers load only what they need: unrelated plugins double their start-up.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    plugins = ["-p", "xdist", "-p", "sandbox.pytest_plugin"]

    # In a subprocess: in-process, the plugin module is already imported and
    # pytest refuses to rewrite it when named with -p.
    result = inner.runpytest_subprocess(
        *plugins, "-n", "4", "--pretix-sandbox-url", pretix_sandbox.url
    )

    result.assert_outcomes(passed=15)

"""The ``pretix-sandbox`` command line, through click's runner."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import READ_WRITE, bearer

from sandbox import close_app, create_app
from sandbox.cli import main

BUNDLED = Path(__file__).parent.parent / "fixtures" / "default.yaml"
BROKEN = """\
users:
  - email: a@example.com
    password: x
organizers:
  - slug: "a b"
    name: X
    members: [a@example.com]
"""


@pytest.fixture
def cli(monkeypatch):
    # A fixed key keeps the commands from writing one into the instance folder.
    monkeypatch.setenv("SANDBOX_SECRET_KEY", "cli-test-secret")
    return CliRunner()


def test_check_fixtures_accepts_the_bundled_file(cli):
    result = cli.invoke(main, ["check-fixtures", str(BUNDLED)])

    assert result.exit_code == 0
    assert result.output.startswith(f"{BUNDLED}: OK (4 users, 3 resellers")


def test_check_fixtures_names_file_line_and_key_of_a_fault(cli, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)

    result = cli.invoke(main, ["check-fixtures", str(broken)])

    assert result.exit_code == 1
    assert result.stderr == (
        f"{broken}:5: organizers[0].slug: "
        "The slug may only contain letters, numbers, dots and dashes.\n"
    )


def test_check_fixtures_reports_a_missing_file(cli, tmp_path):
    missing = tmp_path / "missing.yaml"

    result = cli.invoke(main, ["check-fixtures", str(missing)])

    assert result.exit_code == 1
    assert result.stderr.startswith(f"{missing}:")


def test_init_loads_the_fixtures_into_the_database(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    result = cli.invoke(main, ["init", "--database", url, "--fixtures", str(BUNDLED)])

    assert result.exit_code == 0, result.output
    assert result.output == f"Loaded {BUNDLED} into {url}\n"
    served = create_app({"DATABASE_URL": url})
    listed = served.test_client().get("/api/v1/var/", headers=bearer(READ_WRITE))
    assert listed.json["count"] == 2
    close_app(served)


def test_init_refuses_broken_fixtures(cli, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    result = cli.invoke(main, ["init", "--database", url, "--fixtures", str(broken)])

    assert result.exit_code == 1
    assert f"{broken}:5: organizers[0].slug:" in result.output

"""The ``pretix-sandbox`` command line."""

import ipaddress
import logging
import sys

import click
from flask.cli import with_appcontext

from sandbox.fixtures import FixtureErrors, load_fixtures

LOOPBACK_NAMES = frozenset({"localhost"})


def _app(fixtures: str | None = None, database: str | None = None):
    from sandbox import create_app

    config = {}
    if fixtures:
        config["FIXTURES"] = fixtures
    if database:
        config["DATABASE_URL"] = database
    return create_app(config)


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host in LOOPBACK_NAMES:
        return True

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.group()
def main() -> None:
    """pretix Hosted's reseller API and OAuth issuer, for partners' tests."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--fixtures", type=click.Path(dir_okay=False), help="YAML fixtures.")
@click.option("--database", help="SQLAlchemy database URL.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1))
def serve(host, port, fixtures, database, workers) -> None:
    """Serve the sandbox on a production WSGI server (gunicorn)."""
    from sandbox import world
    from sandbox.server import run_gunicorn

    _configure_logging()
    app = _checked_app(fixtures, database)
    world.prepare(app)
    app.extensions["sandbox.db"].engine.dispose()

    run_gunicorn(app.config, host, port, workers)


def _checked_app(fixtures, database):
    app = _app(fixtures, database)
    try:
        load_fixtures(app.config["FIXTURES"])
    except FixtureErrors as error:
        raise click.ClickException(str(error)) from None

    return app


@main.command()
@click.option("--fixtures", type=click.Path(dir_okay=False), help="YAML fixtures.")
@click.option("--database", help="SQLAlchemy database URL.")
def init(fixtures, database) -> None:
    """Create the schema and load the fixtures into the default namespace."""
    from sandbox import world

    app = _checked_app(fixtures, database)
    world.reload(app)
    click.echo(f"Loaded {app.config['FIXTURES']} into {_safe_url(app)}")


@main.command("check-fixtures")
@click.argument("path", type=click.Path(dir_okay=False))
def check_fixtures(path) -> None:
    """Validate a fixtures file; exit 1 with file:line: key: messages."""
    try:
        seed = load_fixtures(path)
    except FixtureErrors as error:
        click.echo(str(error), err=True)
        sys.exit(1)

    click.echo(f"{path}: OK ({seed.summary()})")


def _safe_url(app) -> str:
    return app.extensions["sandbox.db"].engine.url.render_as_string(hide_password=True)


@click.group("sandbox")
def sandbox_commands() -> None:
    """Sandbox commands, also under ``flask sandbox``."""


@sandbox_commands.command("init")
@with_appcontext
def init_here() -> None:
    """Create the schema and load the fixtures (``flask sandbox init``)."""
    from flask import current_app

    from sandbox import world

    world.reload(current_app)

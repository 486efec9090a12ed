"""The ``pretix-sandbox`` command line."""

import ipaddress
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

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


def configure_logging(stream: TextIO | None = None) -> None:
    """How ``serve`` logs: INFO and up to ``stream`` (default standard error)."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=stream,
    )
    # The sandbox logs the migration it runs; alembic's own steps are noise.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # The format uses none of these, and gathering them cost every request's
    # log line a quarter of its time (the logging HOWTO's "Optimization").
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None


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
    from sandbox import close_app, world
    from sandbox.server import run_gunicorn

    configure_logging()
    app = _checked_app(fixtures, database)
    if not is_loopback(host) and not app.config["ADMIN_TOKEN"]:
        raise click.ClickException(
            f"Refusing to serve on {host} without SANDBOX_ADMIN_TOKEN: the control "
            "API would be open to the network."
        )

    world.prepare(app)
    close_app(app)

    run_gunicorn(app, host, port, workers)


def _checked_app(fixtures, database):
    app = _app(fixtures, database)
    try:
        load_fixtures(app.config["FIXTURES"])
    except FixtureErrors as error:
        raise click.ClickException(str(error)) from None

    return app


@contextmanager
def _opened_app(fixtures=None, database=None) -> Iterator:
    """A checked app whose connections are closed when the command ends."""
    from sandbox import close_app

    app = _checked_app(fixtures, database)
    try:
        yield app
    finally:
        close_app(app)


@main.command()
@click.option("--fixtures", type=click.Path(dir_okay=False), help="YAML fixtures.")
@click.option("--database", help="SQLAlchemy database URL.")
def init(fixtures, database) -> None:
    """Create the schema and load the fixtures into the default namespace."""
    from sandbox import world

    with _opened_app(fixtures, database) as app:
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


@main.command()
@click.option("--user", "email", required=True, help="A fixture user's email.")
@click.option("--scope", default="read write", show_default=True)
@click.option("--organizer", "slugs", multiple=True, help="Default: all of the user's.")
@click.option("--client-id", help="Default: the first application.")
@click.option("--namespace", default="default", show_default=True)
@click.option("--database", help="SQLAlchemy database URL.")
def token(email, scope, slugs, client_id, namespace, database) -> None:
    """Print an access token that a server on the same database accepts."""
    from sandbox.control.tokens import mint

    with _opened_app(database=database) as app:
        body = _in_namespace(
            app, namespace, lambda: mint(email, scope, list(slugs) or None, client_id)
        )
    click.echo(body["access_token"])


@main.command()
@click.option("--namespace", default="default", show_default=True)
@click.option("--fixtures", type=click.Path(dir_okay=False), help="YAML fixtures.")
@click.option("--database", help="SQLAlchemy database URL.")
def reset(namespace, fixtures, database) -> None:
    """Put a namespace back to the fixtures."""
    from sandbox import world

    with _opened_app(fixtures, database) as app:
        world.reload(app, namespace)
    click.echo(f"Reset namespace {namespace} from {app.config['FIXTURES']}")


@main.command("add-application")
@click.option("--name", required=True, help="Shown on the consent page.")
@click.option(
    "--redirect-uri", "redirect_uris", multiple=True, required=True, help="Repeatable."
)
@click.option("--database", help="SQLAlchemy database URL.")
def add_application(name, redirect_uris, database) -> None:
    """Register an OAuth application; its secret is printed only now.

    It lives in the default namespace until that namespace is reset.
    """
    from sandbox import world
    from sandbox.oauth.clients import register_application

    with _opened_app(database=database) as app:
        world.prepare(app)
        try:
            with app.extensions["sandbox.db"].engine.begin() as connection:
                client_id, secret = register_application(
                    connection, name, list(redirect_uris)
                )
        except ValueError as error:
            message = str(error)
            raise click.BadParameter(message, param_hint="--redirect-uri") from None

    click.echo(f"client_id: {client_id}")
    click.echo(f"client_secret: {secret}")


@main.command()
def openapi() -> None:
    """Print the OpenAPI spec as JSON."""
    import json

    with _opened_app() as app, app.app_context():
        spec = app.extensions["sandbox.api"].spec.to_dict()
    click.echo(json.dumps(spec, indent=2))


def _in_namespace(app, namespace: str, action):
    from flask import g, request

    from sandbox.errors import APIError
    from sandbox.namespaces import HEADER, select_namespace

    app.extensions["sandbox.db"].create_schema()
    with app.test_request_context(headers={HEADER: namespace}):
        try:
            select_namespace(request, g)
            return action()
        except APIError as error:
            raise click.ClickException(str(error.body)) from None


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

"""pretix-sandbox: pretix Hosted's reseller API and OAuth issuer, for tests."""

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from sandbox import (
    api,
    control,
    db,
    errors,
    idempotency,
    lifecycle,
    oauth,
    pipeline,
    settings,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the sandbox: defaults, then ``SANDBOX_*`` variables, then ``config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings.load(config))
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = settings.instance_secret_key(app.instance_path)
    logging.getLogger("sandbox").setLevel(app.config["LOG_LEVEL"])

    db.init_app(app)
    idempotency.init_app(app)
    control.init_app(app)
    pipeline.init_app(app)
    lifecycle.init_app(app)
    _register_api(app)
    oauth.init_app(app)
    errors.init_app(app)
    _register_cli(app)
    return app


def close_app(app: Flask) -> None:
    """Store the journal's queue and close every database connection."""
    app.extensions["sandbox.journal"].close()
    app.extensions["sandbox.db"].close()


def _register_api(app: Flask) -> None:
    from sandbox import index, organizers, resellers
    from sandbox.control import views as control_views

    api.init_app(app, [index.blp, resellers.blp, organizers.blp, control_views.blp])


def _register_cli(app: Flask) -> None:
    from sandbox.cli import sandbox_commands

    app.cli.add_command(sandbox_commands)

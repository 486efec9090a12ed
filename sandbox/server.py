"""gunicorn, started from ``pretix-sandbox serve``."""

import gc
import logging
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

logger = logging.getLogger(__name__)


class SandboxServer(BaseApplication):
    """gunicorn serving an app built once in the master, then forked."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """How the sandbox runs gunicorn.

    Threads let one worker wait on a slow (fault-injected) request while it
    serves others; preloading builds the app once instead of once per worker.
    """
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "preload_app": True,
        "accesslog": None,
        "loglevel": "warning",
        "graceful_timeout": 5,
    }


def run_gunicorn(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve ``app`` until interrupted.

    The app must hold no open database connection: workers are forked from it.
    """
    logger.info(
        "Serving pretix-sandbox on http://%s:%s with %d worker(s)",
        host,
        port,
        workers,
    )
    # What start-up made lives as long as the server: moved out of the
    # collector's sight, full collections no longer walk it (each took tens
    # of milliseconds, the p99 of a busy worker), and forked workers keep
    # sharing its memory pages.
    gc.collect()
    gc.freeze()
    SandboxServer(app, gunicorn_options(host, port, workers)).run()

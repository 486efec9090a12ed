"""gunicorn, started from ``pretix-sandbox serve``."""

import logging
from collections.abc import Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

logger = logging.getLogger(__name__)


class SandboxServer(BaseApplication):
    """gunicorn that builds the sandbox app in each worker."""

    def __init__(self, config: Mapping[str, Any], options: dict[str, Any]) -> None:
        self.config_for_app = dict(config)
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from sandbox import create_app

        return create_app(self.config_for_app)


def run_gunicorn(config: Mapping[str, Any], host: str, port: int, workers: int):
    """Serve until interrupted."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": None,
        "loglevel": "warning",
        "graceful_timeout": 5,
    }
    logger.info(
        "Serving pretix-sandbox on http://%s:%s with %d worker(s)",
        host,
        port,
        workers,
    )
    SandboxServer(config, options).run()

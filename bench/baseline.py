"""The bare Flask app the sandbox is measured against.

It answers the benchmarked paths with the sandbox's JSON bytes and does
nothing else: no database, no authentication, no logging. The difference
between the two is what the sandbox's own machinery costs.

``python bench/baseline.py --port P --workers N [--bodies FILE]`` serves it on
the sandbox's gunicorn settings. It imports nothing from the sandbox, so its
start-up time and memory are Flask's and gunicorn's alone.
"""

import argparse
import itertools
import json
import os
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from gunicorn.app.base import BaseApplication

JSON_TYPE = "application/json"
BODIES_VARIABLE = "BENCH_BASELINE_BODIES"

# The same compact encoder as sandbox.rendering, so bodies match byte for byte.
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode

_RESELLERS = [
    {
        "id": 1,
        "name": "ticketshop.live Ltd & Co. KG",
        "public_name": "ticketshop.live",
        "public_url": "https://ticketshop.live",
        "support_email": "support@ticketshop.live",
        "support_phone": "+4962213217750",
        "communication_language": "de",
    },
    {
        "id": 2,
        "name": "Eventwerk GmbH",
        "public_name": "Eventwerk",
        "public_url": "https://eventwerk.example",
        "support_email": "hilfe@eventwerk.example",
        "support_phone": "+493012345678",
        "communication_language": "de",
    },
]

# What the bundled fixtures' read-write token sees. Bodies that depend on the
# request's host (organizer lists) are captured from a running sandbox instead.
DEFAULT_BODIES = {
    "/api/v1/var/": _encode(
        {"count": 2, "next": None, "previous": None, "results": _RESELLERS}
    ).encode(),
    "/api/v1/var/1/": _encode(_RESELLERS[0]).encode(),
}


def load_bodies(path: str | None) -> dict[str, bytes]:
    """The default bodies, overridden by a captured ``{path: text}`` JSON file."""
    bodies = dict(DEFAULT_BODIES)
    if path:
        with open(path, encoding="utf-8") as captured:
            bodies.update(
                (key, text.encode()) for key, text in json.load(captured).items()
            )

    return bodies


def create_app(bodies: Mapping[str, bytes] | None = None) -> Flask:
    """The baseline app; ``bodies`` maps a path with its query to a GET body."""
    app = Flask(__name__)
    known = (
        dict(bodies)
        if bodies is not None
        else load_bodies(os.environ.get(BODIES_VARIABLE))
    )
    organizer_ids = itertools.count(1_000_000)

    def stored(**_view_args: str):
        query = request.query_string.decode("latin-1")
        body = known.get(f"{request.path}?{query}" if query else request.path)
        if body is None:
            return Response(b'{"detail":"Not found."}', 404, content_type=JSON_TYPE)

        return Response(body, 200, content_type=JSON_TYPE)

    def create_organizer(**_view_args: str):
        data = request.get_json()
        body = {"id": next(organizer_ids), "name": data["name"], "slug": data["slug"]}
        return Response(_encode(body), 201, content_type=JSON_TYPE)

    def token():
        body = {
            "access_token": secrets.token_urlsafe(22)[:30],
            "expires_in": 86400,
            "token_type": "Bearer",
            "scope": "read write",
            "refresh_token": request.form["refresh_token"],
        }
        return Response(json.dumps(body), 200, content_type=JSON_TYPE)

    app.add_url_rule("/api/v1/var/", "var_list", stored)
    app.add_url_rule("/api/v1/var/<reseller_id>/", "var_detail", stored)
    app.add_url_rule("/api/v1/organizers/", "organizer_list", stored)
    app.add_url_rule(
        "/api/v1/var/<reseller_id>/create_organizer/",
        "create_organizer",
        create_organizer,
        methods=["POST"],
    )
    app.add_url_rule("/api/v1/oauth/token", "token", token, methods=["POST"])
    return app


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """The options ``sandbox.server.run_gunicorn`` passes (a test keeps them equal)."""
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


class BaselineServer(BaseApplication):
    """gunicorn that builds the baseline app in each worker."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--bodies", help="JSON file of captured {path: body}")
    arguments = parser.parse_args()

    if arguments.bodies:
        os.environ[BODIES_VARIABLE] = arguments.bodies
    options = gunicorn_options(arguments.host, arguments.port, arguments.workers)
    BaselineServer(options).run()


if __name__ == "__main__":
    main()

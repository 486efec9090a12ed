"""What the sandbox's unavoidable work costs a Flask request, in process.

    python bench/floor.py [--requests 1000] [--rounds 10]

Calls each app's WSGI callable directly (no server, no client) with the
environ gunicorn would build for ``GET /api/v1/var/`` and prints the best
mean of several rounds (taken in turn), in µs per request, for:

- the baseline (bench/baseline.py);
- the baseline with one before- and one after-request hook;
- plus the request log line, as ``serve`` configures logging;
- plus the two statements the sandbox runs (namespace with the token, the
  page of reseller accounts), on the driver, on a thread's own connection;
- plus both: the least a Flask app can do to answer this request honestly;
- the sandbox itself, with and without its request journal and log line.

A developer tool: the gap between the last rows and the "floor" rows is what
the sandbox's own pipeline costs; the floor itself is what no Flask app that
authenticates against a database and logs each request gets below.
"""

import argparse
import io
import json
import logging
import os
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

from flask import Flask, Response, g, request

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import baseline  # noqa: E402

from sandbox import create_app, requestlog, world  # noqa: E402
from sandbox.cli import configure_logging  # noqa: E402
from sandbox.namespaces import _STATE_AND_TOKEN  # noqa: E402
from sandbox.resellers import _PAGE, FIELDS  # noqa: E402

TOKEN = "sandboxReadWriteToken000000001"
PATH = "/api/v1/var/"
JSON = "application/json"
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode


def environ(path: str) -> dict:
    """What gunicorn hands the app for a GET with the benchmark's headers."""
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Bearer {TOKEN}",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def per_request_us(app, requests: int) -> float:
    """Mean µs of ``requests`` calls."""
    template = environ(PATH)
    statuses = []

    def start_response(status, _headers, _exc_info=None):
        statuses.append(status)

    started = time.perf_counter()
    for _ in range(requests):
        answer = app({**template, "wsgi.input": io.BytesIO(b"")}, start_response)
        b"".join(answer)
        answer.close()
    elapsed = time.perf_counter() - started

    assert statuses[-1].startswith("200"), statuses[-1]
    return elapsed / requests * 1e6


def minimal_app(sandbox: Flask, log: bool, sql: bool) -> Flask:
    """A Flask app doing only the chosen parts of the sandbox's work."""
    path = sandbox.extensions["sandbox.db"].engine.url.database
    with sandbox.extensions["sandbox.db"].engine.connect() as connection:
        state_sql, state_keys = _STATE_AND_TOKEN._for(connection)
        page_sql, page_keys = _PAGE._for(connection)

    held = threading.local()
    app = Flask("floor")

    def driver():
        if not hasattr(held, "connection"):
            held.connection = sqlite3.connect(path, check_same_thread=False)
        return held.connection

    @app.before_request
    def before():
        g.started = time.perf_counter()
        if sql:
            values = {"name": "default", "token": TOKEN}
            row = driver().execute(state_sql, [values[k] for k in state_keys])
            g.user_id = row.fetchone()[5]

    @app.route(PATH)
    def resellers():
        if not sql:
            return Response(_encode({"count": 0}), mimetype=JSON)
        values = {"user_id": g.user_id, "namespace": "default"}
        values |= {"limit": 50, "offset": 0}
        rows = driver().execute(page_sql, [values[k] for k in page_keys]).fetchall()
        results = [dict(zip(FIELDS, row, strict=True)) for row in rows]
        body = {"count": len(rows), "next": None, "previous": None}
        return Response(_encode({**body, "results": results}), mimetype=JSON)

    @app.after_request
    def after(response):
        if log:
            requestlog.log_request(request, g, response)
        return response

    return app


def log_like_serve() -> None:
    """`pretix-sandbox serve`'s logging, written nowhere."""
    configure_logging(open(os.devnull, "w"))  # noqa: SIM115


def sandbox_app(folder: str, **config) -> Flask:
    url = f"sqlite:///{folder}/floor-{len(config)}.sqlite3"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", **config})
    world.reload(app)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    arguments = parser.parse_args()

    log_like_serve()
    folder = tempfile.mkdtemp(prefix="pretix-floor-")
    sandbox = sandbox_app(folder)
    lean = sandbox_app(folder, JOURNAL_SIZE=0, LOG_LEVEL="WARNING")
    apps = [
        ("baseline (bare Flask, same JSON)", baseline.create_app(), "INFO"),
        ("+ a before and an after hook", minimal_app(sandbox, False, False), "INFO"),
        ("+ the request log line", minimal_app(sandbox, True, False), "INFO"),
        ("+ the two statements, no log", minimal_app(sandbox, False, True), "INFO"),
        ("+ both: the floor", minimal_app(sandbox, True, True), "INFO"),
        ("sandbox as served (journal, log)", sandbox, "INFO"),
        ("sandbox, journal and log off", lean, "WARNING"),
    ]

    # Round-robin, so that the machine's changing speed weighs on each alike;
    # the best round of each counts. LOG_LEVEL sets the shared "sandbox"
    # logger, so each app's level is put back before its round.
    best = {label: float("inf") for label, _app, _level in apps}
    for _round in range(arguments.rounds + 1):
        for label, app, level in apps:
            logging.getLogger("sandbox").setLevel(level)
            best[label] = min(best[label], per_request_us(app, arguments.requests))

    rows = list(best.items())
    base = rows[0][1]
    print(f"GET {PATH}, in process, best of {arguments.rounds} rounds:")
    for label, micros in rows:
        print(f"  {micros:6.0f} µs  {micros / base:4.2f}×  {label}")


if __name__ == "__main__":
    main()

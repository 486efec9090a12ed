"""Where a request's time goes, in-process, with Flask's test client.

    python bench/profile_hot_path.py [--requests 3000] [--path /api/v1/var/]

Prints the sandbox's and the baseline's cost per request, the time of each
request hook, self time grouped by package (pyinstrument), and pyinstrument's
call tree. A developer tool: pyinstrument is not a dependency of the sandbox.
"""

import argparse
import collections
import functools
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler

HERE = Path(__file__).resolve().parent
TOKEN = "sandboxReadWriteToken000000001"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
WARMUP = 200


def sandbox_app(folder: str):
    """The sandbox on a fresh SQLite file, seeded by the server's own loader."""
    from sandbox import create_app, world

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{folder}/profile.sqlite3", "SECRET_KEY": "x"}
    )
    world.reload(app)
    return app


def log_like_serve() -> None:
    # `pretix-sandbox serve` logs every request at INFO; write them nowhere
    # but pay for formatting them, as the server does.
    from sandbox.cli import configure_logging

    configure_logging(open(os.devnull, "w"))  # noqa: SIM115


def per_request_us(client, path: str, requests: int, headers: dict) -> float:
    """Mean microseconds of ``requests`` GETs, after a warm-up."""
    for _ in range(WARMUP):
        client.get(path, headers=headers)

    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(path, headers=headers)
    elapsed = time.perf_counter() - started

    assert response.status_code == 200, response.data
    return elapsed / requests * 1e6


def hook_times(app, client, path: str, requests: int) -> list[tuple[str, float]]:
    """Mean microseconds of each before/after/teardown hook per request."""
    spent: dict[str, float] = collections.defaultdict(float)

    def timed(function, name):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    for registry in (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.teardown_appcontext_funcs,
    ):
        hooks = registry if isinstance(registry, list) else registry.get(None, [])
        for index, hook in enumerate(hooks):
            name = f"{hook.__module__}.{hook.__qualname__}"
            hooks[index] = timed(hook, name)

    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = timed(view, f"view {endpoint}")

    for _ in range(requests):
        client.get(path, headers=HEADERS)

    ranked = sorted(spent.items(), key=lambda item: -item[1])
    return [(name, seconds / requests * 1e6) for name, seconds in ranked]


def statements_per_request(app, client, path: str) -> list[str]:
    """The SQL one request runs, first line of each, as SQLite sees it.

    Traced on the driver: the hot statements bypass SQLAlchemy's events.
    """
    # The test client runs requests on this thread, so they use its connection.
    connection = app.extensions["sandbox.db"].thread_connection()
    driver = connection.connection.driver_connection
    seen: list[str] = []

    driver.set_trace_callback(lambda sql: seen.append(" ".join(sql.split())[:90]))
    client.get(path, headers=HEADERS)
    driver.set_trace_callback(None)
    return seen


def by_package(session) -> list[tuple[str, float]]:
    """Self time per package over the profiled session, in seconds."""
    totals: dict[str, float] = collections.defaultdict(float)
    stack = [session.root_frame()]
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        # "[self]" leaves are already counted in their parent's self time.
        if not frame.is_synthetic:
            totals[_package(frame.file_path or "")] += frame.total_self_time

    return sorted(totals.items(), key=lambda item: -item[1])


def _package(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0]

    if "/sandbox/" in path:
        return "sandbox." + Path(path).stem

    if "/lib/python" in path:
        return "stdlib " + path.rsplit("/", 1)[-1]

    return path or "<builtin>"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--path", default="/api/v1/var/")
    parser.add_argument("--tree", action="store_true", help="print the call tree")
    arguments = parser.parse_args()

    sys.path.insert(0, str(HERE))
    import baseline

    log_like_serve()
    folder = tempfile.mkdtemp(prefix="pretix-profile-")
    app = sandbox_app(folder)
    client = app.test_client()
    bare = baseline.create_app().test_client()
    count, path = arguments.requests, arguments.path

    sandbox_us = per_request_us(client, path, count, HEADERS)
    baseline_us = per_request_us(bare, "/api/v1/var/", count, {})
    print(f"{path}: sandbox {sandbox_us:.0f} µs/request, baseline {baseline_us:.0f}")

    logging.getLogger("sandbox").setLevel(logging.WARNING)
    quiet_us = per_request_us(client, path, count, HEADERS)
    print(f"  without the INFO request log: {quiet_us:.0f} µs/request")
    logging.getLogger("sandbox").setLevel(logging.INFO)

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(count):
        client.get(path, headers=HEADERS)
    session = profiler.stop()

    total = session.duration
    print(f"\nSelf time by package ({count} requests, {total:.2f}s profiled):")
    for package, seconds in by_package(session)[:25]:
        print(
            f"  {seconds / total * 100:5.1f}%"
            f"  {seconds / count * 1e6:7.0f} µs  {package}"
        )

    print("\nRequest hooks and views, mean µs per request:")
    for name, micros in hook_times(app, client, path, count):
        print(f"  {micros:7.0f}  {name}")

    print("\nSQL of one request:")
    for statement in statements_per_request(app, client, path):
        print(f"  {statement}")

    if arguments.tree:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()

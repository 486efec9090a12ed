"""``pretix-sandbox serve`` as a real process: several workers, one database."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
import requests
from conftest import READ_WRITE, bearer

CREATE = "/api/v1/var/1/create_organizer/"
START_TIMEOUT = 60
SERVE = [str(Path(sys.executable).with_name("pretix-sandbox")), "serve"]


@dataclass
class Server:
    """A running ``serve`` process and its base URL."""

    process: subprocess.Popen
    url: str
    log: IO[str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_answering(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            server.log.seek(0)
            output = server.log.read()
            pytest.fail(f"serve exited with {server.process.returncode}:\n{output}")
        try:
            # 403 without credentials: the server is up.
            requests.get(f"{server.url}/api/v1/version", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.05)

    pytest.fail(f"serve did not answer within {START_TIMEOUT} s")


@contextmanager
def serving(database_url: str, workers: int = 2) -> Iterator[Server]:
    """``serve`` on a free port until the block ends, then SIGTERM."""
    port = _free_port()
    command = [*SERVE, "--port", str(port), "--workers", str(workers)]
    env = {**os.environ, "SANDBOX_DATABASE_URL": database_url}
    env["SANDBOX_SECRET_KEY"] = "test-secret"
    # A file, not a pipe: a pipe nobody reads would stall a chatty server.
    log = tempfile.TemporaryFile("w+")
    process = subprocess.Popen(
        command,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        # A group of its own, so a test can kill the master with its workers.
        start_new_session=True,
    )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        finally:
            _kill_group(process)
            log.close()


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _workers_of(process: subprocess.Popen, expected: int) -> list[int]:
    # gunicorn forks its workers one by one: give the last a moment to appear.
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 10
    while True:
        workers = [int(pid) for pid in children.read_text().split()]
        if len(workers) >= expected or time.monotonic() > deadline:
            return workers
        time.sleep(0.05)


def _create(http, url: str, slug: str) -> requests.Response:
    body = {"name": f"Organizer {slug}", "slug": slug}
    return http.post(url + CREATE, json=body, headers=bearer(READ_WRITE), timeout=30)


def test_workers_share_one_database(database_url):
    slugs = [f"worker-{number}" for number in range(8)]

    with serving(database_url) as server, requests.Session() as one_connection:
        created = [_create(one_connection, server.url, slug) for slug in slugs]
        # Every read opens a new connection, which either worker may accept.
        reads = [
            requests.get(
                f"{server.url}/api/v1/organizers/{slug}/",
                headers={**bearer(READ_WRITE), "Connection": "close"},
                timeout=30,
            )
            for _ in range(5)
            for slug in slugs
        ]
        workers = _workers_of(server.process, 2)
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(timeout=20)

    assert len(workers) == 2
    assert [response.status_code for response in created] == [201] * len(slugs)
    assert {response.status_code for response in reads} == {200}
    assert {response.json()["slug"] for response in reads} == set(slugs)
    assert code == 0


def _burst(url: str, prefix: str, received: list[str], stop: threading.Event):
    with requests.Session() as http:
        for number in range(10_000):
            if stop.is_set():
                return
            slug = f"{prefix}-{number}"
            try:
                response = _create(http, url, slug)
            except requests.RequestException:
                return
            if response.status_code == 201:
                received.append(slug)


def test_every_acknowledged_create_survives_a_kill(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'sandbox.sqlite3'}"
    received: list[str] = []
    stop = threading.Event()

    with serving(database_url) as server:
        threads = [
            threading.Thread(target=_burst, args=(server.url, f"t{n}", received, stop))
            for n in range(4)
        ]
        for thread in threads:
            thread.start()
        while len(received) < 40 and all(t.is_alive() for t in threads):
            time.sleep(0.01)
        _kill_group(server.process)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    with serving(database_url) as server:
        missing = [
            slug
            for slug in list(received)
            if requests.get(
                f"{server.url}/api/v1/organizers/{slug}/",
                headers=bearer(READ_WRITE),
                timeout=30,
            ).status_code
            != 200
        ]

    assert len(received) >= 40
    assert missing == []


RACERS = 64
TAKEN = b'{"slug":["This slug is already in use. Please choose a different one."]}'


def _race(url: str, headers_of) -> list[requests.Response]:
    # Every racer waits at the barrier, so the requests leave together.
    barrier = threading.Barrier(RACERS)
    answers: list[requests.Response] = [None] * RACERS  # type: ignore[list-item]

    def racer(number: int) -> None:
        slug = "Raced-Slug" if number % 2 else "raced-slug"
        barrier.wait()
        answers[number] = requests.post(
            url + CREATE,
            json={"name": f"Racer {number}", "slug": slug},
            headers=headers_of(number),
            timeout=60,
        )

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_one_slug_raced_across_workers_is_created_once(database_url):
    with serving(database_url, workers=2) as server:
        answers = _race(server.url, lambda _n: bearer(READ_WRITE))

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [400] * (RACERS - 1)
    assert {answer.content for answer in answers if answer.status_code == 400} == {
        TAKEN
    }


def test_one_idempotency_key_raced_across_workers_creates_once(database_url):
    headers = {**bearer(READ_WRITE), "X-Idempotency-Key": "one-key-for-all"}

    with serving(database_url, workers=2) as server:
        answers = _race(server.url, lambda _n: headers)
        listed = requests.get(
            server.url + "/api/v1/organizers/?page=last", headers=bearer(READ_WRITE)
        ).json()

    created = [answer for answer in answers if answer.status_code == 201]
    assert {answer.status_code for answer in answers} <= {201, 409}
    assert created
    assert len({answer.content for answer in created}) == 1
    assert listed["count"] == 60

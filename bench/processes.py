"""Servers started by the benchmark: spawn, wait for the first 200, measure, stop."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

READY_TIMEOUT = 60.0
POLL_INTERVAL = 0.01
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(
    url: str, headers: dict[str, str], data: bytes | None = None, timeout: float = 5
):
    """(status, body) of one request; connection failures are status 0."""
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, urllib.error.URLError) as error:
        return 0, repr(error).encode()


class Server:
    """One gunicorn master started in its own process group."""

    def __init__(
        self, argv: list[str], log: Path, port: int, env: dict | None = None
    ) -> None:
        self.argv = argv
        self.log = log
        self.port = port
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None
        self.started = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.started = time.perf_counter()
            self.process = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env=self.env,
            )

    def wait_ready(self, path: str, headers: dict[str, str]) -> float:
        """Seconds from spawn to the first 200 on ``path``.

        :raise RuntimeError: when the server exits or never answers 200.
        """
        deadline = self.started + READY_TIMEOUT
        while time.perf_counter() < deadline:
            status, _body = fetch(self.url + path, headers)
            if status == 200:
                return time.perf_counter() - self.started

            if self.process.poll() is not None:
                raise RuntimeError(f"{self.argv[0]} exited; see {self.log}")

            time.sleep(POLL_INTERVAL)

        raise RuntimeError(f"no 200 from {self.url}{path}; see {self.log}")

    def worker_rss_kb(self) -> list[int]:
        """Resident set size of each worker (the master's children), in kB."""
        sizes = []
        for pid in _children(self.process.pid):
            status = Path(f"/proc/{pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]))
        return sizes

    def stop(self) -> None:
        """SIGINT to the master (a quick stop of it and its workers), then SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return

        # SIGTERM's graceful stop waits seconds for idle keep-alive workers;
        # the benchmark has nothing in flight by now, so the quick stop is enough.
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def _children(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue

        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue

        # The command name may hold spaces; the fields after its ')' do not.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return children

"""Load generation with wrk and the figures read back from its Lua report."""

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
REPORT_PREFIX = "BENCH_JSON "
# wrk and the server share this machine's cores; more wrk threads than cores
# would only take CPU from the server, so a run uses at most two.
MAX_THREADS = 2
TIMEOUT = "10s"


@dataclass(frozen=True)
class Endpoint:
    """A benchmarked request: its label, path and wrk script."""

    label: str
    path: str
    script: str


VAR_LIST = Endpoint("GET /api/v1/var/", "/api/v1/var/", "get.lua")
VAR_DETAIL = Endpoint("GET /api/v1/var/1/", "/api/v1/var/1/", "get.lua")
ORGANIZER_PAGE = Endpoint(
    "GET /api/v1/organizers/?page=2", "/api/v1/organizers/?page=2", "get.lua"
)
CREATE = Endpoint(
    "POST /api/v1/var/1/create_organizer/",
    "/api/v1/var/1/create_organizer/",
    "create_organizer.lua",
)
REFRESH = Endpoint(
    "POST /api/v1/oauth/token", "/api/v1/oauth/token", "refresh_token.lua"
)

# Reads before writes, and the refresh last: it revokes the token the others use.
ENDPOINTS = (VAR_LIST, VAR_DETAIL, ORGANIZER_PAGE, CREATE, REFRESH)
GET_PATHS = tuple(point.path for point in ENDPOINTS if point.script == "get.lua")


def run_wrk(
    base_url: str,
    endpoint: Endpoint,
    connections: int,
    seconds: float,
    env: dict[str, str],
) -> dict:
    """Requests/s, p50/p99 in ms and error counts of one wrk run."""
    threads = min(connections, MAX_THREADS)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={TIMEOUT}",
        "-s",
        str(HERE / endpoint.script),
        base_url + endpoint.path,
    ]
    finished = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=seconds + 60,
        check=True,
    )

    report = _report(finished.stdout)
    errors = sum(
        report[key]
        for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return {
        "requests": report["requests"],
        "rps": report["requests"] / (report["duration_us"] / 1e6),
        "p50_ms": report["p50_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
        "max_ms": report["max_us"] / 1000,
        "errors": errors,
        "bad_status": report["bad_status"],
        "threads": threads,
        "connections": connections,
    }


def _report(output: str) -> dict:
    for line in output.splitlines():
        if line.startswith(REPORT_PREFIX):
            return json.loads(line[len(REPORT_PREFIX) :])

    raise RuntimeError(f"wrk printed no report:\n{output}")

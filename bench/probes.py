"""One-off figures: cold start, reset latency and the pytest plugin's overhead."""

import importlib.metadata
import importlib.util
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from processes import Server, fetch

RESET_PATH = "/_sandbox/reset"
RESET_NAMESPACE = "bench-reset"
RESET_TIMEOUT = 30.0
PLUGIN_MODULE = "sandbox.pytest_plugin"
PLUGIN_FIXTURE = "pretix_sandbox"
TOKEN = "sandboxReadWriteToken000000001"


def cold_starts(
    make_server: Callable[[int], Server],
    path: str,
    headers: dict[str, str],
    runs: int,
) -> dict:
    """Seconds from spawn to the first 200 of ``runs`` fresh servers."""
    seconds = []
    for run in range(runs):
        with make_server(run) as server:
            seconds.append(server.wait_ready(path, headers))

    return {"median_s": statistics.median(seconds), "runs_s": seconds}


def reset_latency(base_url: str, calls: int) -> dict:
    """Median and p99 of ``POST /_sandbox/reset`` on a namespace of its own.

    ``available`` is false (and nothing else is measured) when the endpoint
    answers 404 or any other failure.
    """
    url = base_url + RESET_PATH
    headers = {"X-Sandbox-Namespace": RESET_NAMESPACE}
    status, body = fetch(url, headers, b"", RESET_TIMEOUT)
    if status != 200:
        return {"available": False, "status": status, "body": body[:200].decode()}

    seconds = []
    for _call in range(calls):
        started = time.perf_counter()
        status, body = fetch(url, headers, b"", RESET_TIMEOUT)
        seconds.append(time.perf_counter() - started)
        if status != 200:
            return {"available": False, "status": status, "body": body[:200].decode()}

    seconds.sort()
    return {
        "available": True,
        "calls": calls,
        "median_ms": statistics.median(seconds) * 1000,
        "p99_ms": seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))] * 1000,
    }


# A test body per variant: nothing, the fixture alone, and the fixture with
# the first API call, which seeds the test's fresh namespace from the fixtures.
TEST_BODIES = {
    "plain": ("number", "assert number >= 0"),
    "fixture": (f"{PLUGIN_FIXTURE}, number", f"assert {PLUGIN_FIXTURE}.url"),
    "first_call": (
        f"{PLUGIN_FIXTURE}, number",
        f"""response = requests.get(
        {PLUGIN_FIXTURE}.url + "/api/v1/var/",
        headers={{**{PLUGIN_FIXTURE}.headers, "Authorization": "Bearer {TOKEN}"}},
    )
    assert response.status_code == 200""",
    ),
}


def plugin_overhead(workdir: Path, tests: int) -> dict:
    """What the ``pretix_sandbox`` fixture adds to a plain test.

    Timed per test from pytest's JUnit report (set-up, call and teardown),
    not by the clock around pytest, so that interpreter start-up and other
    load on the machine stay out of it. The first test also pays for the
    session's start (app, database, live server), reported on its own.
    """
    if importlib.util.find_spec(PLUGIN_MODULE) is None:
        return {"available": False, "reason": f"{PLUGIN_MODULE} is missing"}

    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "pytest.ini").write_text("[pytest]\n")
    times = {}
    for variant, (arguments, body) in TEST_BODIES.items():
        module = workdir / f"test_{variant}.py"
        module.write_text(_TEMPLATE.format(tests=tests, arguments=arguments, body=body))
        finished = _pytest(workdir, module, workdir / f"{variant}.xml")
        if finished["returncode"] != 0:
            return {"available": False, "reason": finished["tail"]}

        times[variant] = finished["test_seconds"]

    plain = statistics.median(times["plain"])
    fixture = statistics.median(times["fixture"][1:])
    first_call = statistics.median(times["first_call"][1:])
    return {
        "available": True,
        "tests": tests,
        "per_test_ms": (fixture - plain) * 1000,
        "first_call_ms": (first_call - plain) * 1000,
        "session_start_s": times["fixture"][0] - fixture,
    }


_TEMPLATE = """\
import pytest
import requests


@pytest.mark.parametrize("number", range({tests}))
def test_one({arguments}):
    {body}
"""


def _pytest(workdir: Path, module: Path, report: Path) -> dict:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    if not _plugin_is_registered():
        command += ["-p", PLUGIN_MODULE]
    command += ["-c", str(workdir / "pytest.ini"), "--rootdir", str(workdir)]
    command += [f"--junitxml={report}"]

    finished = subprocess.run(
        [*command, str(module)],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    cases = []
    if report.exists():
        cases = ElementTree.parse(report).getroot().iter("testcase")
    return {
        "returncode": finished.returncode,
        "tail": "\n".join(finished.stdout.splitlines()[-5:]),
        "test_seconds": [float(case.get("time")) for case in cases],
    }


def _plugin_is_registered() -> bool:
    # An entry point loads the plugin already; naming it again with -p fails.
    return any(
        point.value.split(":")[0] == PLUGIN_MODULE
        for point in importlib.metadata.entry_points(group="pytest11")
    )

"""The benchmark's bare Flask baseline cannot drift from the sandbox."""

import importlib.util
from pathlib import Path

from conftest import READ_WRITE, bearer

from sandbox import server

BASELINE = Path(__file__).parent.parent / "bench" / "baseline.py"


def _baseline_module():
    spec = importlib.util.spec_from_file_location("bench_baseline", BASELINE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_baseline_answers_the_reseller_list_with_the_sandbox_bytes(client):
    baseline = _baseline_module().create_app().test_client()

    expected = client.get("/api/v1/var/", headers=bearer(READ_WRITE))
    answered = baseline.get("/api/v1/var/")

    assert expected.status_code == answered.status_code == 200
    assert answered.data == expected.data


def test_baseline_runs_on_the_sandbox_gunicorn_options():
    sandbox_options = server.gunicorn_options("127.0.0.1", 8123, 3)

    baseline_options = _baseline_module().gunicorn_options("127.0.0.1", 8123, 3)

    assert baseline_options == sandbox_options

"""Benchmark pretix-sandbox against a bare Flask app on the same gunicorn.

    python bench/run.py [--quick] [--postgres URL|none] [--out FILE]

Starts each server in turn (never two under load at once), drives it with
wrk, prints one table of figures with their ratios to the baseline and
targets, and writes everything as JSON. See docs/performance.md.
"""

import argparse
import base64
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import load
import population
import probes
import report
from processes import Server, fetch, free_port

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "results" / "latest.json"
DEFAULT_FIXTURES = ROOT / "fixtures" / "default.yaml"
# A database of the benchmark's own: every scenario drops all of its tables.
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/pretix_sandbox_bench"

TOKEN = "sandboxReadWriteToken000000001"
REFRESH_TOKEN = "sandboxRefreshDemo000000000001"
CLIENT_ID = "sandboxDemoClient00000000000000000000000"
CLIENT_SECRET = "sandbox-demo-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# The sandbox as an operator may run it for throughput: no request journal,
# no per-request log line.
LEAN_ENV = {"SANDBOX_JOURNAL_SIZE": "0", "SANDBOX_LOG_LEVEL": "WARNING"}

# Seconds per wrk run, and the repetitions of the one-off probes.
MODES = {
    "full": {
        "seconds": 3,
        "warmup_seconds": 1,
        "concurrencies": [1, 8, 32],
        "scale_concurrencies": [1, 8, 32],
        "cold_runs": 5,
        "cold_existing": True,
        "baseline_cold_runs": 3,
        "reset_calls": 200,
        "plugin_tests": 50,
        "paired_rounds": 3,
    },
    "quick": {
        "seconds": 1,
        "warmup_seconds": 1,
        "concurrencies": [1, 8, 32],
        "scale_concurrencies": [8],
        "cold_runs": 2,
        "cold_existing": False,
        "baseline_cold_runs": 1,
        "reset_calls": 50,
        "plugin_tests": 20,
        "paired_rounds": 1,
    },
}


class Bench:
    """One run: its settings, scratch folder, servers and collected results."""

    def __init__(self, arguments: argparse.Namespace) -> None:
        self.settings = {
            **MODES["quick" if arguments.quick else "full"],
            "mode": "quick" if arguments.quick else "full",
            "workers": arguments.workers,
            "threads_per_worker": 4,
            "worker_class": "gthread",
            "organizers_small": report.SMALL,
            "organizers_large": report.LARGE,
        }
        self.fixtures = str(Path(arguments.fixtures).resolve())
        self.scratch = Path(tempfile.mkdtemp(prefix="pretix-bench-"))
        self.logs = arguments.out.parent / "logs"
        self.run_id = secrets.token_hex(3)
        self.measurements = 0
        self.databases = {"sqlite": self._sqlite_url}
        self.postgres = arguments.postgres
        self.results: dict = {
            "settings": self.settings,
            "load": {},
            "scale": {"concurrencies": self.settings["scale_concurrencies"]},
            "rss_kb": {},
            "cold_start": {},
            "reset": {},
            "pytest_plugin": {},
            "paired": {},
        }

    def _sqlite_url(self, name: str) -> str:
        return population.sqlite_url(self.scratch, name)

    def _postgres_url(self, _name: str) -> str:
        population.wipe_postgres(self.postgres)
        return self.postgres

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    def run(self) -> dict:
        self._check_postgres()
        bodies = None
        for backend, new_url in self.databases.items():
            bodies = self._measure_sandbox(backend, new_url) or bodies

        self._measure_baseline(bodies)
        self._measure_paired(bodies)
        for backend, new_url in self.databases.items():
            self._measure_scale(backend, new_url)

        self._measure_cold_starts()
        self.log("pytest plugin overhead")
        self.results["pytest_plugin"] = probes.plugin_overhead(
            self.scratch / "plugin", self.settings["plugin_tests"]
        )
        shutil.rmtree(self.scratch, ignore_errors=True)
        return self.results

    def _check_postgres(self) -> None:
        if self.postgres in (None, "", "none"):
            self.results["postgres"] = "n/a (skipped)"
            return

        problem = population.postgres_problem(self.postgres)
        if problem:
            self.log(f"PostgreSQL not available: {problem}")
            self.results["postgres"] = f"n/a ({problem})"
            return

        self.databases["postgres"] = self._postgres_url
        self.results["postgres"] = "available"

    def _sandbox(self, url: str, name: str, env: dict | None = None) -> Server:
        port = free_port()
        argv = [
            population.SERVE,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(self.settings["workers"]),
            "--database",
            url,
            "--fixtures",
            self.fixtures,
        ]
        return Server(argv, self.logs / f"{name}.log", port, env)

    def _baseline(self, bodies: Path | None, name: str) -> Server:
        port = free_port()
        argv = [sys.executable, str(HERE / "baseline.py"), "--port", str(port)]
        argv += ["--workers", str(self.settings["workers"])]
        if bodies:
            argv += ["--bodies", str(bodies)]
        return Server(argv, self.logs / f"{name}.log", port)

    def _prepared(self, backend: str, new_url, organizers: int) -> str:
        url = new_url(f"{backend}-{organizers}")
        population.seed(url, self.fixtures)
        seconds = population.add_organizers(url, organizers)
        self.log(f"{backend}: {organizers:,} organizers added in {seconds:.1f}s")
        return url

    def _measure_sandbox(self, backend: str, new_url) -> Path | None:
        url = self._prepared(backend, new_url, report.SMALL)
        with self._sandbox(url, f"sandbox-{backend}") as server:
            server.wait_ready(load.VAR_LIST.path, AUTH)
            bodies = self._capture(server)
            figures = self._drive(server, backend, load.ENDPOINTS)
            self.results["load"][backend] = figures
            self.results["rss_kb"][backend] = server.worker_rss_kb()
            self.log(f"{backend}: reset latency")
            self.results["reset"][backend] = probes.reset_latency(
                server.url, self.settings["reset_calls"]
            )

        return bodies

    def _capture(self, server: Server) -> Path:
        # The baseline answers with these very bytes; organizer pages hold
        # absolute URLs, so they are taken from the running sandbox.
        captured = {}
        for path in load.GET_PATHS:
            status, body = fetch(server.url + path, AUTH)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}: {body[:200]!r}")
            captured[path] = body.decode()

        path = self.scratch / "bodies.json"
        path.write_text(json.dumps(captured))
        return path

    def _measure_baseline(self, bodies: Path | None) -> None:
        with self._baseline(bodies, "baseline") as server:
            server.wait_ready(load.VAR_LIST.path, {})
            self.results["load"]["baseline"] = self._drive(
                server, "baseline", load.ENDPOINTS
            )
            self.results["rss_kb"]["baseline"] = server.worker_rss_kb()

    def _measure_paired(self, bodies: Path | None) -> None:
        # The headline ratio, measured with every server up at once and the
        # load alternating between them, so that the machine's other work
        # weighs on each alike; the median of the rounds is reported.
        servers = {"baseline": self._baseline(bodies, "paired-baseline")}
        for backend, new_url in self.databases.items():
            url = self._prepared(backend, new_url, report.SMALL)
            servers[backend] = self._sandbox(url, f"paired-{backend}")
        url = self._prepared("sqlite", self._sqlite_url, report.SMALL)
        servers[report.LEAN] = self._sandbox(url, "paired-lean", LEAN_ENV)

        try:
            for name, server in servers.items():
                server.start()
                server.wait_ready(
                    load.VAR_LIST.path, {} if name == "baseline" else AUTH
                )
                self._wrk(server, load.VAR_LIST, 8, self.settings["warmup_seconds"])
            self._alternate(servers)
        finally:
            for server in servers.values():
                server.stop()

    def _alternate(self, servers: dict[str, Server]) -> None:
        paired = self.results["paired"]
        names = list(servers)
        for connections in self.settings["concurrencies"]:
            for round_number in range(self.settings["paired_rounds"]):
                order = names if round_number % 2 == 0 else names[::-1]
                for name in order:
                    result = self._wrk(
                        servers[name],
                        load.VAR_LIST,
                        connections,
                        self.settings["seconds"],
                    )
                    runs = paired.setdefault(name, {}).setdefault(str(connections), [])
                    runs.append(result["rps"])
                    self.log(
                        f"paired {name}: c{connections} round {round_number + 1}: "
                        f"{result['rps']:,.0f} req/s"
                    )

    def _measure_scale(self, backend: str, new_url) -> None:
        # Both sizes back to back, so that a change in the machine's other
        # load between the two sits in the ratio as little as possible.
        self.results["scale"][backend] = {}
        for organizers in (report.SMALL, report.LARGE):
            url = self._prepared(backend, new_url, organizers)
            with self._sandbox(url, f"sandbox-{backend}-{organizers}") as server:
                server.wait_ready(load.VAR_LIST.path, AUTH)
                figures = self._drive(
                    server,
                    f"{backend} @{organizers:,}",
                    report.SCALED,
                    self.settings["scale_concurrencies"],
                )
            self.results["scale"][backend][str(organizers)] = figures

    def _drive(self, server: Server, name: str, endpoints, concurrencies=None) -> dict:
        figures: dict = {}
        for endpoint in endpoints:
            self._wrk(server, endpoint, 2, self.settings["warmup_seconds"])
            figures[endpoint.label] = {}
            for connections in concurrencies or self.settings["concurrencies"]:
                result = self._wrk(
                    server, endpoint, connections, self.settings["seconds"]
                )
                figures[endpoint.label][str(connections)] = result
                self.log(
                    f"{name}: {endpoint.label} c{connections}: "
                    f"{result['rps']:,.0f} req/s, p50 {result['p50_ms']:.2f} ms, "
                    f"p99 {result['p99_ms']:.2f} ms, {result['bad_status']} bad, "
                    f"{result['errors']} errors"
                )
        return figures

    def _wrk(self, server: Server, endpoint, connections: int, seconds: float) -> dict:
        self.measurements += 1
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        env = {
            "BENCH_TOKEN": "" if endpoint is load.REFRESH else TOKEN,
            "BENCH_SLUG_PREFIX": f"b{self.run_id}{self.measurements}",
            "BENCH_BASIC": basic,
            "BENCH_REFRESH": REFRESH_TOKEN,
        }
        return load.run_wrk(server.url, endpoint, connections, seconds, env)

    def _measure_cold_starts(self) -> None:
        runs = self.settings["cold_runs"]
        self.log("cold starts")
        cold = self.results["cold_start"]
        cold["baseline"] = probes.cold_starts(
            lambda run: self._baseline(None, "cold-baseline"),
            load.VAR_LIST.path,
            {},
            self.settings["baseline_cold_runs"],
        )
        for backend, new_url in self.databases.items():
            cold[f"{backend}_new"] = probes.cold_starts(
                lambda run, new_url=new_url, backend=backend: self._sandbox(
                    new_url(f"{backend}-cold-{run}"), f"cold-{backend}"
                ),
                load.VAR_LIST.path,
                AUTH,
                runs,
            )
            if not self.settings["cold_existing"]:
                continue

            existing = self._prepared(backend, new_url, 0)
            cold[f"{backend}_existing"] = probes.cold_starts(
                lambda run, url=existing, backend=backend: self._sandbox(
                    url, f"cold-{backend}"
                ),
                load.VAR_LIST.path,
                AUTH,
                runs,
            )


def machine() -> dict:
    """What the figures were measured on."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    )
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0],
        "commit": commit.stdout.strip(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 2 minutes")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="database the run may wipe; 'none' to skip PostgreSQL",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fixtures", default=str(DEFAULT_FIXTURES))
    arguments = parser.parse_args()

    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed")

    started = time.perf_counter()
    load_before = os.getloadavg()
    results = Bench(arguments).run()
    results["machine"] = machine()
    # Other work on the machine moves every figure; the load says how much.
    results["machine"]["loadavg_before"] = load_before
    results["machine"]["loadavg_after"] = os.getloadavg()
    results["wall_seconds"] = time.perf_counter() - started

    rows = report.build_rows(results)
    results["rows"] = [row.as_json() for row in rows]
    table = report.markdown_table(rows)
    print(table)

    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\n{results['wall_seconds']:.0f}s; written to {arguments.out}")


if __name__ == "__main__":
    main()

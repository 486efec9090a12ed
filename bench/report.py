"""The results as one table: each figure, its ratio to the baseline, its target."""

import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from load import CREATE, ENDPOINTS, ORGANIZER_PAGE, VAR_LIST

BACKENDS = ("sqlite", "postgres")
# The paired run's SQLite sandbox without journal and request log.
LEAN = "sqlite_lean"
SCALED = (ORGANIZER_PAGE, CREATE)
SMALL, LARGE = 100, 100_000


@dataclass(frozen=True)
class Target:
    """A goal: its text and the test of a figure (with the baseline's)."""

    text: str
    test: Callable[[float, float | None], bool]


AT_LEAST_80_PERCENT = Target("≥ 0.8× baseline", lambda value, base: value >= 0.8 * base)
P99_AT_MOST_150_PERCENT = Target(
    "≤ 1.5× baseline", lambda value, base: value <= 1.5 * base
)
UNDER_A_SECOND = Target("< 1 s", lambda value, _base: value < 1.0)
UNDER_10_MS = Target("< 10 ms", lambda value, _base: value < 10.0)
WITHIN_130_PERCENT = Target("≤ 1.3", lambda value, _base: value <= 1.3)
UNDER_80_MB = Target("< 80 MB", lambda value, _base: value < 80.0)


@dataclass
class Row:
    """One figure for the baseline and each backend; ``None`` is not measured."""

    figure: str
    unit: str
    baseline: float | None = None
    values: dict[str, float | None] = field(default_factory=dict)
    target: Target | None = None
    note: str = ""

    def ratio(self, backend: str) -> float | None:
        value = self.values.get(backend)
        if value is None or not self.baseline:
            return None

        return value / self.baseline

    def verdict(self, backend: str) -> str:
        value = self.values.get(backend)
        if self.target is None:
            return ""

        if value is None:
            return "n/a"

        return "met" if self.target.test(value, self.baseline) else "MISSED"

    def as_json(self) -> dict:
        data = asdict(self)
        data["target"] = self.target.text if self.target else None
        data["ratio"] = {backend: self.ratio(backend) for backend in BACKENDS}
        data["verdict"] = {backend: self.verdict(backend) for backend in BACKENDS}
        return data


def build_rows(results: dict) -> list[Row]:
    """Every figure of a run, in the order of the printed table."""
    rows = []
    load = results["load"]
    for endpoint in ENDPOINTS:
        for connections in results["settings"]["concurrencies"]:
            rows += _load_rows(load, endpoint, connections)

    rows += _paired_rows(results)

    scale = results["scale"]
    for endpoint in SCALED:
        for connections in scale.get("concurrencies", []):
            rows += _scale_rows(load, scale, endpoint, connections)

    rows += _one_off_rows(results)
    return rows


def _figure(load: dict, name: str, endpoint, connections: int) -> dict | None:
    return load.get(name, {}).get(endpoint.label, {}).get(str(connections))


def _load_rows(load: dict, endpoint, connections: int) -> list[Row]:
    label = f"{endpoint.label} c{connections}"
    base = _figure(load, "baseline", endpoint, connections) or {}
    measured = {name: _figure(load, name, endpoint, connections) for name in BACKENDS}
    rows = []
    for key, unit in (("rps", "req/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms")):
        row = Row(label, unit, base.get(key))
        row.values = {name: (data or {}).get(key) for name, data in measured.items()}
        row.note = _errors_note(measured)
        rows.append(row)

    # Its throughput is judged on the paired rows, which are steadier.
    if endpoint is VAR_LIST and connections == 8:
        rows[2].target = P99_AT_MOST_150_PERCENT

    return rows


def _paired_rows(results: dict) -> list[Row]:
    paired = results.get("paired") or {}
    rounds = results["settings"].get("paired_rounds", 0)
    rows = []
    for connections in results["settings"]["concurrencies"]:
        key = str(connections)
        medians = {name: _median(runs.get(key)) for name, runs in paired.items()}
        label = f"{VAR_LIST.label} c{connections}"
        row = Row(f"{label}, paired, median of {rounds}", "req/s")
        row.target = AT_LEAST_80_PERCENT
        row.baseline = medians.get("baseline")
        row.values = {name: medians.get(name) for name in BACKENDS}
        lean = Row(f"{label}, paired, journal and request log off", "req/s")
        lean.baseline = row.baseline
        lean.values = {"sqlite": medians.get(LEAN)}
        lean.note = "SANDBOX_JOURNAL_SIZE=0, SANDBOX_LOG_LEVEL=WARNING"
        rows += [row, lean]

    return rows


def _median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def _errors_note(measured: dict) -> str:
    notes = []
    for name, data in measured.items():
        if data and (data["errors"] or data["bad_status"]):
            notes.append(f"{name}: {data['bad_status']} bad, {data['errors']} errors")
    return "; ".join(notes)


def _scale_rows(load: dict, scale: dict, endpoint, connections: int) -> list[Row]:
    label = f"{endpoint.label} c{connections}"
    base = _figure(load, "baseline", endpoint, connections) or {}
    sizes = {
        size: {
            name: _figure(scale.get(name, {}), str(size), endpoint, connections)
            for name in BACKENDS
        }
        for size in (SMALL, LARGE)
    }

    rows = []
    for size, measured in sizes.items():
        for key, unit in (("rps", "req/s"), ("p99_ms", "p99 ms")):
            row = Row(f"{label} @{size:,} organizers", unit, base.get(key))
            row.values = {
                name: (data or {}).get(key) for name, data in measured.items()
            }
            rows.append(row)

    slowdown = Row(f"{label} req/s @{SMALL} ÷ @{LARGE:,}", "ratio")
    slowdown.target = WITHIN_130_PERCENT
    for name in BACKENDS:
        small, large = sizes[SMALL][name], sizes[LARGE][name]
        if small and large:
            slowdown.values[name] = small["rps"] / large["rps"]
    rows.append(slowdown)
    return rows


def _one_off_rows(results: dict) -> list[Row]:
    rows = []
    cold = results["cold_start"]
    for kind, text in (("new", "new database"), ("existing", "existing database")):
        row = Row(f"cold start to first 200, {text}", "median s", target=UNDER_A_SECOND)
        row.baseline = (cold.get("baseline") or {}).get("median_s")
        for name in BACKENDS:
            row.values[name] = (cold.get(f"{name}_{kind}") or {}).get("median_s")
        rows.append(row)

    reset = results["reset"]
    for key, unit, target in (
        ("median_ms", "median ms", UNDER_10_MS),
        ("p99_ms", "p99 ms", None),
    ):
        row = Row("POST /_sandbox/reset", unit, target=target)
        for name in BACKENDS:
            row.values[name] = (reset.get(name) or {}).get(key)
        if not any((reset.get(name) or {}).get("available") for name in BACKENDS):
            row.note = "n/a (not available)"
        rows.append(row)

    plugin = results["pytest_plugin"]
    missing = f"n/a ({plugin.get('reason', '')[:60]})"
    for key, unit, text in (
        ("per_test_ms", "ms", "per test"),
        ("first_call_ms", "ms", "per test with one GET"),
        ("session_start_s", "s", "once per session"),
    ):
        row = Row(f"pytest fixture pretix_sandbox, {text}", unit)
        row.values["sqlite"] = plugin.get(key)
        row.note = "vs plain tests" if plugin.get("available") else missing
        rows.append(row)

    rss = results["rss_kb"]
    row = Row("RSS per worker after the load (largest)", "MB", target=UNDER_80_MB)
    row.baseline = _largest_mb(rss.get("baseline"))
    for name in BACKENDS:
        row.values[name] = _largest_mb(rss.get(name))
    rows.append(row)
    return rows


def _largest_mb(sizes_kb: list[int] | None) -> float | None:
    return max(sizes_kb) / 1024 if sizes_kb else None


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"

    if unit == "req/s":
        return f"{value:,.0f}"

    if unit == "ratio":
        return f"{value:.2f}"

    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _times(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.2f}×"


def markdown_table(rows: list[Row]) -> str:
    """The table printed at the end of a run and pasted into the docs."""
    lines = [
        "| figure | unit | baseline | SQLite | ×base | PostgreSQL | ×base "
        "| target | SQLite | PostgreSQL | note |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |",
    ]
    for row in rows:
        cells = [
            row.figure,
            row.unit,
            _number(row.baseline, row.unit),
            _number(row.values.get("sqlite"), row.unit),
            _times(row.ratio("sqlite")),
            _number(row.values.get("postgres"), row.unit),
            _times(row.ratio("postgres")),
            row.target.text if row.target else "",
            row.verdict("sqlite"),
            row.verdict("postgres"),
            row.note,
        ]
        lines.append("| " + " | ".join(cells) + " |")

    return "\n".join(lines)

"""Schemathesis over the served OpenAPI spec: no 5xx, answers as documented."""

from dataclasses import dataclass, field

import pytest
import schemathesis
from conftest import READ_WRITE, bearer
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

pytestmark = pytest.mark.fuzz

SPEC_PATH = "/api/v1/openapi.json"
SEED = 20261203
EXAMPLES = 40
# Known-good URL arguments, so generated bodies reach validation and storage.
KNOWN_OBJECTS = {"reseller_id": "1", "organizer": "acme"}
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
]


@dataclass
class Tally:
    """Requests sent, server errors seen and check failures, per run."""

    requests: int = 0
    server_errors: int = 0
    failures: list[str] = field(default_factory=list)


def api_operations(app) -> list:
    """The pretix API's operations in the served spec.

    The control API under ``/_sandbox`` is left out: it injects faults,
    moves clocks and restores snapshots on purpose.
    """
    schema = schemathesis.openapi.from_wsgi(SPEC_PATH, app)
    operations = [result.ok() for result in schema.get_all_operations()]
    return [operation for operation in operations if operation.path.startswith("/api/")]


def strategies(operation, mode: GenerationMode) -> list:
    """The operation's generated cases, and again with known objects in the URL."""
    made = [operation.as_strategy(generation_mode=mode)]
    names = {parameter.name for parameter in operation.path_parameters}
    if names and names <= KNOWN_OBJECTS.keys():
        known = {name: KNOWN_OBJECTS[name] for name in names}
        made.append(operation.as_strategy(generation_mode=mode, path_parameters=known))
    return made


def fuzz(strategy, tally: Tally) -> None:
    """Send the strategy's cases with the fixture token and check each answer."""

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def send(case) -> None:
        response = case.call(headers=bearer(READ_WRITE))
        tally.requests += 1
        if response.status_code >= 500:
            tally.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as error:  # noqa: BLE001 - every failure is reported
            tally.failures.append(f"{case.operation.label}: {error}")

    try:
        send()
    except Unsatisfiable:
        # Nothing in the operation can be made invalid (no parameters, no body).
        pass


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str
)
def test_fuzzed_api_answers_as_its_spec_says(app, mode):
    tally = Tally()

    for operation in api_operations(app):
        for strategy in strategies(operation, mode):
            fuzz(strategy, tally)

    print(f"fuzz {mode.value}: {tally.requests} requests, {tally.server_errors} 5xx")
    assert tally.requests >= 50
    assert tally.server_errors == 0
    assert tally.failures == []

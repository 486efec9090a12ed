"""Injected faults: canned failures or latency for matching requests."""

import base64
import fnmatch
import json
import logging
import random
import time
from typing import Any

from flask import Request, Response, g, request
from sqlalchemy import delete, insert, select, update

from sandbox.db import get_connection
from sandbox.models import FaultRule, Namespace
from sandbox.rendering import json_response

logger = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sandbox"
DEFAULT_DETAILS = {
    429: "Request was throttled.",
    500: "A server error occurred.",
    502: "Bad gateway.",
    503: "Service temporarily unavailable, try again later.",
    504: "Gateway timeout.",
}
DEFAULT_RETRY_AFTER = 1


def inject(_request: Request, store: Any) -> Response | None:
    """Answer or delay as the first matching rule says, when rules exist."""
    if not store.namespace_state.faults_active:
        return None

    if request.path.startswith(CONTROL_PREFIX):
        return None

    rule = _first_match()
    if rule is None:
        return None

    logger.warning("Fault %d injected on %s %s", rule.id, request.method, request.path)
    if rule.latency_ms:
        time.sleep(rule.latency_ms / 1000)

    if rule.status is None:
        return None

    return _answer(rule)


def _first_match():
    statement = (
        select(FaultRule)
        .where(FaultRule.namespace == g.namespace)
        .order_by(FaultRule.id)
    )
    for rule in get_connection().execute(statement).all():
        if _matches(rule) and _fires(rule):
            return rule

    return None


def _matches(rule) -> bool:
    if rule.method not in ("*", request.method):
        return False

    if not fnmatch.fnmatchcase(request.path, rule.path):
        return False

    return rule.client_id is None or rule.client_id == _client_id()


def _client_id() -> str | None:
    # The token endpoint names its client by HTTP Basic or in the form.
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:]).decode("utf-8")
        except ValueError:
            return None
        return decoded.split(":", 1)[0]

    return request.form.get("client_id") if request.form else None


def _fires(rule) -> bool:
    if rule.probability is not None and random.random() >= rule.probability:
        return False

    if rule.remaining is None:
        return True

    # The decrement is the check, so concurrent workers fire a rule at most
    # as often as it allows.
    connection = get_connection()
    taken = connection.execute(
        update(FaultRule)
        .where(FaultRule.id == rule.id, FaultRule.remaining > 0)
        .values(remaining=FaultRule.remaining - 1)
    )
    connection.commit()
    return taken.rowcount == 1


def _answer(rule):
    if rule.body is not None:
        body = json.loads(rule.body)
    else:
        body = {"detail": DEFAULT_DETAILS.get(rule.status, "Injected fault.")}

    headers = {}
    if rule.status == 429 or rule.retry_after is not None:
        headers["Retry-After"] = str(rule.retry_after or DEFAULT_RETRY_AFTER)

    return json_response(body, rule.status, headers)


def add_rule(fields: dict) -> dict:
    """Store a rule and switch fault checks on for the namespace."""
    connection = get_connection()
    body = fields.get("body")
    values = {
        "namespace": g.namespace,
        "method": (fields.get("method") or "*").upper(),
        "path": fields["path"],
        "client_id": fields.get("client_id"),
        "status": fields.get("status"),
        "body": None if body is None else json.dumps(body),
        "latency_ms": fields.get("latency_ms") or 0,
        "retry_after": fields.get("retry_after"),
        "remaining": fields.get("times"),
        "probability": fields.get("probability"),
    }
    rule_id = connection.execute(
        insert(FaultRule).returning(FaultRule.id), values
    ).scalar_one()
    _set_active(True)
    connection.commit()
    return describe(rule_id)


def rules() -> list[dict]:
    """The namespace's rules, oldest first."""
    statement = (
        select(FaultRule)
        .where(FaultRule.namespace == g.namespace)
        .order_by(FaultRule.id)
    )
    return [_public(row) for row in get_connection().execute(statement)]


def describe(rule_id: int) -> dict | None:
    """One rule, or ``None``."""
    statement = select(FaultRule).where(
        FaultRule.namespace == g.namespace, FaultRule.id == rule_id
    )
    row = get_connection().execute(statement).first()
    return None if row is None else _public(row)


def remove(rule_id: int | None = None) -> None:
    """Remove one rule, or all of them."""
    connection = get_connection()
    statement = delete(FaultRule).where(FaultRule.namespace == g.namespace)
    if rule_id is not None:
        statement = statement.where(FaultRule.id == rule_id)

    connection.execute(statement)
    remaining = connection.execute(
        select(FaultRule.id).where(FaultRule.namespace == g.namespace).limit(1)
    ).first()
    _set_active(remaining is not None)
    connection.commit()


def _set_active(active: bool) -> None:
    get_connection().execute(
        update(Namespace)
        .where(Namespace.name == g.namespace)
        .values(faults_active=active)
    )


def _public(row) -> dict:
    return {
        "id": row.id,
        "method": row.method,
        "path": row.path,
        "client_id": row.client_id,
        "status": row.status,
        "body": None if row.body is None else json.loads(row.body),
        "latency_ms": row.latency_ms,
        "retry_after": row.retry_after,
        "times": row.remaining,
        "probability": row.probability,
    }

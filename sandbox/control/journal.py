"""The request journal: what each request sent and got, secrets redacted."""

import json
import re
import time

from flask import Response, current_app, g, request
from sqlalchemy import bindparam, delete, insert, select

from sandbox.db import get_connection
from sandbox.models import JournalEntry

CONTROL_PREFIX = "/_sandbox"
BODY_LIMIT = 4096
REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "cookie", "x-idempotency-key"})
# Query and form fields that carry credentials in OAuth and pretix requests.
SECRET_FIELDS = re.compile(
    r"(?P<key>(?:access_token|refresh_token|client_secret|code|code_verifier|"
    r"token|password|csrfmiddlewaretoken)=)[^&\s]*"
)
SECRET_JSON = re.compile(
    r'(?P<key>"(?:access_token|refresh_token|client_secret|code|token)"\s*:\s*)'
    r'"[^"]*"'
)
PRUNE_EVERY = 50

_PRUNE = delete(JournalEntry).where(
    JournalEntry.namespace == bindparam("ns"),
    JournalEntry.id
    <= select(JournalEntry.id)
    .where(JournalEntry.namespace == bindparam("ns"))
    .order_by(JournalEntry.id.desc())
    .limit(1)
    .offset(bindparam("keep"))
    .scalar_subquery(),
)


def redact(text: str) -> str:
    """``text`` with every credential-looking value replaced."""
    text = SECRET_FIELDS.sub(lambda match: match["key"] + REDACTED, text)
    return SECRET_JSON.sub(lambda match: match["key"] + f'"{REDACTED}"', text)


def record(response: Response) -> Response:
    """``after_request``: journal the request when its namespace keeps one."""
    state = g.get("namespace_state")
    if state is None or not state.journal_active:
        return response

    if request.path.startswith(CONTROL_PREFIX):
        return response

    connection = get_connection()
    entry_id = connection.execute(
        insert(JournalEntry).returning(JournalEntry.id), _entry(response)
    ).scalar_one()
    if entry_id % PRUNE_EVERY == 0:
        keep = current_app.config["JOURNAL_SIZE"]
        connection.execute(_PRUNE, {"ns": g.namespace, "keep": keep})
    connection.commit()
    return response


def _entry(response: Response) -> dict:
    headers = {
        name: REDACTED if name.lower() in SECRET_HEADERS else value
        for name, value in request.headers.items()
    }
    started = g.get("started", time.perf_counter())
    return {
        "namespace": g.namespace,
        "at": g.namespace_state.now(),
        "method": request.method,
        "path": request.path,
        "query": redact(request.query_string.decode("latin-1")),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        "request_headers": json.dumps(headers),
        "request_body": _text(request.get_data(cache=True)),
        "response_body": "" if response.is_streamed else _text(response.get_data()),
    }


def _text(raw: bytes) -> str:
    return redact(raw[:BODY_LIMIT].decode("utf-8", "replace"))


def entries(method: str | None, path: str | None, status: int | None, limit: int):
    """The namespace's journal, newest first, filtered."""
    statement = select(JournalEntry).where(JournalEntry.namespace == g.namespace)
    if method:
        statement = statement.where(JournalEntry.method == method.upper())
    if path:
        statement = statement.where(JournalEntry.path.like(path.replace("*", "%")))
    if status:
        statement = statement.where(JournalEntry.status == status)

    statement = statement.order_by(JournalEntry.id.desc()).limit(limit)
    return [_public(row) for row in get_connection().execute(statement)]


def _public(row) -> dict:
    return {
        "id": row.id,
        "at": row.at,
        "method": row.method,
        "path": row.path,
        "query": row.query,
        "status": row.status,
        "duration_ms": row.duration_ms,
        "request_headers": json.loads(row.request_headers),
        "request_body": row.request_body,
        "response_body": row.response_body,
    }


def clear() -> None:
    """Forget the namespace's journal."""
    connection = get_connection()
    connection.execute(
        delete(JournalEntry).where(JournalEntry.namespace == g.namespace)
    )
    connection.commit()

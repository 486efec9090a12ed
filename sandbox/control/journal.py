"""The request journal: what each request sent and got, secrets redacted.

Requests only queue their entry; a writer thread per process stores the queue
in batches, so journalling costs a request no database write of its own.
"""

import json
import logging
import os
import re
import threading
import time
from collections import deque

from flask import Flask, Response, current_app, g, request
from sqlalchemy import Engine, bindparam, delete, insert, select
from werkzeug.exceptions import RequestEntityTooLarge

from sandbox.db import get_connection
from sandbox.models import JournalEntry

logger = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sandbox"
BODY_LIMIT = 4096
FLUSH_INTERVAL = 0.05
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


class JournalWriter:
    """Stores queued entries in batches from a thread of this process.

    The thread sleeps until an entry arrives, waits ``FLUSH_INTERVAL`` for
    more, then stores them all in one transaction; it holds no connection
    between batches. Entries leave the queue only under the lock, so a flush
    from a request and one from the thread keep them in order.
    """

    def __init__(self, engine: Engine, keep: int) -> None:
        self.engine = engine
        self.keep = keep
        self.pending: deque[dict] = deque()
        self.lock = threading.Lock()
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid: int | None = None

    def add(self, raw: dict) -> None:
        """Queue one request's raw entry."""
        # A forked worker inherits no thread: start one in each process.
        if self.pid != os.getpid():
            self.pid = os.getpid()
            self.thread = threading.Thread(
                target=self._run, daemon=True, name="journal"
            )
            self.thread.start()

        self.pending.append(raw)
        self.wakeup.set()

    def flush(self) -> None:
        """Store everything queued so far."""
        with self.lock:
            raws = []
            while self.pending:
                raws.append(self.pending.popleft())
            if raws:
                self._store([_entry(raw) for raw in raws])

    def close(self) -> None:
        """Store what is queued and stop the thread, e.g. when the app ends."""
        if self.thread is not None and self.pid == os.getpid():
            self.stopping.set()
            self.wakeup.set()
            self.thread.join(timeout=5)
        self.thread = self.pid = None
        self.stopping.clear()
        self.flush()

    def _store(self, entries: list[dict]) -> None:
        with self.engine.begin() as connection:
            connection.execute(insert(JournalEntry), entries)
            for namespace in {entry["namespace"] for entry in entries}:
                connection.execute(_PRUNE, {"ns": namespace, "keep": self.keep})

    def _run(self) -> None:
        while True:
            self.wakeup.wait()
            self.wakeup.clear()
            if self.stopping.is_set():
                return

            time.sleep(FLUSH_INTERVAL)
            try:
                self.flush()
            except Exception:
                logger.exception("Could not store journal entries")


def record(response: Response) -> Response:
    """``after_request``: queue the request when its namespace keeps a journal."""
    state = g.get("namespace_state")
    if state is None or not state.journal_active:
        return response

    if request.path.startswith(CONTROL_PREFIX):
        return response

    started = g.get("started", time.perf_counter())
    current_app.extensions["sandbox.journal"].add(
        {
            "namespace": g.namespace,
            "at": state.now(),
            "method": request.method,
            "path": request.path,
            "query": request.query_string,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "headers": list(request.headers.items()),
            "request_body": _request_body()[:BODY_LIMIT],
            "response_body": b""
            if response.is_streamed
            else response.get_data()[:BODY_LIMIT],
        }
    )
    return response


def _request_body() -> bytes:
    # A body over MAX_CONTENT_LENGTH was refused unread (413): there is none.
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        return b""


def _entry(raw: dict) -> dict:
    # Redaction happens here, in the writer thread, off the request's path.
    headers = {
        name: REDACTED if name.lower() in SECRET_HEADERS else value
        for name, value in raw["headers"]
    }
    return {
        **{key: raw[key] for key in ("namespace", "at", "method", "status")},
        "path": _printable(raw["path"]),
        "duration_ms": raw["duration_ms"],
        "query": _printable(redact(raw["query"].decode("latin-1"))),
        "request_headers": _printable(json.dumps(headers)),
        "request_body": _text(raw["request_body"]),
        "response_body": _text(raw["response_body"]),
    }


def _text(raw: bytes) -> str:
    return _printable(redact(raw.decode("utf-8", "replace")))


def _printable(text: str) -> str:
    # PostgreSQL's text refuses NUL; the journal shows it escaped instead.
    return text.replace("\x00", "\\u0000")


def entries(method: str | None, path: str | None, status: int | None, limit: int):
    """The namespace's journal, newest first, filtered.

    This process's queue is stored first; other workers store theirs within
    ``FLUSH_INTERVAL``, so the query waits that long once.
    """
    current_app.extensions["sandbox.journal"].flush()
    time.sleep(FLUSH_INTERVAL)

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
    """Forget the namespace's journal, queued entries included."""
    current_app.extensions["sandbox.journal"].flush()

    connection = get_connection()
    connection.execute(
        delete(JournalEntry).where(JournalEntry.namespace == g.namespace)
    )
    connection.commit()


def init_app(app: Flask) -> None:
    """Give the app its writer and journal every request after it is answered."""
    engine = app.extensions["sandbox.db"].engine
    app.extensions["sandbox.journal"] = JournalWriter(
        engine, app.config["JOURNAL_SIZE"]
    )
    app.after_request(record)


def flush_queued() -> None:
    """Store this process's queued entries now, e.g. before a reset."""
    current_app.extensions["sandbox.journal"].flush()

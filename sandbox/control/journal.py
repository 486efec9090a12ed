"""The request journal: what each request sent and got, secrets redacted.

Requests only queue the raw parts of their entry; a writer thread per process
redacts and stores the queue in batches, so journalling costs a request no
database write and next to no time of its own.
"""

import functools
import json
import logging
import os
import re
import threading
import time
from collections import deque
from typing import Any

from flask import Flask, Request, Response, current_app, g
from sqlalchemy import Engine, bindparam, delete, insert, select
from werkzeug.exceptions import RequestEntityTooLarge

from sandbox.db import get_connection
from sandbox.models import JournalEntry
from sandbox.statements import Prepared

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
# Every key above holds one of these: text without them needs no regex.
SECRET_WORDS = ("token", "code", "secret", "password")
SECRET_JSON = re.compile(
    r'(?P<key>"(?:access_token|refresh_token|client_secret|code|token)"\s*:\s*)'
    r'"[^"]*"'
)

_INSERT = Prepared(
    insert(JournalEntry),
    columns=(
        "namespace",
        "at",
        "method",
        "path",
        "query",
        "status",
        "duration_ms",
        "request_headers",
        "request_body",
        "response_body",
    ),
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
    if not any(word in text for word in SECRET_WORDS):
        return text

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
        self.pending: deque[tuple] = deque()
        self.lock = threading.Lock()
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid: int | None = None

    def add(self, raw: tuple) -> None:
        """Queue one request's raw entry."""
        # A forked worker inherits no thread: start one in each process.
        if self.pid != os.getpid():
            self.pid = os.getpid()
            self.thread = threading.Thread(
                target=self._run, daemon=True, name="journal"
            )
            self.thread.start()

        # Appended first, so a writer that has not yet cleared the event will
        # find the entry once it does; Event.set takes a lock, is_set does not.
        self.pending.append(raw)
        if not self.wakeup.is_set():
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
            _INSERT.many(connection, entries)
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


def record(request: Request, store: Any, response: Response) -> Response:
    """Queue the request when its namespace keeps a journal."""
    state = getattr(store, "namespace_state", None)
    if state is None or not state.journal_active:
        return response

    writer = current_app.extensions["sandbox.journal"]
    path = request.path
    if not writer.keep or path.startswith(CONTROL_PREFIX):
        return response

    environ = request.environ
    writer.add(
        (
            state.name,
            state.now(),
            request.method,
            path,
            environ.get("QUERY_STRING", ""),
            response.status_code,
            time.perf_counter() - store.started,
            {
                key: value
                for key, value in environ.items()
                if key[:5] == "HTTP_" or key in _HEADER_KEYS
            },
            _request_body(request, environ),
            b"" if response.is_streamed else response.get_data(),
        )
    )
    return response


_HEADER_KEYS = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})
# werkzeug's request headers skip these copies of the two above.
_SHADOWED_KEYS = frozenset({"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"})


def _request_body(request: Request, environ: dict) -> bytes:
    if environ.get("CONTENT_LENGTH", "0") in ("", "0") and (
        "HTTP_TRANSFER_ENCODING" not in environ
    ):
        return b""

    # A body over MAX_CONTENT_LENGTH was refused unread (413): there is none.
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        return b""


def _entry(raw: tuple) -> dict:
    # Everything but capturing happens here, in the writer thread, off the
    # request's path.
    namespace, at, method, path, query, status, seconds, captured, sent, got = raw
    headers = {}
    for key, value in captured.items():
        if key in _SHADOWED_KEYS:
            continue
        name = _header_name(key)
        headers[name] = REDACTED if name.lower() in SECRET_HEADERS else value

    return {
        "namespace": namespace,
        "at": at,
        "method": method,
        "status": status,
        "path": _printable(path),
        "duration_ms": round(seconds * 1000, 2),
        "query": _printable(redact(query)),
        "request_headers": _printable(json.dumps(headers)),
        "request_body": _text(sent[:BODY_LIMIT]),
        "response_body": _text(got[:BODY_LIMIT]),
    }


@functools.lru_cache(maxsize=512)
def _header_name(key: str) -> str:
    # The WSGI key of a header, spelt as werkzeug spells it back.
    if key.startswith("HTTP_"):
        key = key[5:]
    return key.replace("_", "-").title()


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
    """Give the app its journal writer."""
    engine = app.extensions["sandbox.db"].engine
    app.extensions["sandbox.journal"] = JournalWriter(
        engine, app.config["JOURNAL_SIZE"]
    )


def flush_queued() -> None:
    """Store this process's queued entries now, e.g. before a reset."""
    current_app.extensions["sandbox.journal"].flush()

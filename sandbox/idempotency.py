"""pretix's ``X-Idempotency-Key``: non-GET API answers stored and replayed.

pretix does this in a Django middleware, ahead of every API check, for any
path under ``/api/``: the OAuth token and revoke endpoints included, so the
sandbox covers them too. The key is claimed with an INSERT whose unique
constraint decides races between threads and worker processes; the answer is
written into the claimed row once the request has run.
"""

import hashlib
import json
from typing import Any

from flask import Flask, Request, Response, current_app, g, request
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from sandbox.auth import SAFE_METHODS
from sandbox.db import get_connection, get_db
from sandbox.errors import APIError
from sandbox.models import IdempotencyRecord
from sandbox.views import APIView

HEADER = "X-Idempotency-Key"
ENVIRON_KEY = "HTTP_X_IDEMPOTENCY_KEY"
API_PREFIX = "/api/"
QUERY_PATH = "/api/v1/idempotency_query"
MAX_KEY_LENGTH = 190
KEY_LIFETIME = 24 * 60 * 60
RETRY_AFTER = "5"
# Answers meant to be retried are never stored, as in pretix.
UNSTORED = frozenset({409, 429, 500, 503})

CONCURRENT = "Concurrent request with idempotency key."
NOT_SEEN = "Idempotency key not seen before."
NO_KEY = "No idempotency key given."
KEY_TOO_LONG = f"{HEADER} may have at most {MAX_KEY_LENGTH} characters."

# pretix answers these from outside Django REST framework, with Django's
# JsonResponse: a space after ":" and ",", unlike the rest of the API.
_encode = json.JSONEncoder().encode

_WHERE = (
    IdempotencyRecord.namespace == bindparam("namespace"),
    IdempotencyRecord.key == bindparam("key"),
    IdempotencyRecord.auth_hash == bindparam("auth_hash"),
)
_CLAIM = insert(IdempotencyRecord).returning(IdempotencyRecord.id)
_FIND = select(
    IdempotencyRecord.id,
    IdempotencyRecord.status,
    IdempotencyRecord.headers,
    IdempotencyRecord.body,
    IdempotencyRecord.created_at,
    IdempotencyRecord.finished,
).where(*_WHERE)
_FORGET = delete(IdempotencyRecord).where(IdempotencyRecord.id == bindparam("record"))
_STORE = (
    update(IdempotencyRecord)
    .where(IdempotencyRecord.id == bindparam("record"))
    .values(
        status=bindparam("status"),
        headers=bindparam("headers"),
        body=bindparam("body"),
        finished=True,
    )
)

# A claim can vanish between a failed INSERT and the look-up that follows,
# when the first request's answer was not storable; then the claim is retried.
CLAIM_ATTEMPTS = 3


def claim_key(request: Request, store: Any) -> Response | None:
    """Replay a stored answer, or claim the key for this request."""
    key = request.environ.get(ENVIRON_KEY)
    if not key or request.method in SAFE_METHODS:
        return None

    if not request.path.startswith(API_PREFIX):
        return None

    # pretix's column holds 190 characters and PostgreSQL refuses longer keys
    # with a server error; the sandbox says so instead.
    if len(key) > MAX_KEY_LENGTH:
        raise APIError(KEY_TOO_LONG)

    where = _record_params(key)
    connection = get_connection()
    now = store.namespace_state.now()

    for _attempt in range(CLAIM_ATTEMPTS):
        try:
            claimed = connection.execute(_CLAIM, {**where, "created_at": now})
            store.idempotency_claim = {"record": claimed.scalar_one()}
            connection.commit()
        except IntegrityError:
            connection.rollback()
        else:
            return None

        found = connection.execute(_FIND, where).first()
        if found is not None and _alive(found, now):
            connection.commit()
            return _replay(found) if found.finished else concurrent_request()

        if found is not None:
            connection.execute(_FORGET, {"record": found.id})
        connection.commit()

    return concurrent_request()


def store_answer(store: Any, response: Response) -> Response:
    """Keep the answer under the claimed key, or let it go."""
    claim = store.pop("idempotency_claim", None)
    if claim is None:
        return response

    connection = get_connection()
    # Whatever the view left uncommitted would be rolled back at teardown anyway.
    connection.rollback()
    if response.status_code in UNSTORED:
        connection.execute(_FORGET, claim)
    else:
        answer = {
            "status": response.status_code,
            "headers": [list(header) for header in response.headers.items()],
            "body": response.get_data(),
        }
        connection.execute(_STORE, {**claim, **answer})
    connection.commit()

    return response


def release_abandoned(_error: BaseException | None = None) -> None:
    """``teardown_request``: free a key whose request ended without an answer."""
    claim = g.pop("idempotency_claim", None)
    if claim is None:
        return

    # The request's own connection may be unusable after the failure.
    with get_db().engine.begin() as connection:
        connection.execute(_FORGET, claim)


def concurrent_request() -> Response:
    """pretix's 409 while the first request with the key is still running."""
    response = _django_json({"detail": CONCURRENT}, 409)
    response.headers["Retry-After"] = RETRY_AFTER
    return response


class IdempotencyQuery(APIView):
    """The stored answer for a key, asked for without repeating the request."""

    # pretix's view has neither authentication nor permission classes: the
    # credentials only pick the stored answer.
    access = staticmethod(lambda _method, _store: None)
    view_name = "Idempotency Query"

    def get(self):
        """Replay the answer stored under ``?key=`` for these credentials."""
        # Django's QueryDict answers a repeated parameter with its last value.
        key = (request.args.getlist("key") or [None])[-1]
        if not key:
            return _django_json({"detail": NO_KEY}, 404)

        where = _record_params(key)
        found = get_connection().execute(_FIND, where).first()
        if found is None or not _alive(found, g.namespace_state.now()):
            return _django_json({"detail": NOT_SEEN}, 404)

        return _replay(found) if found.finished else concurrent_request()


def _record_params(key: str) -> dict[str, str]:
    # pretix hashes the Authorization header with the session cookie; the
    # sandbox sets that cookie only on the consent pages.
    session = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"], "")
    credentials = f"{request.headers.get('Authorization', '')}:{session}"
    return {
        "namespace": g.namespace,
        "key": key,
        "auth_hash": hashlib.sha256(credentials.encode()).hexdigest(),
    }


def _alive(found, now: float) -> bool:
    return found.created_at > now - KEY_LIFETIME


def _replay(found) -> Response:
    response = Response(found.body, status=found.status)
    response.headers.clear()
    response.headers.extend([tuple(header) for header in found.headers])
    return response


def _django_json(payload: dict, status: int) -> Response:
    return Response(_encode(payload), status=status, content_type="application/json")


def init_app(app: Flask) -> None:
    """Register the key query view; the steps run from :mod:`sandbox.lifecycle`."""
    app.add_url_rule(
        QUERY_PATH, view_func=IdempotencyQuery.as_view("idempotency_query")
    )

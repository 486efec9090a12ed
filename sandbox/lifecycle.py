"""A request's way through the sandbox: every step, in pretix's order.

The steps live in the modules that own them; this one calls them in the order
pretix's middleware and Django REST framework run theirs. Flask gets one hook
of each kind instead of one per step, since it calls every hook through
``ensure_sync`` and the request path is what a partner's suite pays for.
"""

from flask import Flask, Response, g, request

from sandbox import control, idempotency, namespaces, pipeline, requestlog
from sandbox.control import faults, journal

# Each may answer in the view's stead; the first answer ends the request.
_GUARDS = (
    idempotency.claim_key,
    control.require_admin,
    faults.inject,
    pipeline.check_request,
)


def before_request() -> Response | None:
    """Time the request, pick its namespace, then run the guards."""
    # The steps get the request and ``g`` themselves: every look-up through
    # Flask's context proxies costs about a microsecond.
    current, store = request._get_current_object(), g._get_current_object()
    requestlog.start_timer(store)
    namespaces.select_namespace(current, store)

    for guard in _GUARDS:
        answer = guard(current, store)
        if answer is not None:
            return answer

    return None


def after_request(response: Response) -> Response:
    """pretix's headers, then the journal, the idempotency record, the log."""
    current, store = request._get_current_object(), g._get_current_object()
    pipeline.finish_response(store, response)
    journal.record(current, store, response)
    idempotency.store_answer(store, response)
    requestlog.log_request(current, store, response)
    return response


def init_app(app: Flask) -> None:
    """Run every request through the steps above."""
    app.before_request(before_request)
    app.after_request(after_request)
    app.teardown_request(idempotency.release_abandoned)

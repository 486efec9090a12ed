"""The control API under ``/_sandbox/``: what a partner's test may do."""

import json

import marshmallow as ma
from flask import Response, current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from sandbox import world
from sandbox.control import clock, faults, journal, snapshots, tokens
from sandbox.errors import APIError, ObjectNotFound
from sandbox.namespaces import HEADER
from sandbox.rendering import json_response

blp = Blueprint(
    "sandbox",
    __name__,
    url_prefix="/_sandbox",
    description=(
        f"Test controls (not part of pretix). Every call acts on the namespace "
        f"named by the {HEADER} header, or on the default one."
    ),
)


class TokenRequest(ma.Schema):
    user = ma.fields.Email(required=True)
    scope = ma.fields.String(load_default="read write")
    organizers = ma.fields.List(ma.fields.String(), load_default=None)
    client_id = ma.fields.String(load_default=None)


class FaultRule(ma.Schema):
    method = ma.fields.String(load_default="*")
    path = ma.fields.String(required=True, metadata={"example": "/api/v1/var/*"})
    client_id = ma.fields.String(load_default=None)
    status = ma.fields.Integer(
        load_default=None, validate=ma.validate.Range(min=100, max=599)
    )
    body = ma.fields.Raw(load_default=None)
    latency_ms = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 60000))
    retry_after = ma.fields.Integer(load_default=None)
    times = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1))
    probability = ma.fields.Float(load_default=None, validate=ma.validate.Range(0, 1))


class ClockChange(ma.Schema):
    freeze = ma.fields.Boolean(load_default=None)
    set = ma.fields.AwareDateTime(load_default=None, default_timezone=None)
    advance = ma.fields.Float(load_default=0.0, metadata={"description": "Seconds"})


class SnapshotRequest(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))


class JournalQuery(ma.Schema):
    method = ma.fields.String(load_default=None)
    path = ma.fields.String(load_default=None, metadata={"description": "* wildcards"})
    status = ma.fields.Integer(load_default=None)
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(1, 1000))


class TokenExpiry(ma.Schema):
    token = ma.fields.String(required=True)


@blp.route("/reset", methods=["POST"])
@blp.response(200, description="The namespace is back to the fixtures")
def reset():
    """Reset the namespace: data, tokens, journal, faults and clock."""
    # Entries still queued belong to the world being reset; store them first
    # so that the reset clears them too.
    journal.flush_queued()
    world.reset(current_app, g.namespace)
    return json_response({"namespace": g.namespace})


@blp.route("/tokens", methods=["POST"])
@blp.arguments(TokenRequest)
@blp.response(201, description="The token endpoint's body")
def mint_token(fields):
    """Issue an access and refresh token for a fixture user, no browser needed."""
    body = tokens.mint(
        fields["user"], fields["scope"], fields["organizers"], fields["client_id"]
    )
    # The token endpoint's rendering (with spaces), not the API's.
    return Response(json.dumps(body), 201, content_type="application/json")


@blp.route("/tokens/expire", methods=["POST"])
@blp.arguments(TokenExpiry)
@blp.response(204)
def expire_token(fields):
    """Make an access token expire now."""
    if not tokens.expire(fields["token"]):
        raise ObjectNotFound("AccessToken")
    return json_response(None, 204)


@blp.route("/oauth/fail-next-code", methods=["POST"])
@blp.response(204)
def fail_next_code():
    """Make the next authorization code fail at the token endpoint."""
    tokens.doom_next_code()
    return json_response(None, 204)


@blp.route("/requests")
class Requests(MethodView):
    """The journal of requests and their answers."""

    @blp.arguments(JournalQuery, location="query")
    @blp.response(200)
    def get(self, query):
        """List journalled requests, newest first."""
        results = journal.entries(
            query["method"], query["path"], query["status"], query["limit"]
        )
        return json_response({"count": len(results), "results": results})

    @blp.response(204)
    def delete(self):
        """Forget the journal."""
        journal.clear()
        return json_response(None, 204)


@blp.route("/faults")
class Faults(MethodView):
    """Fault rules."""

    @blp.response(200)
    def get(self):
        """List the fault rules."""
        return json_response({"results": faults.rules()})

    @blp.arguments(FaultRule)
    @blp.response(201)
    def post(self, fields):
        """Add a rule: a status and body, or latency, for matching requests."""
        if fields["status"] is None and not fields["latency_ms"]:
            raise APIError({"status": ["Give a status, a latency_ms, or both."]})
        return json_response(faults.add_rule(fields), 201)

    @blp.response(204)
    def delete(self):
        """Remove every fault rule."""
        faults.remove()
        return json_response(None, 204)


@blp.route("/faults/<int:rule_id>", methods=["DELETE"])
@blp.response(204)
def remove_fault(rule_id):
    """Remove one fault rule."""
    if faults.describe(rule_id) is None:
        raise ObjectNotFound("FaultRule")
    faults.remove(rule_id)
    return json_response(None, 204)


@blp.route("/clock")
class Clock(MethodView):
    """The namespace's clock, used for expiry and timestamps."""

    @blp.response(200)
    def get(self):
        """Show the namespace's time."""
        return json_response(clock.describe())

    @blp.arguments(ClockChange)
    @blp.response(200)
    def post(self, change):
        """Freeze, set or advance the namespace's time."""
        return json_response(
            clock.change(change["freeze"], change["set"], change["advance"])
        )


@blp.route("/snapshots")
class Snapshots(MethodView):
    """Named snapshots of the namespace."""

    @blp.response(200)
    def get(self):
        """List snapshot names."""
        return json_response({"results": snapshots.names()})

    @blp.arguments(SnapshotRequest)
    @blp.response(201)
    def post(self, fields):
        """Save the namespace under a name."""
        snapshots.take(fields["name"])
        return json_response({"name": fields["name"]}, 201)

    @blp.response(204)
    def delete(self):
        """Forget every snapshot of the namespace."""
        snapshots.forget_all()
        return json_response(None, 204)


@blp.route("/snapshots/<name>/restore", methods=["POST"])
@blp.response(200)
def restore_snapshot(name):
    """Put the namespace back as it was when the snapshot was taken."""
    if not snapshots.restore(name):
        raise ObjectNotFound("Snapshot")
    return json_response({"name": name})

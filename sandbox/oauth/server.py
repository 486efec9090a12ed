"""Authlib's authorization server, answering with pretix's bodies and headers."""

import json

from authlib.common.urls import add_params_to_uri
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidRequestError
from flask import Response

from sandbox.oauth import grants
from sandbox.oauth.clients import query_client

NO_STORE = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
]


class PretixAuthorizationServer(AuthorizationServer):
    """Token and revocation errors shaped as django-oauth-toolkit shapes them.

    Only ``invalid_request`` carries a description; ``invalid_client`` is
    always a 401 with a Bearer challenge.
    """

    def handle_response(self, status_code, payload, headers):
        # oauthlib renders with json.dumps' default separators and keeps the
        # keys in the order they were set; Flask's provider would sort them.
        if isinstance(payload, dict):
            payload = json.dumps(payload)

        return Response(payload, status=status_code, headers=headers)

    def handle_error_response(self, request, error):
        body = {"error": error.error}
        if isinstance(error, InvalidRequestError) and error.description:
            body["error_description"] = error.description

        if error.redirect_uri:
            if error.state:
                body["state"] = error.state
            location = add_params_to_uri(error.redirect_uri, list(body.items()))
            return Response("", status=302, headers={"Location": location})

        headers = list(NO_STORE)
        status = error.status_code
        if isinstance(error, InvalidClientError):
            status = 401
            headers.append(("WWW-Authenticate", 'Bearer error="invalid_client"'))

        return self.handle_response(status, body, headers)


def create_server() -> PretixAuthorizationServer:
    """A server with pretix's grants; refused grants answer unauthorized_client."""
    server = PretixAuthorizationServer(query_client=query_client)
    for grant in (
        grants.AuthorizationCodeGrant,
        grants.RefreshTokenGrant,
        grants.PasswordGrant,
        grants.ClientCredentialsGrant,
    ):
        server.register_grant(grant)

    return server

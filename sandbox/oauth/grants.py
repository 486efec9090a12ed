"""The token endpoint's grants, checking in the order pretix (oauthlib) does."""

import hmac

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import (
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from sandbox.oauth import storage
from sandbox.oauth.clients import SCOPES

AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    """Exchange a code: missing code, client, code, PKCE, then redirect URI."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_token_request(self) -> None:
        form = self.request.form
        code = form.get("code")
        if not code:
            raise InvalidRequestError("Missing code parameter.")

        client = self.authenticate_token_endpoint_client()
        row = storage.find_code(code, client.id)
        if row is None:
            raise InvalidGrantError()

        _verify_pkce(row, form.get("code_verifier"))
        _verify_redirect_uri(row, form.get("redirect_uri"))

        self.request.client = client
        self.request.authorization_code = row

    def create_token_response(self):
        row = self.request.authorization_code
        if not storage.claim_code(row.id):
            raise InvalidGrantError()

        organizer_ids = [int(item) for item in row.organizer_ids.split()]
        issued = storage.issue_grant(
            row.application_id, row.user_id, row.scope, organizer_ids
        )
        return 200, issued.body(), self.TOKEN_RESPONSE_HEADER


def _verify_pkce(row, verifier: str | None) -> None:
    # pretix accepts and ignores PKCE; the sandbox verifies it when a
    # challenge was sent, so partners find a broken verifier here first.
    if not row.code_challenge:
        return

    if not verifier:
        raise InvalidRequestError("Code verifier required.")

    if row.code_challenge_method == "S256":
        verifier = create_s256_code_challenge(verifier)

    if not hmac.compare_digest(verifier, row.code_challenge):
        raise InvalidGrantError()


def _verify_redirect_uri(row, redirect_uri: str | None) -> None:
    if not redirect_uri:
        raise InvalidRequestError("Missing redirect URI.")

    if redirect_uri != row.redirect_uri:
        raise InvalidRequestError("Mismatching redirect URI.")


class RefreshTokenGrant(grants.RefreshTokenGrant):
    """Refresh: missing token, client, grant, then scope (narrowing sticks)."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_token_request(self) -> None:
        form = self.request.form
        refresh_token = form.get("refresh_token")
        if not refresh_token:
            raise InvalidRequestError("Missing refresh token parameter.")

        client = self.authenticate_token_endpoint_client()
        grant = storage.find_grant(refresh_token, client.id)
        if grant is None:
            raise InvalidGrantError()

        self.request.client = client
        self.request.refresh_grant = grant
        self.request.scope = _narrowed_scope(grant.scope, form.get("scope"))

    def create_token_response(self):
        issued = storage.refresh(self.request.refresh_grant, self.request.scope)
        if issued is None:
            raise InvalidGrantError()

        return 200, issued.body(), self.TOKEN_RESPONSE_HEADER


def _narrowed_scope(granted: str, requested: str | None) -> str:
    if not requested:
        return granted

    wanted = set(requested.split())
    if not wanted <= set(granted.split()):
        raise InvalidScopeError()

    return " ".join(scope for scope in SCOPES if scope in wanted)


class PasswordGrant(grants.ResourceOwnerPasswordCredentialsGrant):
    """Registered only to refuse: pretix applications use codes alone."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    """Registered only to refuse: pretix applications use codes alone."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

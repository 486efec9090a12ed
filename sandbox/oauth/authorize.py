"""Checking an authorize request in pretix's order, before the consent page."""

from dataclasses import dataclass

from authlib.oauth2.rfc6749.errors import (
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Error,
    UnauthorizedClientError,
    UnsupportedResponseTypeError,
)
from werkzeug.datastructures import MultiDict

from sandbox.oauth.clients import SCOPES, Client, query_client

PKCE_METHODS = frozenset({"S256", "plain"})
HIDDEN_FIELDS = (
    "redirect_uri",
    "scope",
    "client_id",
    "state",
    "response_type",
    "code_challenge",
    "code_challenge_method",
)


class AuthorizePageError(Exception):
    """A request too broken to redirect: pretix shows an error page (400)."""

    def __init__(self, description: str, error: str = "invalid_request") -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class AuthorizeRequest:
    """A valid authorize request, ready for the consent page."""

    client: Client
    redirect_uri: str
    scope: str
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None

    def hidden_fields(self) -> dict[str, str]:
        """The consent form's hidden inputs, named as in pretix."""
        values = {
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "client_id": self.client.client_id,
            "state": self.state,
            "response_type": "code",
            "code_challenge": self.code_challenge,
            "code_challenge_method": self.code_challenge_method,
        }
        return {name: values[name] or "" for name in HIDDEN_FIELDS}

    @property
    def needs_consent(self) -> bool:
        """pretix skips the page only for exactly ``profile``."""
        return self.scope != "profile"


def validate(params: MultiDict) -> AuthorizeRequest:
    """Check an authorize request.

    :raise AuthorizePageError: for problems shown on a page (client and
        redirect URI).
    :raise OAuth2Error: with ``redirect_uri`` set, for problems reported to
        the client by redirect.
    """
    client = _client(params.get("client_id"))
    redirect_uri = _redirect_uri(client, params.get("redirect_uri"))
    state = params.get("state") or None

    try:
        _response_type(params.get("response_type"))
        scope = _scope(params.get("scope"))
        challenge = _challenge(params)
        _approval_prompt(params.get("approval_prompt"), scope)
    except OAuth2Error as error:
        error.redirect_uri, error.state = redirect_uri, state
        raise

    return AuthorizeRequest(client, redirect_uri, scope, state, *challenge)


def _client(client_id: str | None) -> Client:
    if not client_id:
        raise AuthorizePageError("Missing client_id parameter.")

    client = query_client(client_id)
    if client is None:
        raise AuthorizePageError("Invalid client_id parameter value.")

    return client


def _redirect_uri(client: Client, redirect_uri: str | None) -> str:
    if redirect_uri:
        if not client.check_redirect_uri(redirect_uri):
            raise AuthorizePageError("Mismatching redirect URI.")
        return redirect_uri

    default = client.get_default_redirect_uri()
    if default is None:
        raise AuthorizePageError("Missing redirect URI.")

    return default


def _response_type(response_type: str | None) -> None:
    if not response_type:
        raise InvalidRequestError("Missing response_type parameter.")

    if response_type == "token":
        raise UnauthorizedClientError()

    if response_type != "code":
        raise UnsupportedResponseTypeError(response_type)


def _scope(scope: str | None) -> str:
    if not scope:
        return " ".join(SCOPES)

    requested = set(scope.split())
    if not requested <= set(SCOPES):
        raise InvalidScopeError()

    return " ".join(item for item in SCOPES if item in requested)


def _challenge(params: MultiDict) -> tuple[str | None, str | None]:
    challenge = params.get("code_challenge") or None
    if challenge is None:
        return None, None

    method = params.get("code_challenge_method") or "plain"
    if method not in PKCE_METHODS:
        raise InvalidRequestError("Transform algorithm not supported.")

    return challenge, method


def _approval_prompt(approval_prompt: str | None, scope: str) -> None:
    # pretix answers 500 here; the sandbox says what is wrong instead.
    if approval_prompt == "auto" and scope != "profile":
        raise AuthorizePageError(
            "approval_prompt=auto is only supported for the profile scope."
        )

"""OAuth applications as Authlib sees them: always confidential, code flow only."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import ClientMixin
from flask import g
from sqlalchemy import Connection, bindparam, insert, select

from sandbox.db import get_connection
from sandbox.models import DEFAULT_NAMESPACE, Application
from sandbox.secrets import check_secret, hash_secret, new_token

SCOPES = ("profile", "read", "write")
GRANT_TYPES = frozenset({"authorization_code", "refresh_token"})
AUTH_METHODS = frozenset({"client_secret_basic", "client_secret_post"})
CLIENT_ID_LENGTH = 40
CLIENT_SECRET_LENGTH = 64

_BY_CLIENT_ID = select(
    Application.id,
    Application.name,
    Application.client_id,
    Application.client_secret_hash,
    Application.redirect_uris,
    Application.active,
).where(
    Application.namespace == bindparam("namespace"),
    Application.client_id == bindparam("client_id"),
)


@dataclass(frozen=True)
class Client(ClientMixin):
    """One registered application of the request's namespace."""

    id: int
    name: str
    client_id: str
    client_secret_hash: str
    redirect_uris: tuple[str, ...]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        # Only an application with a single URI has a default, as in pretix.
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return " ".join(SCOPES)

        return " ".join(item for item in SCOPES if item in scope.split())

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # Exact string comparison with the registered URIs, as pretix does.
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return check_secret(self.client_secret_hash, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES


def query_client(client_id: str | None) -> Client | None:
    """The active application with this client id in the request's namespace."""
    if not client_id:
        return None

    params = {"namespace": g.namespace, "client_id": client_id}
    row = get_connection().execute(_BY_CLIENT_ID, params).first()
    if row is None or not row.active:
        return None

    return Client(
        row.id,
        row.name,
        row.client_id,
        row.client_secret_hash,
        tuple(row.redirect_uris.split()),
    )


def is_allowed_redirect_uri(uri: str) -> bool:
    """Whether an application may register ``uri``.

    pretix Hosted demands https; the sandbox also takes http on loopback hosts
    so that partners can receive the callback on their own machine.
    """
    # Whitespace separates stored URIs, and RFC 6749 forbids a fragment.
    if not uri or any(character.isspace() for character in uri) or "#" in uri:
        return False

    parts = urlsplit(uri)
    if parts.scheme == "https" and parts.netloc:
        return True

    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    return parts.scheme == "http" and loopback


def register_application(
    connection: Connection,
    name: str,
    redirect_uris: list[str],
    namespace: str = DEFAULT_NAMESPACE,
) -> tuple[str, str]:
    """Add an application in the caller's transaction.

    Returns its client id and its secret; only the secret's hash is stored.

    :raise ValueError: for a redirect URI that :func:`is_allowed_redirect_uri`
        refuses.
    """
    for uri in redirect_uris:
        if not is_allowed_redirect_uri(uri):
            raise ValueError(f"{uri}: use https, or http on localhost or 127.0.0.1")

    client_id = new_token(CLIENT_ID_LENGTH)
    secret = new_token(CLIENT_SECRET_LENGTH)
    connection.execute(
        insert(Application),
        {
            "namespace": namespace,
            "name": name,
            "client_id": client_id,
            "client_secret_hash": hash_secret(secret),
            "redirect_uris": " ".join(redirect_uris),
            "active": True,
        },
    )
    return client_id, secret

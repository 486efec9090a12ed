"""Random tokens and the hashes of client secrets and user passwords."""

import hashlib
import hmac
import secrets
import string

from werkzeug.security import check_password_hash, generate_password_hash

TOKEN_ALPHABET = string.ascii_letters + string.digits
_UNBIASED_LIMIT = 256 - 256 % len(TOKEN_ALPHABET)
SECRET_SALT_BYTES = 8
# Few rounds on purpose: sandbox passwords are public, and logins must stay quick.
PASSWORD_METHOD = "pbkdf2:sha256:10000"


def new_token(length: int = 30) -> str:
    """A random token of ``length`` characters from ``[A-Za-z0-9]``."""
    characters: list[str] = []
    while len(characters) < length:
        # One read of random bytes instead of a call per character; bytes past
        # the last whole multiple of the alphabet are dropped to keep it unbiased.
        characters += [
            TOKEN_ALPHABET[byte % len(TOKEN_ALPHABET)]
            for byte in secrets.token_bytes(2 * length)
            if byte < _UNBIASED_LIMIT
        ]
    return "".join(characters[:length])


def hash_secret(secret: str) -> str:
    """A salted SHA-256 of ``secret``: ``sha256$<salt>$<hexdigest>``."""
    salt = secrets.token_hex(SECRET_SALT_BYTES)
    return f"sha256${salt}${_digest(salt, secret)}"


def check_secret(stored: str, candidate: str) -> bool:
    """Whether ``candidate`` is the secret behind ``stored``, in constant time."""
    method, _, rest = stored.partition("$")
    salt, _, digest = rest.partition("$")
    if method != "sha256" or not salt or not digest:
        return False

    expected = _digest(salt, candidate)
    return hmac.compare_digest(expected.encode(), digest.encode())


def hash_password(password: str) -> str:
    """A werkzeug PBKDF2 hash of a user's password."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


def check_password(stored: str, candidate: str) -> bool:
    """Whether ``candidate`` is the password behind ``stored``."""
    return check_password_hash(stored, candidate)


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}{secret}".encode()).hexdigest()

"""Every setting of the sandbox, read from ``SANDBOX_*`` environment variables."""

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUNDLED_FIXTURES = Path(__file__).parent / "default.yaml"


def _text(raw: str) -> str:
    return raw


def _integer(raw: str) -> int:
    return int(raw)


@dataclass(frozen=True)
class Setting:
    """One row of the settings table: its config key, default and coercer."""

    key: str
    default: Any
    coerce: Callable[[str], Any]
    help: str


SETTINGS = (
    Setting(
        "DATABASE_URL",
        None,
        _text,
        "SQLAlchemy URL; default a SQLite file in the instance folder",
    ),
    Setting(
        "FIXTURES",
        str(BUNDLED_FIXTURES),
        _text,
        "YAML fixtures file loaded by `init`, `serve` and reset",
    ),
    Setting(
        "SITE_URL",
        None,
        _text,
        "Base URL for `public_url` and links; default taken from the request",
    ),
    Setting("LOG_LEVEL", "INFO", _text, "Level of the `sandbox` loggers"),
    Setting("PAGE_SIZE", 50, _integer, "Largest page of a list, as pretix's 50"),
    Setting(
        "MAX_CONTENT_LENGTH",
        2621440,
        _integer,
        "Largest request body in bytes (Django's 2.5 MB); larger ones get 413",
    ),
    Setting(
        "ACCESS_TOKEN_LIFETIME",
        86400,
        _integer,
        "Seconds an OAuth access token lives",
    ),
    Setting("CODE_LIFETIME", 60, _integer, "Seconds an authorization code lives"),
    Setting(
        "SECRET_KEY",
        None,
        _text,
        "Signs login sessions and CSRF tokens; default kept in instance/secret_key",
    ),
    Setting(
        "ADMIN_TOKEN",
        None,
        _text,
        "Bearer token the control API then demands; required off loopback",
    ),
    Setting(
        "JOURNAL_SIZE",
        500,
        _integer,
        "Requests kept in each namespace's journal; 0 turns the journal off",
    ),
)


def load(config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Layer defaults, then ``SANDBOX_*`` variables, then ``config``."""
    values = {setting.key: setting.default for setting in SETTINGS}

    for setting in SETTINGS:
        raw = os.environ.get(f"SANDBOX_{setting.key}")
        if raw is not None and raw != "":
            values[setting.key] = setting.coerce(raw)

    values.update(config or {})
    return values


def instance_secret_key(instance_path: str) -> str:
    """A secret kept in the instance folder, so every worker signs alike."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)

    return path.read_text().strip()

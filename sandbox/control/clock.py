"""Setting a namespace's clock: frozen, set, or moved on."""

from datetime import UTC, datetime

from flask import g
from sqlalchemy import update

from sandbox.db import get_connection
from sandbox.models import Namespace
from sandbox.namespaces import load_state


def describe() -> dict:
    """The namespace's time, and whether it stands still."""
    state = load_state(g.namespace)
    now = state.now()
    return {
        "now": datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z"),
        "timestamp": now,
        "frozen": state.frozen_at is not None,
    }


def change(freeze: bool | None, moment: datetime | None, advance: float) -> dict:
    """Freeze or unfreeze, set the time, then advance it, in that order."""
    state = load_state(g.namespace)
    now = state.now()
    frozen = state.frozen_at is not None if freeze is None else freeze

    if moment is not None:
        now = _timestamp(moment)
    now += advance

    real = datetime.now(UTC).timestamp()
    values = {
        "frozen_at": now if frozen else None,
        "clock_offset": 0.0 if frozen else now - real,
    }
    connection = get_connection()
    connection.execute(
        update(Namespace).where(Namespace.name == g.namespace).values(**values)
    )
    connection.commit()
    return describe()


def _timestamp(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()

"""The time a namespace lives in: real time, shifted or frozen by tests."""

import time


def namespace_now(clock_offset: float, frozen_at: float | None) -> float:
    """Seconds since the epoch on a namespace's clock."""
    if frozen_at is not None:
        return frozen_at

    return time.time() + clock_offset

"""Which errors mean "the database is away", and saying so once per outage."""

from __future__ import annotations

import logging
import time

from sqlalchemy import exc

log = logging.getLogger(__name__)

# PostgreSQL SQLSTATE classes: connection exception, insufficient resources (too many
# connections), operator intervention (statement timeout, shutdown, starting up).
AWAY_SQLSTATE_CLASSES = ("08", "53", "57")
# SQLite primary result codes: busy, locked, I/O error, cannot open the file.
AWAY_SQLITE_CODES = (5, 6, 10, 14)


def database_away(error: BaseException) -> bool:
    """The database is unreachable, hung, restarting or locked: retrying later can help,
    and the error says nothing about the command itself (a bug or a schema out of date
    is not this: it keeps its traceback)."""
    # OSError covers refused and reset connections and TimeoutError (no answer in time);
    # SQLAlchemy's TimeoutError is a pool without a free connection.
    if isinstance(error, OSError | exc.TimeoutError):
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None)
    if isinstance(state, str):
        return state[:2] in AWAY_SQLSTATE_CLASSES
    code = getattr(error.orig, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in AWAY_SQLITE_CODES


class OutageLog:
    """One warning when the database goes away, one line when it is back with how many
    attempts failed meanwhile: not a traceback per request."""

    def __init__(self) -> None:
        self.failures = 0
        self.since = 0.0

    def failed(self, error: BaseException) -> None:
        if not self.failures:
            self.since = time.monotonic()
            log.warning(
                "database unavailable; members are asked to try again",
                extra={"error": type(error).__name__, "detail": str(error)[:300]},
            )
        self.failures += 1

    def succeeded(self) -> None:
        if self.failures:
            attempts = (
                "1 failed attempt" if self.failures == 1 else f"{self.failures} failed attempts"
            )
            log.info(
                f"database back after {attempts}",
                extra={"seconds": round(time.monotonic() - self.since, 1)},
            )
            self.failures = 0

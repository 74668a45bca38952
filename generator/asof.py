"""The build's one "as of" date, decided once per build and passed to every stage that needs a date.

In order: the configured `as_of`, else SOURCE_DATE_EPOCH, else the committer date of HEAD, so two
builds of one commit agree byte for byte and an uncommitted edit is dated as its build is. Only when
there is no commit at all (no repository, no commit yet, or history turned off) does the caller's
`fallback` count: the command line and the plugin pass the machine's date there, and nothing else does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from generator.errors import CharterError


class ConfigError(CharterError):
    pass


def configured_as_of(configured: str | None, environ: Mapping[str, str]) -> dt.date | None:
    """The configured date, else SOURCE_DATE_EPOCH's, else None: the build then takes HEAD's."""
    if configured:
        try:
            return dt.date.fromisoformat(configured)
        except ValueError:
            raise ConfigError(f"as_of '{configured}' is not a date; write it as YYYY-MM-DD") from None
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError):
            raise ConfigError(f"SOURCE_DATE_EPOCH '{epoch}' is not a number of seconds since 1970") from None
    return None


def decide_as_of(configured: dt.date | None, head_date: dt.datetime | None, fallback: dt.date) -> dt.date:
    """The configured date, else HEAD's committer date (in its own time zone), else the fallback."""
    if configured is not None:
        return configured
    if head_date is not None:
        return head_date.date()
    return fallback

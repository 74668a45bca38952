"""The build's "as of" date: fixed by configuration or the environment, so builds are reproducible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from generator.errors import CharterError


class ConfigError(CharterError):
    pass


def resolve_as_of(configured: str | None, environ: Mapping[str, str]) -> dt.date | None:
    """The configured date, else SOURCE_DATE_EPOCH, else None: the build then takes the newest commit's."""
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

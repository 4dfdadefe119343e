"""The date reviews are checked against, and month arithmetic for review deadlines.

`--today YYYY-MM-DD`, else `SOURCE_DATE_EPOCH` (the reproducible-builds convention: seconds since
1970, read in UTC), else the system clock: a CI job or a test that pins the date gets the same
findings every time.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os

from cadre_hooks.config import ConfigError


def today(explicit: str | None) -> dt.date:
    """The reference date; a malformed --today or SOURCE_DATE_EPOCH is a usage error (exit 2)."""
    if explicit is not None:
        return parse_day(explicit, "--today")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip():
        try:
            return dt.datetime.fromtimestamp(int(epoch.strip()), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH must be a number of seconds since 1970-01-01, "
                              f"got {epoch!r}") from None
    return dt.date.today()


def parse_day(text: str, origin: str) -> dt.date:
    value = text.strip()
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{origin} must be a date written YYYY-MM-DD, got {text!r}")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the end of a shorter month (31 Jan + 1 -> 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    year = min(max(year, dt.MINYEAR), dt.MAXYEAR)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (0 when `end` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)

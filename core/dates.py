"""Range checks for the dates a person types (a year of 1900 or 2836 is a slip of the
keyboard, never a record).

Bounds, per kind of date:

- a day something happened (a health check, an accident, an inspection, a reward paid):
  not before ``EARLIEST`` (2000-01-01: the register has no older records) and not after
  today (China's day, ``core.time.today``);
- a deadline (rectification): not after ``DEADLINE_YEARS`` (3) years from today.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core import time as local_time
from core.errors import DomainError

EARLIEST = dt.date(2000, 1, 1)
DEADLINE_YEARS = 3


def check_past_day(
    value: dt.date, *, field: str, error: type[DomainError] = DomainError,
    earliest: dt.date = EARLIEST,
) -> dt.date:  # fmt: skip
    """``value`` if it lies between ``earliest`` and today, else ``error`` naming ``field``."""
    if value < earliest:
        raise error(_("日期不能早于 %(d)s。") % {"d": earliest.isoformat()}, field=field)
    if value > local_time.today():
        raise error(_("日期不能在将来。"), field=field)
    return value


def deadline_latest() -> dt.date:
    today = local_time.today()
    try:
        return today.replace(year=today.year + DEADLINE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + DEADLINE_YEARS, day=28)


def check_deadline(
    value: dt.date, *, field: str, error: type[DomainError] = DomainError
) -> dt.date:
    """``value`` if it is no later than ``DEADLINE_YEARS`` years from today."""
    latest = deadline_latest()
    if value > latest:
        raise error(
            _("期限不能晚于 %(d)s（今天起 %(n)d 年内）。")
            % {"d": latest.isoformat(), "n": DEADLINE_YEARS},
            field=field,
        )
    return value

"""Numbers and text read from a URL, refused before a query when no row can match them.

Each trap here was a 500 on a plain GET (issue 16, item 6):

- `str.isdigit()` is true for "²" and "٣", which `int()` refuses or reads as 3, and `int()`
  refuses a number of more than 4,300 digits;
- databases hold 64-bit integers: a bigger one overflows SQLite's driver and PostgreSQL's
  OFFSET, and Django lets it through to a query on a page's id (a one-to-one key, which its
  integer overflow check does not cover);
- PostgreSQL cannot hold a NUL character in text, so a lookup with one fails instead of
  finding nothing;
- a day at either end of the calendar (0001-01-01, 9999-12-31) overflows Python's datetime
  when it is moved to UTC or a day on.
"""

import datetime as dt
import functools

from django.http import Http404

MAX_ID = 2**63 - 1  # the largest id any database here can hold
FIRST_DAY = dt.date(1, 1, 2)
LAST_DAY = dt.date(9999, 12, 30)


def whole_number(value: str | int | None, *, maximum: int = MAX_ID) -> int | None:
    """The number `value` is (an int, or ASCII digits only), when 0 <= it <= maximum."""
    if isinstance(value, str):
        if not value or len(value) > len(str(maximum)) or not (
                value.isascii() and value.isdigit()):
            return None
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= maximum:
        return None
    return value


def day_in_range(day: dt.date) -> bool:
    """True when a day can be moved to UTC and a day on, whatever the time zone."""
    return FIRST_DAY <= day <= LAST_DAY


def has_nul(*values: str) -> bool:
    """True when a value holds a NUL character, which no stored text can."""
    return any("\x00" in value for value in values)


def ids_in_range(view):
    """For a view of another app whose URL takes an id as digits of any length (`(\\d+)`):
    a 404 for one no database can hold, which its lookup would fail with ValueError or an
    overflow instead. The id is the first argument, or one named pk or *_id."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        ids = [*args[:1], *(value for name, value in kwargs.items()
                            if name == "pk" or name.endswith("_id"))]
        if any(isinstance(value, str) and whole_number(value) is None for value in ids):
            raise Http404("لا يوجد شيء بهذا الرقم")
        return view(request, *args, **kwargs)

    return checked

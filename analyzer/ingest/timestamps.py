"""Timestamp text -> integer nanoseconds since the epoch (UTC). Never raises: None when the text
is not a timestamp this module knows."""

from __future__ import annotations

import calendar
import re

_ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_iso_ns(text: str, *, assume_utc: bool = True) -> int | None:
    """RFC3339 / ISO 8601 / Postgres `YYYY-MM-DD HH:MM:SS.mmm UTC` to ns; zone-less -> UTC."""
    match = _ISO_RE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, frac, zone = match.groups()
    try:
        seconds = calendar.timegm((int(year), int(month), int(day), int(hour), int(minute),
                                   int(second), 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31 and int(hour) < 24):
        return None
    ns = seconds * 1_000_000_000 + (int(frac.ljust(9, "0")) if frac else 0)
    if zone and zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 3600 + (int(digits[2:4]) * 60 if len(digits) >= 4 else 0)
        ns -= (offset if zone[0] == "+" else -offset) * 1_000_000_000
    elif not zone and not assume_utc:
        return None
    return ns

"""Capture normalizers: a rule's `normalize: {capture: name}` rewrites a captured value before it
becomes an incident entity, so one problem does not split into thousands of incidents (an HTTP
path with a session id in it, a host name written in two cases).

A registry: adding a normalizer is one function and one line in NORMALIZERS.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HEX = re.compile(r"^[0-9a-fA-F]{8,}$")
_NUMBER = re.compile(r"^\d+$")
# `sess_3kd93…`, `cus_Nf…`, `srv-d0abc…`: a short lowercase prefix and a long opaque token
_PREFIXED_ID = re.compile(r"^[a-z]{2,8}[_-][A-Za-z0-9]{10,}$")
# a segment that mixes letters and digits and is long enough to be a token, not a word
_TOKEN = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{10,}$")


def _is_identifier_segment(segment: str) -> bool:
    return bool(_NUMBER.match(segment) or _UUID.match(segment) or _HEX.match(segment)
                or _PREFIXED_ID.match(segment) or _TOKEN.match(segment))


def url_path(value: str) -> str:
    """`/api/sessions/sess_4kq…?x=1` -> `/api/sessions/:id`: the route, not the request."""
    path = value.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    segments = [":id" if _is_identifier_segment(s) else s for s in path.split("/")]
    return "/".join(segments) or "/"


def lower(value: str) -> str:
    return value.lower()


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "url_path": url_path,
    "lower": lower,
}

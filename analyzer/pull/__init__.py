"""Pull stage (a source): logs fetched from the platforms' APIs for users without drains, as
JSON rows every format reads (`supabase_json`, `render_json`). `supabase.pull_supabase` and
`render.pull_render` yield rows; `client.ApiClient` does the paging-independent part (auth,
JSON, 429/5xx with Retry-After). Prints nothing; errors are PullError (an AnalyzerError).
`redacted` cleans a row before it is written (secrets redacted by default, as every output)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analyzer.pull.client import ApiClient, PullError
from analyzer.pull.render import RENDER_API, pull_render
from analyzer.pull.supabase import SUPABASE_API, SUPABASE_SOURCES, pull_supabase

PULLERS = {"supabase": pull_supabase, "render": pull_render}


def redacted(value: Any, clean: Callable[[str], str]) -> Any:
    """A row with `clean` applied to every string value, nested ones too (keys, numbers and
    the row's shape unchanged, so every reader still reads it)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: redacted(item, clean) for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item, clean) for item in value]
    return value

__all__ = ["PULLERS", "RENDER_API", "SUPABASE_API", "SUPABASE_SOURCES", "ApiClient",
           "PullError", "pull_render", "pull_supabase", "redacted"]

"""Pull stage (a source): logs fetched from the platforms' APIs for users without drains, as
JSON rows every format reads (`supabase_json`, `render_json`). `supabase.pull_supabase` and
`render.pull_render` yield rows; `client.ApiClient` does the paging-independent part (auth,
JSON, 429/5xx with Retry-After). Prints nothing; errors are PullError (an AnalyzerError)."""

from __future__ import annotations

from analyzer.pull.client import ApiClient, PullError
from analyzer.pull.render import RENDER_API, pull_render
from analyzer.pull.supabase import SUPABASE_API, SUPABASE_SOURCES, pull_supabase

PULLERS = {"supabase": pull_supabase, "render": pull_render}

__all__ = ["PULLERS", "RENDER_API", "SUPABASE_API", "SUPABASE_SOURCES", "ApiClient",
           "PullError", "pull_render", "pull_supabase"]

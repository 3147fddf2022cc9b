"""Pull stage, Render: the logs API (`GET /v1/logs`, an API key) for one or more resources,
oldest first. Pages are time ranges: while `hasMore`, the next request takes the response's
`nextStartTime`/`nextEndTime`. The owner (workspace) id the API needs is read from the first
resource (`GET /v1/services/{id}`) unless given. Log objects come out as the API returns them
(`id`, `message`, `timestamp`, `labels`), which `render_json` reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from analyzer.errors import UsageError
from analyzer.pull.client import ApiClient, PullError
from analyzer.pull.supabase import iso

RENDER_API = "https://api.render.com"
PAGE_LOGS = 100
MAX_PAGES = 100_000


def owner_of(client: ApiClient, resource: str) -> str:
    data = client.get(f"/v1/services/{resource}", {})
    owner = data.get("ownerId") if isinstance(data, dict) else None
    if not owner:
        raise PullError(f"/v1/services/{resource}: no ownerId in the response; give --owner")
    return str(owner)


def pull_render(client: ApiClient, resources: Sequence[str], start_ns: int, end_ns: int,
                owner: str | None = None, page_logs: int = PAGE_LOGS
                ) -> Iterator[dict[str, Any]]:
    if not resources:
        raise UsageError("--resource: give at least one Render resource id (srv-…)")
    bad = [r for r in resources if not r.replace("-", "").replace("_", "").isalnum()]
    if bad:
        raise UsageError(f"--resource: not a Render resource id: {bad[0]!r}")
    owner = owner or owner_of(client, resources[0])
    start, end = iso(start_ns), iso(end_ns)
    for _ in range(MAX_PAGES):
        params = [("ownerId", owner), *(("resource", r) for r in resources),
                  ("startTime", start), ("endTime", end), ("direction", "forward"),
                  ("limit", page_logs)]
        data = client.get("/v1/logs", params)
        if not isinstance(data, dict) or not isinstance(data.get("logs", []), list):
            raise PullError("/v1/logs: expected an object with `logs`")
        yield from (log for log in data.get("logs") or [] if isinstance(log, dict))
        if not data.get("hasMore"):
            return
        next_start, next_end = data.get("nextStartTime"), data.get("nextEndTime")
        if not next_start or (next_start, next_end or end) == (start, end):
            raise PullError("/v1/logs: hasMore without a new nextStartTime; stopped")
        start, end = str(next_start), str(next_end or end)
    raise PullError(f"/v1/logs: more than {MAX_PAGES} pages; narrow --since")

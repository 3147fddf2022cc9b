"""Pull stage, Supabase: the Management API's logs endpoint
(`GET /v1/projects/{ref}/analytics/endpoints/logs.all`, a personal access token) queried by
SQL, one log source (table) at a time. The API answers at most 24 hours per request and a
bounded number of rows, so the window is cut into slices and each slice is paged by
timestamp (with an offset past the rows of the boundary
timestamp already read). Rows come out oldest first with the
source name added, as `supabase_json` reads them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from analyzer.errors import UsageError
from analyzer.pull.client import ApiClient, PullError

SUPABASE_API = "https://api.supabase.com"
SUPABASE_SOURCES = ("postgres_logs", "edge_logs", "postgrest_logs", "auth_logs",
                    "function_logs", "function_edge_logs", "storage_logs", "realtime_logs",
                    "supavisor_logs")
PAGE_ROWS = 1000
SLICE_NS = 3600 * 1_000_000_000  # one hour per query: well under the 24-hour cap


def iso(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def source_sql(source: str, after: str, before: str, limit: int, offset: int = 0) -> str:
    # the source is from the fixed list and the times from our own formatting (iso)
    return (f"select id, timestamp, event_message, metadata from {source} "
            f"where timestamp >= '{after}' and timestamp < '{before}' "
            f"order by timestamp asc limit {limit} offset {offset}")


def pull_supabase(client: ApiClient, project_ref: str, start_ns: int, end_ns: int,
                  sources: Sequence[str] = SUPABASE_SOURCES,
                  page_rows: int = PAGE_ROWS) -> Iterator[dict[str, Any]]:
    unknown = [s for s in sources if s not in SUPABASE_SOURCES]
    if unknown:
        raise UsageError(f"--source: unknown Supabase log source {unknown[0]!r} (known: "
                         f"{', '.join(SUPABASE_SOURCES)})")
    if not project_ref.isalnum():
        raise UsageError(f"--project-ref: expected the project's reference id, got "
                         f"{project_ref!r}")
    path = f"/v1/projects/{project_ref}/analytics/endpoints/logs.all"
    for source in sources:
        at = start_ns
        while at < end_ns:
            stop = min(end_ns, at + SLICE_NS)
            yield from _slice(client, path, source, at, stop, page_rows)
            at = stop


def _slice(client: ApiClient, path: str, source: str, start: int, stop: int,
           page_rows: int) -> Iterator[dict[str, Any]]:
    """Pages of one slice: the next page starts at the last row's timestamp, skipping the
    rows of that timestamp already read (an OFFSET), so rows sharing a timestamp across a
    page boundary are neither lost nor repeated."""
    after, offset = start, 0
    while True:
        data = client.get(path, {"sql": source_sql(source, iso(after), iso(stop), page_rows,
                                                   offset),
                                 "iso_timestamp_start": iso(start),
                                 "iso_timestamp_end": iso(stop)})
        if not isinstance(data, dict):
            raise PullError(f"{path}: expected an object with `result`")
        if data.get("error"):
            raise PullError(f"{path} ({source}): {_error_text(data['error'])}")
        rows = [r for r in data.get("result") or [] if isinstance(r, dict)]
        for row in rows:
            yield {**row, "source": source}
        if len(rows) < page_rows:
            return
        stamps = [_row_ns(r) for r in rows]
        last = stamps[-1]
        if last is None or last < after:
            raise PullError(f"{path} ({source}): rows without increasing timestamps; stopped")
        tied = sum(1 for ns in stamps if ns == last)
        after, offset = (after, offset + tied) if last == after else (last, tied)


def _row_ns(row: dict[str, Any]) -> int | None:
    value = row.get("timestamp")
    if isinstance(value, int | float):  # microseconds since the epoch
        return int(value) * 1000
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return int(parsed.timestamp() * 1e6) * 1000
    return None


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error)[:300]
    return str(error)[:300]

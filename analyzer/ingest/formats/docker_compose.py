"""`docker compose logs` / `docker compose up` output (and the Supabase CLI's containers):
`<service>  | <line>`, the names padded to one width, maybe `--timestamps` (RFC 3339 with ns)
after the bar. The service is the instance: lines of two services never join, and a
continuation line goes under the last event of its own service when their output
interleaves. What is after the bar is read by the format it is in (PostgreSQL stderr, app
JSON, …)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from analyzer.ingest.formats.base import share
from analyzer.ingest.formats.wrapped import Wrapper

LINE_RE = (r"^(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)(?P<pad> +)\|(?: (?P<rest>.*))?$")
_TIMESTAMP = r"^(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) "
# Pattern layouts (`INFO  | message`, `2025-11-13 | …`) are no service names.
_LEVEL_WORDS = (r"(?i)^(?:trace|debug|info|notice|warn|warning|error|fatal|critical|crit|err"
                r"|[\d.:/-]+)$")


class DockerCompose(Wrapper):
    name = "docker_compose"
    description = "`docker compose logs` / `up`: `<service>  | <line>` (maybe --timestamps); " \
                  "the part after the bar in its own format"
    example = 'supabase_db_acme  | 2025-11-13 06:24:10.512 UTC [4242] ERROR:  relation ' \
              '"sessions" does not exist'

    def unwrap(self, lines: pl.Series) -> pl.DataFrame:
        parts = pl.DataFrame({"line": lines}).select(
            pl.col("line").str.extract_groups(LINE_RE).alias("p")).unnest("p")
        named = pl.col("name").is_not_null() & ~pl.col("name").str.contains(_LEVEL_WORDS)
        rest = pl.col("rest").fill_null("")
        stamp = rest.str.extract(_TIMESTAMP, 1)
        return parts.with_columns(line=lines).select(
            w_parsed=named.fill_null(False),
            inner=pl.when(named).then(
                pl.when(stamp.is_not_null()).then(rest.str.slice(stamp.str.len_chars() + 1))
                .otherwise(rest)).otherwise(pl.col("line")),
            w_ts=pl.when(named).then(stamp),
            w_instance=pl.when(named).then(pl.col("name")),
            w_service=pl.when(named).then(pl.col("name")),
        )

    def sniff(self, head: Sequence[str]) -> float:
        lines = [line for line in head if line.strip()]
        if not lines:
            return 0.0
        parts = pl.Series(lines, dtype=pl.String).str.extract_groups(LINE_RE)
        names = parts.struct.field("name")
        ours = names.is_not_null() & ~names.str.contains(_LEVEL_WORDS).fill_null(True)
        # compose names its containers `service-1`, `project_service_1`, `supabase_db_x`
        if not ours.any() or not names.filter(ours).str.contains(r"[-_\d]").any():
            return 0.0
        # compose pads every name to one width: the bars line up
        bar = (names.str.len_chars() + parts.struct.field("pad").str.len_chars()).filter(ours)
        aligned = share(bar == bar.mode().first())
        return share(ours) * 0.99 if aligned >= 0.9 else 0.0

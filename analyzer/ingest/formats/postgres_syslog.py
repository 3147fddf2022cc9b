"""PostgreSQL through syslog (`log_destination = 'syslog'`) and Heroku Postgres (logplex).

PostgreSQL hands syslog one message per error and splits it into lines, each sent as
`[seq-chunk] <line>`: the ERROR line is `[7-1]`, its DETAIL `[7-2]`, the tab-led lines of a
multi-line statement `[7-3] #011…` (rsyslog writes the tab as `#011`). The seq counts per
process, so `(pid, seq)` names the event a line belongs to, whatever other backends wrote in
between. What follows the chunk number is a PostgreSQL stderr line (its `log_line_prefix`
included), read by that format. Heroku's logplex prints the same chunks as
`app[postgres.<pid>]: [DATABASE] [19-3] …`, its prefix starting with `sql_error_code = …`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import polars as pl

from analyzer.ingest.formats.wrapped import Wrapper

_RFC3339 = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
_BSD_TIME = r"[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}"
_CHUNK = r"\[(?P<seq>\d+)-(?P<chunk>\d+)\] ?(?P<rest>.*)$"


class _ChunkedPostgres(Wrapper):
    inner_name = "postgres"
    open_events = 16
    line_re: ClassVar[str]

    def unwrap(self, lines: pl.Series) -> pl.DataFrame:
        parts = pl.DataFrame({"line": lines}).select(
            pl.col("line").str.extract_groups(self.line_re).alias("p")).unnest("p")
        ours = pl.col("chunk").is_not_null()
        return parts.with_columns(line=lines).select(
            w_parsed=ours.fill_null(False),
            inner=pl.when(ours).then(pl.col("rest").str.replace_all("#011", "\t", literal=True))
            .otherwise(pl.col("line")),
            w_ts=pl.when(pl.col("ts").str.contains(r"^\d")).then(pl.col("ts")),
            w_service=pl.lit(None, dtype=pl.String),
            pid=pl.col("pid"),
            seq=pl.col("seq").cast(pl.Int64, strict=False),
            chunk=pl.col("chunk").cast(pl.Int64, strict=False),
        )

    def sniff(self, head: Sequence[str]) -> float:
        # Above the stderr format, which also reads these lines (their prefix has a pid).
        return self.sniff_fraction(head) * 0.99

    def own_continues(self) -> pl.Expr:
        same = (pl.col("pid") == pl.col("pid").shift(1)) & (pl.col("seq") == pl.col("seq").shift(1))
        return (pl.col("chunk") > 1) & same.fill_null(False)

    def own_arrange(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Each chunk right below the first chunk of its (pid, seq), other rows in order."""
        if frame.height < 2:
            return frame
        row, first = pl.col("_row"), pl.col("chunk") == 1
        owner = pl.when(first).then(row).forward_fill().over("pid", "seq")
        owner = pl.when(pl.col("chunk") > 1).then(pl.coalesce(owner, row)).otherwise(row)
        return (frame.with_row_index("_row").with_columns(_owner=owner)
                .sort("_owner", "_row").drop("_owner", "_row"))

    def extra_fields(self, head: dict[str, Any]) -> dict[str, Any]:
        return {"pid": head["pid"]} if head.get("pid") else {}


class PostgresSyslog(_ChunkedPostgres):
    name = "postgres_syslog"
    description = "PostgreSQL via syslog (rsyslog, RFC 3339 or BSD time): " \
                  "`postgres[pid]: [seq-chunk] <prefix>ERROR:  …`, `#011` continuations"
    example = '2025-11-13T06:24:10.512345+00:00 db1 postgres[10819]: [7-1] ERROR:  relation ' \
              '"sessions" does not exist at character 15'
    line_re = (rf"^(?:<\d{{1,3}}>)?(?P<ts>{_RFC3339}|{_BSD_TIME}) (?P<host>\S+) "
               rf"(?P<ident>[^\s\[\]]+)\[(?P<pid>\d+)\]: {_CHUNK}")


class HerokuPostgres(_ChunkedPostgres):
    """`heroku logs` prints every dyno's lines (`app[web.1]: …`, `heroku[router]: …`) between
    the database's: those are read too, their dyno as instance (a stack joins by content)."""

    name = "heroku_postgres"
    description = "Heroku Postgres via logplex: `app[postgres.<pid>]: [DATABASE] [19-1] " \
                  "sql_error_code = 22P02 … ERROR:  …`, continuations `[19-2]`; other dynos' lines"
    example = '2025-11-13T06:24:10+00:00 app[postgres.1234]: [DATABASE] [19-1] sql_error_code ' \
              '= 22P02 ERROR:  invalid input syntax for type uuid: "x"'
    line_re = (rf"^(?P<ts>{_RFC3339}) (?:\S+ )?(?:app|heroku)\[(?P<dyno>(?:postgres\.(?P<pid>\d+))"
               rf"|[\w.-]+)\]: (?:\[(?P<addon>[A-Z][A-Z0-9_]*)\] {_CHUNK}|(?P<text>.*)$)")

    def unwrap(self, lines: pl.Series) -> pl.DataFrame:
        parts = pl.DataFrame({"line": lines}).select(
            pl.col("line").str.extract_groups(self.line_re).alias("p")).unnest("p")
        ours, chunked = pl.col("ts").is_not_null(), pl.col("chunk").is_not_null()
        return parts.with_columns(line=lines).select(
            w_parsed=ours.fill_null(False),
            inner=pl.when(chunked).then(
                pl.col("rest").str.replace_all("#011", "\t", literal=True))
            .when(ours).then(pl.col("text")).otherwise(pl.col("line")),
            w_ts=pl.col("ts"),
            w_service=pl.col("addon"),
            w_instance=pl.when(ours).then(pl.col("dyno")),
            pid=pl.col("pid"),
            seq=pl.col("seq").cast(pl.Int64, strict=False),
            chunk=pl.col("chunk").cast(pl.Int64, strict=False),
        )

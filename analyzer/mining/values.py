"""The values of a batch's variables, counted in polars (the bulk path's `note_values`).

Per line, `cluster.note_values` takes the raw token at each variable position of the line's
cluster (less the constant text around the placeholder), counts it when the position already
keeps it or keeps fewer than `cap` values, else counts it as other. For a whole batch that is:
the (cluster, position, value) triples with their line counts and first line, in polars; the
values a position keeps get their counts; of the others, the first ones by first appearance
fill the room left (each with all its lines: once kept, its later lines count to it) and the
rest are other values. Python runs per kept value, not per line.
"""

from __future__ import annotations

import polars as pl

from analyzer.mining.cluster import Cluster

# What str.split() splits on: Unicode White_Space (Rust `\s`) and the separators \x1c-\x1f.
_SPACE = r"[\s\x1c-\x1f]"
# Texts where splitting on single spaces differs from str.split()
_ODD_SPACE = r"[\s\x1c-\x1f&&[^ ]]|  |^ | $"


def split_like_python(texts: pl.Series) -> pl.Series:
    """A list column: each text's `str.split()` (runs of whitespace apart, none at the ends)."""
    odd = texts.str.contains(_ODD_SPACE).fill_null(False)
    if odd.any():
        rows = odd.arg_true()
        fixed = texts.gather(rows).str.replace_all(_SPACE + "+", " ").str.strip_chars(" ")
        texts = texts.scatter(rows, fixed)
    return texts.str.split(" ")


CHUNK = 50_000  # lines counted at a time: bounds the exploded (line, position) frame


def count_values(texts: pl.Series, line_keys: pl.Series, live: list[Cluster | None],
                 cap: int) -> None:
    """Count into each live cluster the values its lines give its variables (`live`: the
    cluster of each key, None when evicted; `line_keys`: each line's key), CHUNK lines at a
    time (one after the other, as line by line)."""
    index: dict[Cluster, int] = {}
    of_key = [None if c is None or not c.extract else index.setdefault(c, len(index))
              for c in live]
    if not index:
        return
    clusters, cids = list(index), pl.Series(of_key, dtype=pl.UInt32)
    for at in range(0, len(texts), CHUNK):
        _count_chunk(texts.slice(at, CHUNK), cids.gather(line_keys.slice(at, CHUNK)),
                     clusters, cap)


def _count_chunk(texts: pl.Series, cids: pl.Series, clusters: list[Cluster], cap: int) -> None:
    found = _triples(texts, cids, clusters)
    known = pl.DataFrame(
        [(cid, pos, value) for cid, c in enumerate(clusters) for pos, _, _ in c.extract
         for value in c.values.get(pos, {})],
        schema={"cid": pl.UInt32, "pos": pl.Int64, "value": pl.String}, orient="row")
    found = found.join(known.with_columns(known=pl.lit(True)), on=["cid", "pos", "value"],
                       how="left").with_columns(pl.col("known").fill_null(False))
    for cid, pos, value, n in found.filter("known").select("cid", "pos", "value", "n").iter_rows():
        counts = clusters[cid].values.setdefault(pos, {})
        counts[value] = counts.get(value, 0) + n
    _admit_new(found.filter(~pl.col("known")), clusters, cap)


def _triples(texts: pl.Series, cids: pl.Series, clusters: list[Cluster]) -> pl.DataFrame:
    """(cid, pos, value) with its line count `n` and first line `first`, for the lines whose
    cluster extracts values and whose token count is the template's."""
    spec = pl.DataFrame({
        "pos": [[p for p, _, _ in c.extract] for c in clusters],
        "before": [[b for _, b, _ in c.extract] for c in clusters],
        "after": [[a for _, _, a in c.extract] for c in clusters],
        "ntok": [len(c.tokens) for c in clusters],
    }, schema={"pos": pl.List(pl.Int64), "before": pl.List(pl.Int64),
               "after": pl.List(pl.Int64), "ntok": pl.UInt32}).with_row_index("cid")
    lines = (pl.DataFrame({"cid": cids, "text": texts})
             .with_row_index("i").filter(pl.col("cid").is_not_null()))
    tokens = split_like_python(lines.get_column("text"))
    token, size = pl.col("token"), pl.col("token").str.len_chars()
    before, after = pl.col("before"), pl.col("after")
    return (lines.select("i", "cid", tokens=tokens)
            .join(spec, on="cid", how="left")
            .filter(pl.col("tokens").list.len() == pl.col("ntok"))
            .select("i", "cid", "pos", "before", "after",
                    token=pl.col("tokens").list.gather(pl.col("pos")))
            .explode("pos", "before", "after", "token")
            .select("i", "cid", "pos", value=pl.when(before + after < size)
                    .then(token.str.slice(before, size - before - after)).otherwise(token))
            .group_by("cid", "pos", "value").agg(n=pl.len(), first=pl.col("i").min()))


def _admit_new(new: pl.DataFrame, clusters: list[Cluster], cap: int) -> None:
    """Values a position did not keep: the first ones (by first line) while it has room, the
    rest counted as other values."""
    if new.height == 0:
        return
    first_ones = (new.filter(pl.col("first").rank("ordinal").over("cid", "pos") <= cap)
                  .sort("cid", "pos", "first"))
    taken: dict[tuple[int, int], int] = {}
    for cid, pos, value, n in first_ones.select("cid", "pos", "value", "n").iter_rows():
        counts = clusters[cid].values.setdefault(pos, {})
        if len(counts) < cap:
            counts[value] = n
            taken[cid, pos] = taken.get((cid, pos), 0) + n
    totals = new.group_by("cid", "pos").agg(pl.col("n").sum())
    for cid, pos, total in totals.iter_rows():
        rest = total - taken.get((cid, pos), 0)
        if rest:
            other = clusters[cid].other_values
            other[pos] = other.get(pos, 0) + rest

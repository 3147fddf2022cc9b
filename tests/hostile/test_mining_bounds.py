from __future__ import annotations

import json
import random
import string

import pytest

from analyzer.mining import MinerParams, TemplateMiner
from analyzer.mining.unclassified import OVERFLOW_ID
from analyzer.pipeline import analyze
from analyzer.settings import Settings


def distinct_errors(count: int, seed: int = 7) -> list[str]:
    """Error lines that are all different templates (their words differ, not their values)."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=8))

    return [f"ERROR {word()} {word()} failed while {word()} the {word()}" for _ in range(count)]


def mixed(count: int) -> list[str]:
    """All-distinct errors with one hot template every tenth line."""
    lines = distinct_errors(count)
    for i in range(0, count, 10):
        lines[i] = f"ERROR job {i} failed: timeout"
    return lines


@pytest.mark.parametrize("batch", [False, True])
def test_every_line_is_in_exactly_one_cluster_past_the_store_limit(batch):
    lines = mixed(3000)
    miner = TemplateMiner(MinerParams(max_clusters=100))
    if batch:
        for start in range(0, len(lines), 500):
            miner.add_many(lines[start:start + 500])
    else:
        for line in lines:
            miner.add(line)
    assert miner.live_count <= 100
    assert miner.evicted_clusters > 0 and miner.overflow.count > 0
    assert sum(c.count for c in miner.clusters()) + miner.overflow.count == len(lines)
    hot = [c for c in miner.clusters() if c.template == "ERROR job <num> failed: timeout"]
    assert hot and hot[0].count == 300  # a template still matched is never evicted


def test_overflow_survives_state_and_merge():
    miner = TemplateMiner(MinerParams(max_clusters=20))
    for line in distinct_errors(200):
        miner.add(line)
    restored = TemplateMiner.from_state(json.loads(json.dumps(miner.to_state())))
    assert restored.overflow.count == miner.overflow.count > 0
    other = TemplateMiner(MinerParams(max_clusters=20))
    for line in distinct_errors(100, seed=8):
        other.add(line)
    restored.merge(other)
    assert (sum(c.count for c in restored.clusters()) + restored.overflow.count) == 300


def test_the_scan_reports_how_many_events_went_to_the_overflow(tmp_path):
    lines = distinct_errors(5400)
    log = tmp_path / "distinct.log"
    log.write_text("\n".join(lines) + "\n")
    report = analyze([str(log)], Settings())
    assert sum(i.count for i in report.incidents) == len(lines)  # no event in no incident
    overflow = [i for i in report.incidents if i.id == OVERFLOW_ID]
    assert overflow and overflow[0].count >= 400
    said = [p.message for p in report.problems if OVERFLOW_ID in p.message]
    assert said and said[0].startswith(f"{overflow[0].count} event(s) went to the overflow")
    assert len(report.incidents) <= 5001


def test_templates_lists_the_overflow_as_a_row_in_the_table_json_and_per_line_csv(tmp_path, cli):
    lines = distinct_errors(5400)
    log = tmp_path / "distinct.log"
    log.write_text("\n".join(lines) + "\n")
    listed = cli("templates", str(log), "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    rows = json.loads(listed.stdout)["templates"]
    assert sum(row["count"] for row in rows) == len(lines)  # no event in no row
    overflow = [row for row in rows if row["overflow"]]
    assert len(overflow) == 1 and overflow[0]["template"] == "<overflow>"
    assert overflow[0]["count"] >= 400 and rows[-1] == overflow[0]
    assert f"{overflow[0]['count']} event(s) are in the overflow row {overflow[0]['id']}" \
        in listed.stderr
    # --limit cuts templates, not the overflow row
    limited = json.loads(cli("templates", str(log), "-f", "json", "-n", "2").stdout)["templates"]
    assert [row["overflow"] for row in limited] == [False, False, True]
    table = cli("templates", str(log), "-n", "1")
    assert overflow[0]["id"] in table.stdout and "<overflow>" in table.stdout
    assert "1 template(s) and the overflow row shown" in table.stdout
    per_line = cli("templates", str(log), "-f", "csv", "--per-line").stdout.splitlines()[1:]
    ids = {row["id"] for row in rows}
    assert len(per_line) == len(lines)
    assert all(line.split(",")[1] in ids for line in per_line)  # evicted ones: the overflow
    assert sum(line.split(",")[1] == overflow[0]["id"] for line in per_line) \
        == overflow[0]["count"]

from __future__ import annotations

import json
import random

import pytest

from analyzer.errors import AnalyzerError
from analyzer.mining import MinerParams, TemplateMiner, head_line, mask, mask_many, mine
from analyzer.mining.tokens import template_id


def templates(miner: TemplateMiner) -> dict[str, int]:
    return {c.template: c.count for c in miner.clusters()}


@pytest.mark.parametrize(("line", "masked"), [
    ("took 12 ms, retry 3", "took <num> ms, retry <num>"),
    ("addr 0x7fef9fb9b6d freed", "addr <hex> freed"),
    ("req 38101a0b-2096-447d-96ea-a692162415ae done",
     "req <uuid> done"),
    ("connect to 10.251.73.220:50010 refused", "connect to <ip> refused"),
    ("at 2025-11-13T06:23:03.093444433Z and 06:23:03", "at <ts> and <ts>"),
    ("open /var/lib/pg/data/base failed", "open <path> failed"),
    ("GET https://api.example.com/v1/x?y=1 500", "GET <url> <num>"),
    ('column "reportId" does not exist', 'column "<str>" does not exist'),
    ("Could not find the 'created_at' column of 'sessions'",
     "Could not find the '<str>' column of 'sessions'"),
    ("block blk_-6952295868487656571 of sess_dq5tlcpwsiwzp9hp", "block <id> of <id>"),
    ("ssh2 and SOCKS5 are names, v2 too", "ssh2 and SOCKS5 are names, v2 too"),
    ("connection at Sun Jul 10 03:55:22 2005 ok", "connection at <ts> <ts> <ts> <ts> <num> ok"),
    ("mail bob@example.org now", "mail <email> now"),
])
def test_typed_variables_are_masked(line, masked):
    assert mask(line) == masked


def test_vectorized_and_one_line_masking_agree():
    lines = [
        'ERROR:  column "x" does not exist at character 8', "uid=0 euid=0 tty=NODEVssh",
        "can't open 'file_1.txt' or don't", "C:\\Windows\\winsxs\\x.dll loaded",
        "[10.30 16:49:06] proxy.cse.cuhk.edu.hk:5070 open", "plain words only", "",
        "R02-M1-N0-C:J12-U11 core.1234 0xDEADBEEF deadbeefdeadbeef00",
    ]
    assert mask_many(lines) == [mask(line) for line in lines]


def test_ascii_spelling_of_the_masks_matches_python_re():
    """The vectorized path masks texts without non-ASCII letters, digits or spaces with the
    ASCII spelling of the patterns, the others as written: both agree with `re`."""
    rng = random.Random(17)
    alphabet = [*"abcXYZ019_-./:@'\"`\\ =x<>", "  ", "\t", "é", "\u00a0", "🤖", "→", "0x1f",
                "://", "user_12", "10.0.0.1"]
    lines = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30)))
             for _ in range(3000)]
    lines += ["🤖 heartbeat: 6 sockets open, rss=122MB", "📨 [4626e668] from user_88 in 19ms",
              "héllo 12 wörld_3 /a/b", "ok\u00a0123 /x/y\u00a0z"]
    assert mask_many(lines) == [mask(line) for line in lines]


def test_masking_by_digit_shape_matches_python_re():
    """Lines differing only in their digits are masked once per shape: the same as `re` on
    each line, for hex (`0x`), names ending in digits (`ssh2`), dates, ids and non-ASCII."""
    rng = random.Random(23)
    shapes = ["GET /api/v{d}/users/{n} {n} {f} ms", "ssh{d} from {ip} port {n}",
              "at 0x{n}f x{n}", "blk_-{n} of {n}0 bytes", "Sun Jul {d} 0{d}:1{d}:2{d} 2005 ok",
              "é{n} é_{d} /a{n}/b", "job {n} done in {f}s", "IPv{d} SOCKS{d}",
              "uid={d} euid={n} 2024-0{d}-1{d}T10:00:0{d}Z"]
    lines = [rng.choice(shapes).format(
        d=rng.randrange(10), n=rng.randrange(10 ** rng.randrange(1, 8)), f=rng.random() * 99,
        ip=".".join(str(rng.randrange(256)) for _ in range(4))) for _ in range(4000)]
    assert mask_many(lines) == [mask(line) for line in lines]


def test_masking_never_joins_or_splits_tokens():
    line = "Sun Jul 10 03:55:22 2005 from 10.0.0.1 user=\"a_1\" path /a/b/c 12.5ms"
    assert len(mask(line).split()) == len(line.split())


def test_column_and_relation_errors_never_merge():
    lines = ['ERROR:  column "reportId" does not exist',
             'ERROR:  relation "counseling_sessions" does not exist',
             'ERROR:  column "counters" does not exist',
             'ERROR:  relation "sessions_old" does not exist',
             'ERROR:  table "x_1" does not exist', 'ERROR:  function "f_2" does not exist',
             'ERROR:  index "i_3" does not exist', 'ERROR:  schema "s_4" does not exist']
    found = templates(mine(lines))
    assert found['ERROR: column "<str>" does not exist'] == 2
    assert found['ERROR: relation "<str>" does not exist'] == 2
    assert len(found) == 6  # many labels at one position are still six messages


def test_different_words_are_different_messages():
    found = templates(mine(["Ending TrustedInstaller initialization.",
                            "Ending TrustedInstaller finalization.",
                            "Ending TrustedInstaller initialization."]))
    assert found == {"Ending TrustedInstaller initialization.": 2,
                     "Ending TrustedInstaller finalization.": 1}


def test_a_word_seen_in_many_variants_becomes_a_variable():
    miner = mine([f"Invalid user {name} from 10.0.0.{i}"
                  for i, name in enumerate(["admin", "oracle", "test", "guest", "admin"])])
    (cluster,) = miner.clusters()
    assert cluster.template == "Invalid user <*> from <ip>"
    assert cluster.count == 5
    assert cluster.top_values(2) == [("admin", 2), ("guest", 1), ("oracle", 1), ("test", 1)]


def test_identifiers_differing_at_a_position_join_at_once():
    miner = mine(["connect to db1.internal failed", "connect to cache.internal failed"])
    assert templates(miner) == {"connect to <*>.internal failed": 2}


def test_first_line_of_a_multi_line_event_dominates_its_stack():
    events = [
        "TypeError: x is not a function\n    at a (/app/a.js:1:2)\n    at b (/app/b.js:3:4)",
        "TypeError: x is not a function\n    at c (/app/c.js:9:9)",
    ]
    miner = mine(head_line(e) for e in events)
    assert templates(miner) == {"TypeError: x is not a function": 2}


def test_a_python_traceback_is_named_by_its_exception_line():
    event = ('Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n'
             "    main()\nKeyError: 'user_id'")
    assert head_line(event) == "Traceback: KeyError: 'user_id'"


def test_values_are_counted_per_variable_and_capped():
    miner = mine([f"job {i % 12} failed with code={i % 2}" for i in range(24)],
                 MinerParams(max_values=4))
    (cluster,) = miner.clusters()
    assert cluster.template == "job <num> failed with code=<num>"
    assert sum(cluster.values[1].values()) + cluster.other_values[1] == 24
    assert len(cluster.values[1]) == 4
    assert cluster.values[4] == {"0": 12, "1": 12}


def test_template_id_ignores_values_and_identifiers():
    a = template_id(['ERROR:', 'column', '"<str>"', 'does', 'not', 'exist'])
    assert a == template_id(['ERROR:', 'column', '"<*>"', 'does', 'not', 'exist'])
    assert a != template_id(['ERROR:', 'relation', '"<str>"', 'does', 'not', 'exist'])
    assert template_id(["connect", "to", "<*>", "failed"]) == \
        template_id(["connect", "to", "db1.internal", "failed"])


def test_same_template_gets_the_same_id_from_other_first_lines():
    today = mine(["disk /dev/sda1 full at 91%", "disk /dev/sdb2 full at 97%"])
    tomorrow = mine(["disk /dev/nvme0n1 full at 99%"])
    assert today.clusters()[0].id == tomorrow.clusters()[0].id


def test_a_refined_template_keeps_its_id():
    miner = TemplateMiner()
    first = miner.add("worker node.alpha lost heartbeat").id
    refined = miner.add("worker node.beta lost heartbeat")
    assert refined.template == "worker node.<*> lost heartbeat"
    assert refined.id == first


LINES = [
    *(f"user u{i} logged in from 10.0.0.{i}" for i in range(30)),
    *(f'ERROR:  column "c_{i % 3}" does not exist' for i in range(20)),
    *(f"Invalid user {n} from 10.1.1.1" for n in ["root", "admin", "oracle", "test", "pi"] * 3),
    *(f"job {i} done in {i * 3} ms" for i in range(25)),
]


def snapshot(miner: TemplateMiner) -> list[tuple]:
    return sorted((c.id, c.template, c.count, json.dumps(c.values, sort_keys=True))
                  for c in miner.clusters())


def test_two_shards_mined_apart_and_merged_equal_one_run():
    exact = MinerParams(max_values=100)  # past max_values, which values are kept is order's
    whole = mine(LINES, exact)
    left, right = mine(LINES[::2], exact), mine(LINES[1::2], exact)
    left.merge(right)
    assert snapshot(left) == snapshot(whole)
    assert left.lines == whole.lines


def test_state_round_trips_through_json_and_mining_goes_on():
    miner = mine(LINES[:40])
    restored = TemplateMiner.from_state(json.loads(json.dumps(miner.to_state())))
    assert snapshot(restored) == snapshot(miner)
    restored.add("user u99 logged in from 10.0.0.99")
    assert {c.template: c.count for c in restored.clusters()}[
        "user <*> logged in from <ip>"] == 31


def test_a_broken_state_is_a_clear_error():
    with pytest.raises(AnalyzerError, match="miner state: unsupported version"):
        TemplateMiner.from_state({"version": 99})
    with pytest.raises(AnalyzerError, match="miner state: invalid data"):
        TemplateMiner.from_state({"version": 1, "params": {"nope": 1}})


def test_cluster_count_is_capped_by_evicting_the_least_recently_matched():
    miner = TemplateMiner(MinerParams(max_clusters=3))
    for word in ["alpha", "beta", "gamma"]:
        miner.add(f"{word} started")
    miner.add("alpha started")  # alpha is now the most recently matched
    miner.add("delta started")
    assert sorted(c.template for c in miner.clusters()) == [
        "alpha started", "delta started", "gamma started"]
    assert miner.evicted_clusters == 1 and miner.evicted_lines == 1


def test_long_lines_keep_a_bounded_number_of_positions():
    miner = TemplateMiner(MinerParams(max_tokens=8))
    cluster = miner.add(" ".join(f"w{i}x" for i in range(50)))
    assert len(cluster.tokens) == 8 and cluster.tokens[-1] == "<*>"


def test_examples_are_bounded_and_kept_in_order():
    miner = TemplateMiner(MinerParams(max_examples=2))
    for i in range(5):
        miner.add(f"retry {i}", example=i)
    assert miner.clusters()[0].examples == [0, 1]


def test_batches_and_single_lines_give_the_same_clusters():
    one, many = TemplateMiner(MinerParams(max_values=4)), TemplateMiner(MinerParams(max_values=4))
    stamps = list(range(len(LINES)))
    for i, line in enumerate(LINES):
        one.add(line, ts=stamps[i])
    many.add_many(LINES[:37], ts=stamps[:37])
    many.add_many(LINES[37:], ts=stamps[37:])
    assert snapshot(one) == snapshot(many)
    assert [(c.first_seen, c.last_seen, c.other_values) for c in one.clusters()] == \
        [(c.first_seen, c.last_seen, c.other_values) for c in many.clusters()]


def test_batches_count_values_as_single_lines_do():
    """The bulk path counts values in polars: the same kept values, counts and other values
    as line by line, across batches, with odd spacing, non-ASCII text and over-long lines."""
    rng = random.Random(5)
    lines = []
    for i in range(3000):
        user = rng.choice(["ann", "bob", "cy", "dé", "eve"]) + str(rng.randrange(30))
        gap = rng.choice([" ", "  ", "\t", " \u00a0", "\x1f"])
        lines.append(rng.choice([
            f"login user={user} from 10.0.0.{i % 40}{gap}in {rng.randrange(90)}ms",
            f"{gap}job {rng.randrange(60)} done{gap}", f"🤖 tick {i % 7} ok",
            " ".join(f"w{j}" for j in range(rng.randrange(5, 12))), f"x{i} " * 70]))
    params = MinerParams(max_values=6, max_tokens=40)
    one, many = TemplateMiner(params), TemplateMiner(params)
    for i, line in enumerate(lines):
        one.add(line, ts=i if i % 3 else None)
    stamps = [i if i % 3 else None for i in range(len(lines))]
    for at in range(0, len(lines), 700):
        many.add_many(lines[at:at + 700], ts=stamps[at:at + 700])
    state = [(c.template, c.count, c.first_seen, c.last_seen, c.values, c.other_values)
             for c in one.clusters()]
    assert state == [(c.template, c.count, c.first_seen, c.last_seen, c.values, c.other_values)
                     for c in many.clusters()]
    assert any(c.other_values for c in one.clusters())


def test_values_can_be_left_uncounted():
    quiet = TemplateMiner(MinerParams(track_values=False))
    quiet.add("job 1 done")
    quiet.add_many(["job 2 done", "job 3 done"])
    (cluster,) = quiet.clusters()
    assert cluster.count == 3 and not any(cluster.values.values())

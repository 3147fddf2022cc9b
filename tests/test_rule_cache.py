"""The rule cache (the built-in pack and each user --rules layer): the same rules as reading
the YAML, a new key when a file changes, and no failure when the cache cannot be written or
is corrupt."""

from __future__ import annotations

import os
import shutil

import pytest

from analyzer.rulebook import collect_rules
from analyzer.rulebook.cache import KEEP, load_or_build, pack_key
from analyzer.rulebook.load import builtin_rules_dir, read_rule_file


@pytest.fixture
def pack(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), copy)
    return sorted(copy.glob("*.yaml"))


def _build(files):
    return lambda: [read_rule_file(p) for p in files]


def test_cached_rules_equal_the_rules_read_from_yaml(tmp_path, pack):
    cache = tmp_path / "cache"
    first = load_or_build(pack, _build(pack), directory=cache)
    stored = list(cache.glob("rules-*.pickle"))
    assert len(stored) == 1
    again = load_or_build(pack, lambda: pytest.fail("rebuilt although cached"), directory=cache)
    assert [r.id for rules, _ in again for r in rules] == [r.id for rules, _ in first
                                                           for r in rules]
    rule = again[0][0][0]
    assert rule.patterns[0].search(rule.examples[0].text) or rule.examples[0].match is False


def test_a_changed_rule_file_is_a_new_key(tmp_path, pack):
    before = pack_key(pack)
    pack[0].write_text(pack[0].read_text() + "\n# edited\n")
    assert pack_key(pack) != before
    cache = tmp_path / "cache"
    for index in range(KEEP + 1):
        pack[0].write_text(pack[0].read_text() + f"\n# edit {index}\n")
        load_or_build(pack, _build(pack), directory=cache)
    assert len(list(cache.glob("rules-*.pickle"))) == KEEP  # old versions go, a few stay


def test_an_unwritable_or_corrupt_cache_is_ignored(tmp_path, pack):
    if os.geteuid() == 0:
        blocked = tmp_path / "file-not-dir"
        blocked.write_text("")  # a file where the directory should be: mkdir fails, as root too
        cache = blocked / "analyzer"
    else:
        cache = tmp_path / "ro"
        cache.mkdir(mode=0o500)
    assert load_or_build(pack, _build(pack), directory=cache)
    good = tmp_path / "good"
    load_or_build(pack, _build(pack), directory=good)
    next(good.glob("rules-*.pickle")).write_bytes(b"not a pickle")
    assert load_or_build(pack, _build(pack), directory=good)


def test_collect_rules_uses_the_cache_and_gives_the_same_rules(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cold = collect_rules()
    assert list((tmp_path / "analyzer").glob("rules-*.pickle"))
    warm = collect_rules()
    assert [r.id for r in warm.rules] == [r.id for r in cold.rules] and not warm.errors


def test_the_same_pack_in_another_checkout_is_another_key(tmp_path, pack):
    other = tmp_path / "other-checkout"
    shutil.copytree(pack[0].parent, other)
    copied = sorted(other.glob("*.yaml"))
    assert [p.read_bytes() for p in copied] == [p.read_bytes() for p in pack]
    # the cached rules name their source files, so equal contents elsewhere must not share them
    assert pack_key(copied) != pack_key(pack)


USER_RULE = """rules:
  - id: user.billing.reconcile
    title: {title}
    severity: high
    category: application
    keywords: ["billing: failed to reconcile"]
    patterns:
      - 'billing: failed to reconcile batch (?P<batch>\\d+)'
    fingerprint: [batch]
"""


def test_a_user_rule_layer_is_cached_and_an_edit_is_read_again(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    user = tmp_path / "mine"
    user.mkdir()
    (user / "billing.yaml").write_text(USER_RULE.format(title="Reconcile failed"))
    first = collect_rules([str(user)])
    stored = set((tmp_path / "home" / "analyzer").glob("rules-*.pickle"))
    assert len(stored) == 2  # the built-in pack's and this layer's
    again = collect_rules([str(user)]).rules
    assert [(r.id, r.title) for r in again] == [(r.id, r.title) for r in first.rules]
    (user / "billing.yaml").write_text(USER_RULE.format(title="Batch not reconciled"))
    edited = {r.id: r for r in collect_rules([str(user)]).rules}
    assert edited["user.billing.reconcile"].title == "Batch not reconciled"
    broken = user / "broken.yaml"
    broken.write_text("rules:\n  - id: user.broken\n")  # errors come back from the cache too
    cold, warm = (collect_rules([str(user)]).errors for _ in range(2))
    assert [str(e) for e in cold] == [str(e) for e in warm] and cold

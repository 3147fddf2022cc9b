"""The built-in pack as a whole: every positive example is won by its own rule (or a rule of
its group) when all rules compete, schema-family rules share incidents, and clean lines stay
silent."""

from __future__ import annotations

import pytest

from analyzer.engines import plan_rule
from analyzer.model import Record
from analyzer.rulebook import collect_rules, lint_paths, load_rules
from analyzer.rulebook.examples import example_record
from analyzer.rulebook.load import builtin_rules_dir

PACK = load_rules()
RULES = {r.id: r for r in PACK.rules}

# Reviewed cases where another rule rightly wins an example when the whole pack competes.
OTHER_WINNER = {
    # the IPv6 shape is shown in the generic libpq rule; the Supabase rule explains it better
    ("postgres.connection_failed", "ipv6_unreachable"): "supabase.direct_host_unreachable_ipv6",
    # supabase-js's fetch failure carries the DNS error: the root cause wins
    ("supabase.auth_fetch_failed", "postgrest_object"): "node.host_not_found",
}

POSITIVE = [(rule, example) for rule in PACK.rules for example in rule.examples if example.match]


@pytest.mark.parametrize(("rule", "example"), POSITIVE,
                         ids=[f"{r.id}::{e.name}" for r, e in POSITIVE])
def test_the_pack_gives_each_example_to_its_rule(rule, example):
    match = PACK.match(example_record(example))
    assert match is not None
    winner = RULES[match.rule_id]
    expected = OTHER_WINNER.get((rule.id, example.name))
    if expected:
        assert winner.id == expected
    else:
        assert winner.id == rule.id or (rule.group and winner.group == rule.group), winner.id


SCHEMA_FAMILY = {
    "schema.undefined_column": ["postgres.undefined_column",
                                "postgrest.column_not_in_schema_cache",
                                "sequelize.undefined_column", "prisma.undefined_column",
                                "typeorm.undefined_column", "knex.undefined_column",
                                "node_postgres.undefined_column", "django.undefined_column",
                                "sqlalchemy.undefined_column", "rails.undefined_column",
                                "mysql.undefined_column", "sqlite.undefined_column"],
    "schema.undefined_table": ["postgres.undefined_table", "postgrest.table_not_in_schema_cache",
                               "sequelize.undefined_table", "prisma.undefined_table",
                               "typeorm.undefined_table", "knex.undefined_table",
                               "node_postgres.undefined_table", "django.undefined_table",
                               "sqlalchemy.undefined_table", "rails.undefined_table",
                               "mysql.undefined_table", "sqlite.undefined_table"],
}


@pytest.mark.parametrize("group", sorted(SCHEMA_FAMILY))
def test_schema_family_rules_share_a_group_fingerprint_and_diagnosis(group):
    fingerprint = ["table", "column"] if group.endswith("column") else ["table"]
    for rule_id in SCHEMA_FAMILY[group]:
        rule = RULES[rule_id]
        assert (rule.group, list(rule.fingerprint), rule.diagnose) == \
            (group, fingerprint, "naming"), rule_id


def test_required_ids_exist():
    for rule_id in ("postgres.undefined_column", "postgres.undefined_table",
                    "postgrest.column_not_in_schema_cache", "postgrest.table_not_in_schema_cache",
                    "postgrest.function_not_in_schema_cache"):
        assert rule_id in RULES


def test_each_code_belongs_to_one_rule_and_the_pack_lints_clean():
    report = lint_paths([builtin_rules_dir()], known_diagnoses={"naming"})
    # notes are information (the rules SQL engines capture in Python), not findings
    assert [str(i) for i in report.issues if i.level != "note"] == []
    assert {n.message.split(":")[0] for n in report.notes} == {
        f"rule {r.id}" for r in PACK.rules if plan_rule(r).fallback}


def test_one_file_per_family():
    for rule in collect_rules().rules:
        family = rule.id.split(".")[0]
        name = rule.source.rsplit("/", 1)[-1]
        # a big family may split into <family>_<part>.yaml files (postgres_classes.yaml)
        assert name == f"{family}.yaml" or name.startswith(f"{family}_"), rule.id


@pytest.mark.parametrize("line", [
    "GET /api/health 200 1.234 ms - 15",
    "==> Your service is live 🎉",
    "==> No open ports detected, continuing to scan...",
    "LOG:  checkpoint complete: wrote 12 buffers (0.1%); 0 WAL file(s) added",
    'NOTICE:  relation "sessions" already exists, skipping',
    "Executing (default): SELECT \"id\" FROM \"sessions\" AS \"Session\" LIMIT 1;",
    "💓 heartbeat: 4 sockets open, rss=120MB",
    "Schema cache loaded in 212.4 milliseconds",
    "[2025-11-13 06:23:05 +0000] [57] [INFO] Booting worker with pid: 57",
    "==> Using Node.js version 20.18.0 (default)",
])
def test_healthy_lines_match_nothing(line):
    assert PACK.match(Record("t", 1, "plain", line, line)) is None

from __future__ import annotations

import pytest

from analyzer.catalog import load_catalog
from analyzer.catalog.ddl import read_sql_file
from analyzer.catalog.names import quote_ident, same_words, style, words
from analyzer.diagnose import diagnose
from analyzer.errors import SchemaError
from analyzer.incidents import Accumulator
from analyzer.model import Match, Record, frozen_map
from analyzer.rulebook import load_rules
from tests.conftest import SEED_SCHEMA


def test_seed_schema_parses_with_quoted_camel_case_columns():
    catalog = read_sql_file(SEED_SCHEMA)
    sessions = catalog.get("sessions")
    assert sessions.columns[:3] == ("id", "sessionId", "userId")
    assert "createdAt" in sessions.columns
    assert sessions.source.endswith("init.sql:42")


def test_unquoted_identifiers_fold_to_lower_case(write):
    path = write("s.sql", 'CREATE TABLE Reports (reportId int, "riskLevel" text);\n'
                          "CREATE TABLE auth.sessions (id uuid);")
    catalog = read_sql_file(path)
    assert catalog.get("reports").columns == ("reportid", "riskLevel")
    assert catalog.get("sessions", "auth").qualified == "auth.sessions"
    assert catalog.get("Reports") is None


def test_schema_syntax_error_names_file_line_and_statement(write):
    path = write("bad.sql", "CREATE TABLE ok (a int);\n\nCREATE TABLE broken (a int,, b int);\n")
    with pytest.raises(SchemaError) as caught:
        read_sql_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:3:") and "CREATE TABLE broken" in message


def test_missing_schema_file_is_a_schema_error(tmp_path):
    with pytest.raises(SchemaError, match="no such schema file"):
        load_catalog([str(tmp_path / "none.sql")])


@pytest.mark.parametrize(("a", "b"), [("created_at", "createdAt"), ("session_id", "SessionId"),
                                      ("user_id", "userID"), ("USER_ID", "userId")])
def test_same_words_in_other_conventions(a, b):
    assert same_words(a, b)


def test_names_helpers():
    assert words("emotionsData") == ("emotions", "data")
    assert words("HTTPServerURL") == ("http", "server", "url")
    assert style("created_at") == "snake_case" and style("createdAt") == "camelCase"
    assert style("CreatedAt") == "PascalCase" and style("createdat") == "lowercase"
    assert not same_words("created_at", "created_at")
    assert not same_words("created_at", "updatedAt")
    assert quote_ident("createdAt") == '"createdAt"' and quote_ident("created_at") == "created_at"
    assert quote_ident('we"ird') == '"we""ird"'


def _incident(column: str, table: str | None = None):
    ruleset = load_rules()
    rules = {r.id: r for r in ruleset.rules}
    captures = {"column": column, **({"table": table} if table else {})}
    accumulator = Accumulator(rules)
    text = f"column {table}.{column} does not exist" if table else f'column "{column}" ...'
    accumulator.add(Match("postgres.undefined_column",
                          Record("t", 1, "plain", text, text), frozen_map(captures)))
    return accumulator.incidents(), rules


def test_snake_case_wanted_camel_case_found_is_case_style():
    incidents, rules = _incident("session_id", "sessions")
    diagnosed, _ = diagnose(incidents, rules, read_sql_file(SEED_SCHEMA))
    d = diagnosed[0].diagnosis
    assert (d.kind, d.wanted, d.found) == ("case_style", "session_id", "sessionId")
    assert any("init.sql" in e for e in d.evidence)
    assert any('RENAME COLUMN "sessionId" TO session_id' in f for f in d.fixes)


def test_without_a_schema_or_log_evidence_the_diagnosis_is_unknown():
    incidents, rules = _incident("session_id", "sessions")
    diagnosed, causes = diagnose(incidents, rules, None)
    d = diagnosed[0].diagnosis
    assert (d.kind, d.found, d.confidence) == ("unknown", None, 0.0)
    assert any("--schema" in f for f in d.fixes)
    assert causes == [] and diagnosed[0].root_cause is None


def test_column_without_a_table_is_found_by_its_words():
    incidents, rules = _incident("emotions_data")
    diagnosed, _ = diagnose(incidents, rules, read_sql_file(SEED_SCHEMA))
    assert diagnosed[0].diagnosis.found == "emotionsData"

from __future__ import annotations

import pytest

from analyzer.catalog import Catalog
from analyzer.catalog.ddl import apply_script, read_sql_file
from analyzer.diagnose import diagnose
from analyzer.incidents import Accumulator
from analyzer.model import Record, frozen_map
from analyzer.pipeline import analyze
from analyzer.report.jsonout import report_dict
from analyzer.resolve import ContextWindow, LogEvidence, Resolver
from analyzer.rulebook import load_rules
from analyzer.settings import Settings
from analyzer.textsafe import redact
from tests.conftest import SEED_LOG, SEED_SCHEMA

RULESET = load_rules()
RULES = {rule.id: rule for rule in RULESET.rules}


def catalog_of(sql: str) -> Catalog:
    catalog = Catalog()
    apply_script(catalog, sql, "schema.sql")
    catalog.sources.append("schema.sql")
    return catalog


SESSIONS = catalog_of("""
    CREATE SCHEMA auth;
    CREATE TABLE auth.sessions (id uuid, user_id uuid, created_at timestamptz);
    CREATE TABLE auth.refresh_tokens (id bigint, token text);
    CREATE TABLE sessions (id int, "sessionId" text, "userId" text, counters jsonb,
                           "createdAt" timestamptz, "reportId" int);
    CREATE TABLE users (id int, email text);
    CREATE TABLE projects (id int, name text);
    CREATE TABLE profiles (id int, "kycLevel" int);
""")


def rec(message: str, lineno: int, ts: int | None = None, **fields) -> Record:
    return Record("app.log", lineno, "plain", message, message, ts=ts,
                  fields=frozen_map(fields))


def run(records: list[Record], catalog: Catalog | None = None):
    """The pipeline's matching, resolution and diagnosis over constructed records."""
    evidence = LogEvidence()
    resolver = Resolver(catalog, evidence)
    window = ContextWindow("app.log", on_unclaimed=evidence.add_statement)
    accumulator = Accumulator(RULES, redact=redact)
    for record in records:
        match = RULESET.match(record)
        if match is None:
            window.observe(record)
        else:
            accumulator.add(resolver.resolve(match, window))
    window.close()
    return diagnose(accumulator.incidents(), RULES, catalog, evidence)


def only(incidents):
    assert len(incidents) == 1, [(i.rule, dict(i.entities)) for i in incidents]
    return incidents[0]


# -- the kinds, with a schema --------------------------------------------------------------

@pytest.mark.parametrize(("message", "kind", "found"), [
    ("column sessions.created_at does not exist", "case_style", "createdAt"),
    ('column "reportid" of relation "sessions" does not exist', "case_folding", "reportId"),
    ("column sessions.sesionId does not exist", "typo", "sessionId"),
    ("column sessions.deleted_at does not exist", "missing", None),
    ("column users.counters does not exist", "other_table", "public.sessions.counters"),
    ('relation "counseling_sessions" does not exist', "table_name", "sessions"),
    ('relation "user" does not exist', "pluralization", "users"),
    ('relation "public.refresh_tokens" does not exist', "other_schema", "auth.refresh_tokens"),
    ('relation "audit_log" does not exist', "missing", None),
    ("Could not find the 'counters' column of 'sessions' in the schema cache",
     "stale_schema_cache", "counters"),
])
def test_each_kind_where_it_applies(message, kind, found):
    incidents, _ = run([rec(message, 1)], SESSIONS)
    diagnosis = only(incidents).diagnosis
    assert (diagnosis.kind, diagnosis.found) == (kind, found)
    assert 0 < diagnosis.confidence <= 1 and diagnosis.evidence and diagnosis.fixes


def test_stale_schema_cache_fix_reloads_postgrest():
    incidents, causes = run([rec("Could not find the 'counters' column of 'sessions' in the "
                                 "schema cache", 1)], SESSIONS)
    assert "NOTIFY pgrst, 'reload schema';" in only(incidents).diagnosis.fixes[0]
    assert [c.kind for c in causes] == ["stale_schema_cache"]


def test_postgres_saying_missing_too_is_not_a_stale_cache():
    incidents, _ = run([rec("Could not find the 'email' column of 'users' in the schema cache", 1),
                        rec("column users.email does not exist", 2)], SESSIONS)
    diagnosis = only(incidents).diagnosis
    assert diagnosis.kind == "missing" and "migration not applied" in diagnosis.summary


def test_query_reaching_auth_sessions_through_search_path_is_other_schema():
    incidents, _ = run([rec('column "sessionId" does not exist', 1,
                            statement='SELECT "sessionId" FROM sessions')], SESSIONS)
    diagnosis = only(incidents).diagnosis
    assert (diagnosis.kind, diagnosis.found) == ("other_schema", "public.sessions.sessionId")
    assert any("auth.sessions" in e for e in diagnosis.evidence)


def test_case_folding_fix_says_to_quote():
    incidents, _ = run([rec('column "reportid" of relation "sessions" does not exist', 1)],
                       SESSIONS)
    assert any('"reportId"' in f and "quoted" in f for f in only(incidents).diagnosis.fixes)


def test_table_name_uses_the_columns_of_the_failing_sql():
    sql = 'SELECT "id", "session_id", "user_id", "counters" FROM "legacy_data" AS "Session"'
    incidents, _ = run([rec(f"Executing (default): {sql}", 1, ts=1_000),
                        rec('SequelizeDatabaseError: relation "legacy_data" does not exist', 2,
                            ts=2_000)], SESSIONS)
    diagnosis = only(incidents).diagnosis
    assert (diagnosis.kind, diagnosis.found) == ("table_name", "sessions")
    assert any("4 columns the failing SQL uses" in e for e in diagnosis.evidence)
    assert any("tableName: 'sessions'" in f and "model Session" in f for f in diagnosis.fixes)


# -- entity resolution ---------------------------------------------------------------------

def test_table_from_the_statement_an_orm_logged_just_before():
    incidents, _ = run([
        rec('Executing (default): SELECT "session_id" FROM "sessions" AS "Session"', 1, ts=10),
        rec('SequelizeDatabaseError: column "session_id" does not exist', 2, ts=20),
        rec("column sessions.session_id does not exist", 3, ts=30),
    ], SESSIONS)
    incident = only(incidents)  # both shapes: one incident per (schema, table, column)
    assert dict(incident.entities) == {"column": "session_id", "table": "sessions"}
    assert incident.count == 2
    assert any("failing SQL" in e for e in incident.diagnosis.evidence)
    assert incident.clues["orm"] == ("sequelize",)


def test_a_statement_seconds_older_is_not_the_failing_one():
    second = 1_000_000_000
    incidents, _ = run([
        rec('Executing (default): SELECT "session_id" FROM "users"', 1, ts=0),
        rec('column "session_id" does not exist', 2, ts=30 * second),
    ], SESSIONS)
    assert only(incidents).entities.get("table") == "sessions"  # from the catalog, not users
    assert "catalog" in only(incidents).clues["resolved"][0]


def test_statement_field_from_the_log_parser_resolves_the_table():
    incidents, _ = run([rec('column "created_at" does not exist', 1,
                            statement="SELECT created_at FROM users u JOIN sessions s ON true",
                            hint='Perhaps you meant to reference the column "s.createdAt".')],
                       SESSIONS)
    incident = only(incidents)
    assert incident.entities["table"] == "sessions"
    assert incident.diagnosis.found == "createdAt"
    assert any("hint agrees" in e for e in incident.diagnosis.evidence)


@pytest.mark.parametrize(("message", "statement", "table"), [
    ("column s.created_at does not exist", "SELECT s.created_at FROM sessions s", "sessions"),
    ("column Session.user_id does not exist", None, "sessions"),
    ("column projects_1.name_th does not exist", None, "projects"),
    ("column User__User_profile.kyc_level does not exist", None, "profiles"),
    ("column User__User_profile.kyc_level does not exist",
     'SELECT 1 FROM "users" "User" LEFT JOIN "profiles" "User__User_profile" ON true',
     "profiles"),
])
def test_aliases_map_back_to_real_tables(message, statement, table):
    fields = {"statement": statement} if statement else {}
    incidents, _ = run([rec(message, 1, **fields)], SESSIONS)
    incident = only(incidents)
    assert incident.entities["table"] == table
    assert "alias" in incident.clues["resolved"][0]


def test_shapes_with_and_without_schema_share_one_incident():
    incidents, _ = run([rec('column "created_at" of relation "public.sessions" does not exist', 1),
                        rec("column sessions.created_at does not exist", 2),
                        rec("Could not find the 'created_at' column of 'sessions' in the schema "
                            "cache", 3)], SESSIONS)
    assert only(incidents).count == 3


def test_postgres_statement_line_after_an_error_is_not_the_next_errors_sql():
    incidents, _ = run([
        rec('ERROR:  column "session_id" does not exist', 1),
        rec("STATEMENT:  SELECT session_id FROM sessions", 2),
        rec('ERROR:  column "email_address" does not exist', 3),
    ], SESSIONS)
    email = next(i for i in incidents if i.entities["column"] == "email_address")
    assert "table" not in email.entities


def test_secrets_in_the_failing_sql_are_redacted_in_evidence():
    incidents, _ = run([rec('column "session_id" does not exist', 1,
                            statement="SELECT session_id FROM sessions WHERE "
                                      "token = 'postgres://app:hunter22@db/x'")], SESSIONS)
    text = " ".join(only(incidents).diagnosis.evidence)
    assert "hunter22" not in text and "failing SQL" in text


# -- without a schema ----------------------------------------------------------------------

def test_without_schema_the_hint_gives_the_name_with_lower_confidence():
    records = [rec('column "created_at" does not exist', 1, statement="SELECT created_at FROM "
               "sessions s", hint='Perhaps you meant to reference the column "s.createdAt".')]
    with_schema = only(run(records, SESSIONS)[0]).diagnosis
    logs_only = only(run(records)[0]).diagnosis
    assert (logs_only.kind, logs_only.found) == ("case_style", "createdAt")
    assert logs_only.confidence < with_schema.confidence
    assert any(e.startswith("hint: Perhaps you meant") for e in logs_only.evidence)


def test_without_schema_the_hint_in_the_message_counts_too():
    message = ('error: column "userid" does not exist\n  hint: \'Perhaps you meant to reference '
               'the column "sessions.userId".\'')
    diagnosis = only(run([rec(message, 1)])[0]).diagnosis
    assert (diagnosis.kind, diagnosis.found) == ("case_folding", "userId")


def test_without_schema_columns_of_statements_that_did_not_fail_are_evidence():
    records = [rec('Executing (default): SELECT "sessionId", "createdAt" FROM "sessions"', 1)]
    records += [rec(f"GET /health 200 {n} ms", n) for n in range(2, 12)]
    records.append(rec("column sessions.session_id does not exist", 20))
    diagnosis = only(run(records)[0]).diagnosis
    assert (diagnosis.kind, diagnosis.found) == ("case_style", "sessionId")
    assert any("did not fail" in e for e in diagnosis.evidence)
    assert diagnosis.confidence < 0.9


def test_without_schema_a_hint_for_another_error_helps_its_sibling():
    records = [rec('column "created_at" does not exist', 1, statement="SELECT created_at FROM "
                   "sessions", hint='Perhaps you meant to reference the column '
                   '"sessions.createdAt".'),
               rec("Could not find the 'created_at' column of 'sessions' in the schema cache", 2)]
    incidents, _ = run(records)
    assert {i.diagnosis.found for i in incidents} == {"createdAt"}


# -- root causes ---------------------------------------------------------------------------

def seed_report() -> dict:
    settings = Settings(schemas=(str(SEED_SCHEMA),))
    return report_dict(analyze([str(SEED_LOG)], settings))


def test_seed_columns_are_case_style_and_the_table_is_table_name():
    report = seed_report()
    kinds = {i["diagnosis"]["wanted"]: (i["diagnosis"]["kind"], i["diagnosis"]["found"])
             for i in report["incidents"] if i["diagnosis"]}
    for wanted, found in [("created_at", "createdAt"), ("session_id", "sessionId"),
                          ("user_id", "userId"), ("started_at", "startedAt")]:
        assert kinds[wanted] == ("case_style", found)
    assert kinds["counseling_sessions"] == ("table_name", "sessions")


def test_seed_has_one_root_cause_per_real_cause_with_the_postmortem_fix():
    report = seed_report()
    causes = {c["kind"]: c for c in report["root_causes"]}
    naming, table = causes["case_style"], causes["table_name"]
    assert "snake_case (Sequelize `underscored: true`)" in naming["summary"]
    assert naming["table"] == "public.sessions" and len(naming["incidents"]) == 4
    for cause in (naming, table):
        assert any("`underscored: false`" in f and "`tableName: 'sessions'`" in f
                   for f in cause["fixes"])
    assert any('RENAME COLUMN "sessionId" TO session_id;' in f for f in naming["fixes"])
    assert any("session_id=sessionId" in e for e in naming["evidence"])
    by_id = {i["id"]: i for i in report["incidents"]}
    for cause in report["root_causes"]:
        for incident_id in cause["incidents"]:
            assert by_id[incident_id]["root_cause"] == cause["id"]
    assert len([c for c in report["root_causes"] if c["kind"] == "case_style"]) == 1


@pytest.mark.parametrize(("orm_line", "fix"), [
    ("PrismaClientKnownRequestError: Invalid `prisma.session.create()` invocation: The column "
     "`sessions.created_at` does not exist in the current database. column sessions.created_at "
     "does not exist", '@map("createdAt")'),
    ("django.db.utils.ProgrammingError: column sessions.created_at does not exist",
     'db_column="createdAt"'),
    ("sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column "
     "sessions.created_at does not exist", 'Column("createdAt"'),
    ("QueryFailedError: column sessions.created_at does not exist", 'name: "createdAt"'),
    ("ERROR:  column sessions.created_at does not exist", 'quote the identifiers'),
])
def test_root_cause_fix_is_for_the_orm_the_logs_show(orm_line, fix):
    _, causes = run([rec(orm_line, 1)], SESSIONS)
    assert any(fix in f for f in only(causes).fixes), only(causes).fixes


def test_unknown_incidents_have_no_root_cause():
    incidents, causes = run([rec("column sessions.zzz does not exist", 1)])
    assert only(incidents).diagnosis.kind == "unknown" and causes == []


def test_seed_schema_file_reads_as_before():
    assert read_sql_file(SEED_SCHEMA).get("sessions").columns[1] == "sessionId"


# -- a value written in double quotes ---------------------------------------------------------
@pytest.mark.parametrize(("sql", "values"), [
    ('SELECT "id" FROM "sessions" AS "Session" WHERE "Session"."status" = "active";', {"active"}),
    ("UPDATE sessions SET status = \"done\" WHERE id = 1", {"done"}),
    ('SELECT * FROM t WHERE kind IN ("a", "b") AND name LIKE "x%"', {"a", "b", "x%"}),
    ('INSERT INTO "t" ("a", "b") VALUES ("one", 2)', {"one"}),
    ('SELECT "s"."id" FROM "s" JOIN "u" ON "s"."uid" = "u"."id" WHERE "s"."id" = $1', set()),
])
def test_quoted_values_are_names_where_sql_expects_a_value(sql, values):
    from analyzer.resolve.sql import quoted_values
    assert quoted_values(sql) == values


def test_a_string_in_double_quotes_is_diagnosed_as_such_with_or_without_a_schema():
    records = [
        rec('Executing (default): SELECT "id" FROM "sessions" AS "Session" WHERE '
            '"Session"."status" = "active";', 1, ts=10),
        rec('SequelizeDatabaseError: column "active" does not exist', 2, ts=20),
    ]
    for catalog in (SESSIONS, None):
        incidents, causes = run(records, catalog)
        diagnosis = only(incidents).diagnosis
        assert (diagnosis.kind, diagnosis.found) == ("quoted_literal", "'active'")
        assert any("single quotes: 'active'" in fix for fix in diagnosis.fixes)
        assert [c.kind for c in causes] == ["quoted_literal"]


def test_a_quoted_name_like_a_real_column_keeps_the_naming_verdict():
    incidents, _ = run([
        rec('Executing (default): SELECT "id" FROM "sessions" WHERE "userId" = "session_id";',
            1, ts=10),
        rec('column "session_id" does not exist', 2, ts=20),
    ], SESSIONS)
    assert only(incidents).diagnosis.kind == "case_style"

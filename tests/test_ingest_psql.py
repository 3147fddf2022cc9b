from analyzer.rulebook import load_rules
from tests.ingest_support import read_text

PASTED = """ERROR:  column "createdat" does not exist
LINE 1: select createdAt from sessions;
               ^
HINT:  Perhaps you meant to reference the column "sessions.createdAt".
ERROR:  relation "report" does not exist
LINE 1: select * from report;
                      ^
"""

GERMAN = """psql:004.sql:7: FEHLER:  Relation »report« existiert nicht
ZEILE 1: select * from report;
                       ^
psql:004.sql:9: FEHLER:  Constraint »sessions_fk« von Relation »sessions« existiert nicht
TIPP:  Vielleicht meinten Sie »sessions_fkey«.
"""


def test_a_pasted_psql_session_is_one_record_per_error_with_its_statement_and_hint(tmp_path):
    records, _ = read_text(tmp_path, "session.txt", PASTED)
    assert [r.format for r in records] == ["psql", "psql"]
    first = records[0]
    assert first.message.splitlines()[0] == 'column "createdat" does not exist'
    assert first.fields["statement"] == "select createdAt from sessions;"
    assert first.fields["hint"].startswith("Perhaps you meant")
    assert first.level == "error"


def test_psql_output_of_a_german_server_matches_the_english_rules(tmp_path):
    records, _ = read_text(tmp_path, "migrate.log", GERMAN)
    assert [(r.fields["script"], r.fields["script_line"]) for r in records] == [
        ("004.sql", "7"), ("004.sql", "9")]
    assert records[1].fields["hint"] == "Vielleicht meinten Sie »sessions_fkey«."
    rules = load_rules()
    found = [(m.rule_id, dict(m.captures)) for m in map(rules.match, records)]
    assert found == [("postgres.undefined_table", {"table": "report"}),
                     ("postgres.undefined_object",
                      {"constraint": "sessions_fk", "table": "sessions"})]


def test_node_postgres_error_lines_are_not_psql_output(tmp_path):
    records, _ = read_text(tmp_path, "app.log",
                           'error: relation "report" does not exist\n'
                           '    at Parser.parseErrorMessage (/app/node_modules/pg/x.js:1:1)\n')
    assert all(r.format != "psql" for r in records)

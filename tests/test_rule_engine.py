from __future__ import annotations

from analyzer.model import Record, frozen_map
from analyzer.rulebook import load_rules
from analyzer.rulebook.engine import MIN_CODE_KEYWORD, RuleSet
from analyzer.rulebook.keywords import literal_weight
from analyzer.rulebook.normalize import url_path

PACK = load_rules()

FIELDS_RULE = """\
rules:
  - id: app.slow_request
    title: Slow request
    severity: medium
    category: application
    fields:
      duration_ms: '(?P<ms>\\d{4,})'
      path: '(?P<path>/.*)'
    keywords: [duration_ms]
    fingerprint: [path]
    normalize: {path: url_path}
    docs: A request took seconds.
    examples:
      - text: GET /x
        fields: {duration_ms: "1200", path: /api/users/42}
        captures: {path: /api/users/:id, ms: "1200"}
      - text: GET /x
        fields: {duration_ms: "12", path: /api/users/42}
        match: false
"""


def record(text: str, **fields: str) -> Record:
    return Record(source="t", lineno=1, format="plain", message=text, raw=text,
                  fields=frozen_map(fields))


def test_a_translated_message_is_matched_by_its_sqlstate_field():
    match = PACK.match(record('"name" 이름의 칼럼은 없습니다', code="42703"))
    assert match is not None and match.rule_id == "postgres.undefined_column"


def test_code_field_match_takes_its_captures_from_the_record_fields():
    match = PACK.match(record("la relation « sessions » n'existe pas", code="42P01",
                              table="sessions", schema="public"))
    assert match.rule_id == "postgres.undefined_table"
    assert dict(match.captures) == {"table": "sessions", "schema": "public"}


def test_codes_are_prefilter_keywords_so_translated_lines_reach_the_engine():
    keywords = PACK.keywords
    for code in ("42703", "42p01", "pgrst204", "p2022", "econnrefused"):
        assert any(k in code for k in keywords), code  # the code or a part of it
    # a bare 4-digit MySQL code would select every line with a number in it
    assert "1054" not in keywords and len("1054") < MIN_CODE_KEYWORD


def test_a_pattern_match_beats_a_bare_code_match():
    # the text is a unique violation; the code field (wrongly) says 42703
    match = PACK.match(record('ERROR:  duplicate key value violates unique constraint "u_key"',
                              code="42703"))
    assert match.rule_id == "postgres.unique_violation"


def test_the_most_specific_wrapper_wins_over_the_bare_driver_message():
    text = ('❌ SequelizeDatabaseError: relation "counseling_sessions" does not exist\n'
            '  parent: error: relation "counseling_sessions" does not exist\n'
            "    code: '42P01',")
    match = PACK.match(record(text))
    assert match.rule_id == "sequelize.undefined_table"
    assert dict(match.captures) == {"table": "counseling_sessions"}


def test_more_captures_win_over_a_longer_match():
    text = 'Unhandled Rejection: error: column sessions.created_at does not exist'
    assert PACK.match(record(text)).rule_id == "node_postgres.undefined_column"


def test_equal_matches_are_decided_by_the_more_literal_pattern():
    text = ('connection to server at "db.abcdefghijklmnopqrst.supabase.co" (2a05:d018::1), '
            'port 5432 failed: Network is unreachable')
    assert PACK.match(record(text)).rule_id == "supabase.direct_host_unreachable_ipv6"
    assert literal_weight(r"db\.[a-z]+\.supabase\.co") > literal_weight(r'[^"]+')


def test_json_escaped_quotes_in_a_logged_body_still_match():
    text = ('{"code":"42P01","details":null,"hint":null,'
            '"message":"relation \\"public.sessionz\\" does not exist"}')
    match = PACK.match(record(text))
    assert dict(match.captures) == {"schema": "public", "table": "sessionz"}


def test_fields_rules_route_by_the_fields_a_record_carries(write, tmp_path):
    write("slow.yaml", FIELDS_RULE)
    ruleset = load_rules([str(tmp_path)], builtin=False)
    slow = record("GET /api/users/42", duration_ms="2500", path="/api/users/42?x=1")
    match = ruleset.match(slow)
    assert match.rule_id == "app.slow_request"
    assert dict(match.captures) == {"ms": "2500", "path": "/api/users/:id"}
    assert ruleset.match(record("GET /api/users/42", duration_ms="2500")) is None
    assert ruleset.match(record("duration_ms=2500 path=/x")) is None  # text is not fields
    assert ruleset.keywords == ("duration_ms",)


def test_a_fields_rule_without_keywords_turns_the_prefilter_off(write, tmp_path):
    write("slow.yaml", FIELDS_RULE.replace("    keywords: [duration_ms]\n", ""))
    assert load_rules([str(tmp_path)], builtin=False).keywords is None


def test_url_path_folds_ids_but_keeps_route_words():
    assert url_path("/api/sessions/sess_4kq93mdl20xk1p7a?x=1") == "/api/sessions/:id"
    assert url_path("/api/users/42/orders/6f1c2a9e-1b2c-4d5e-8f90-1a2b3c4d5e6f") == \
        "/api/users/:id/orders/:id"
    assert url_path("https://abc.supabase.co/rest/v1/sessions?select=*") == "/rest/v1/sessions"
    assert url_path("/api/counseling-reports/latest") == "/api/counseling-reports/latest"


def test_http_5xx_incidents_are_per_route_not_per_request():
    texts = [f"GET /api/sessions/sess_{n:016d}abc 500 12.3 ms - 64" for n in range(3)]
    paths = {PACK.match(record(t)).captures["path"] for t in texts}
    assert paths == {"/api/sessions/:id"}
    assert PACK.match(record("GET /api/users/me 200 500 ms - 380")) is None


def test_prefilter_keywords_drop_those_another_keyword_covers():
    keywords = PACK.keywords
    assert "pgrst" in keywords and "pgrst116" not in keywords
    assert not any(a != b and a in b for a in keywords for b in keywords)


def test_every_rule_is_routed_by_keyword_code_or_fields():
    assert PACK.keywords is not None  # no built-in rule forces every line through the engine
    assert isinstance(PACK, RuleSet)


def test_a_repeated_record_gets_the_same_match_for_itself_and_fields_count_in_it():
    ruleset = load_rules()
    text = '"name" 이름의 칼럼은 없습니다'
    first, again = record(text, code="42703"), record(text, code="42703")
    assert ruleset.match(first).record is first
    repeated = ruleset.match(again)
    assert repeated.record is again and repeated.rule_id == ruleset.match(first).rule_id
    assert ruleset.match(record(text)) is None  # same text, no code field: no match
    assert ruleset.match(record(text, code="42703")).captures == repeated.captures


def test_a_capture_stops_where_the_quoted_value_it_was_printed_in_ends():
    prisma = ('Error occurred during query execution:\nConnectorError(ConnectorError { '
              'user_facing_error: None, kind: QueryError(PostgresError { code: "42883", message: '
              '"operator does not exist: jsonb ~~ unknown", severity: "ERROR", detail: None, '
              'column: None, hint: Some("No operator matches the given name and argument types.'
              ' You might need to add explicit type casts.") }), transient: false })')
    inspected = "error: x {\n  message: 'operator does not exist: uuid = text',\n  code: '42883'\n}"
    for text, operator in ((prisma, "jsonb ~~ unknown"), (inspected, "uuid = text")):
        found = PACK.match(record(text))
        assert found is not None and found.captures["operator"] == operator


def test_a_balanced_quote_inside_a_capture_stays():
    found = PACK.match(record('ERROR:  operator does not exist: "MyType" = integer'))
    assert found is not None and found.captures["operator"] == '"MyType" = integer'

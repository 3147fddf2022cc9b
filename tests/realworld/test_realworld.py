import csv
from collections import Counter

import pytest

from analyzer.pipeline import analyze
from analyzer.rulebook import load_rules
from analyzer.rulebook.pgcatalog import load_catalogue

pytestmark = pytest.mark.postgres

OUTPUTS = ("stderr", "csvlog", "jsonlog", "psql")
ENTITIES = ("table", "column", "function", "constraint", "schema")
RULES = load_rules()
_REPORTS: dict[tuple[str, str], object] = {}


def report(run, output):
    key = (run.language, output)
    if key not in _REPORTS:
        _REPORTS[key] = analyze([str(run.outputs[output])])
    return _REPORTS[key]


def server_errors(run) -> list[list[str]]:
    """The script's errors as the server's csvlog lists them (the ground truth)."""
    with run.outputs["csvlog"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return [row for row in rows if row[12][:2] not in ("00", "01", "02")]


def kind(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    if rule is None:
        return "unclassified"
    return "class" if rule.fallback else "specific"


def named_entities(message: str) -> dict[str, str]:
    """What the message names, by PostgreSQL's own template of it."""
    found = load_catalogue().recognize(message.splitlines()[0] if message else "")
    if found is None:
        return {}
    # `function %s` holds the signature: the entity is the function's name
    return {k: v.split("(", 1)[0] if k == "function" else v
            for k, v in found.values.items() if k in ENTITIES}


def has_entities(incident) -> bool:
    wanted = named_entities(incident.samples[0].message) if incident.samples else {}
    got = {k: v for k, v in incident.entities.items()}
    for name, value in wanted.items():
        if name == "table" and "." in value and "schema" not in wanted:
            schema, _, value = value.rpartition(".")
            if got.get("schema", "public") != schema:
                return False
        if got.get(name) != value:
            return False
    return True


def test_the_script_covers_the_mistakes_apps_and_migrations_make(realworld_runs):
    errors = server_errors(realworld_runs["en"])
    templates = {(f.msgid if (f := load_catalogue().recognize(row[13])) else row[13])
                 for row in errors}
    codes = {row[12] for row in errors}
    print(f"\n{len(errors)} errors, {len(templates)} message templates, {len(codes)} SQLSTATEs")
    assert len(templates) >= 300
    assert len(codes) >= 40


@pytest.mark.parametrize("language", ["en", "de", "ko"])
@pytest.mark.parametrize("output", OUTPUTS)
def test_errors_get_a_specific_rule_and_their_entities(realworld_runs, language, output):
    run = realworld_runs[language]
    total = len(server_errors(run))
    found = report(run, output)
    by_kind: Counter = Counter()
    with_entities = 0
    for incident in found.incidents:
        by_kind[kind(incident.rule)] += incident.count
        if kind(incident.rule) == "specific" and has_entities(incident):
            with_entities += incident.count
    print(f"\n{language} {output}: {total} errors; {dict(by_kind)}; "
          f"specific with entities {with_entities}")
    assert by_kind["specific"] >= 0.97 * total, by_kind
    assert with_entities >= 0.97 * total
    assert sum(by_kind.values()) <= total * 1.02  # no error counted twice


def incidents_of(run, output) -> Counter:
    return Counter({(i.rule, tuple(sorted(i.entities.items()))): i.count
                    for i in report(run, output).incidents})


@pytest.mark.parametrize("language", ["de", "ko"])
@pytest.mark.parametrize("output", OUTPUTS)
def test_a_translated_server_gives_the_same_incidents(realworld_runs, language, output):
    english = incidents_of(realworld_runs["en"], output)
    translated = incidents_of(realworld_runs[language], output)
    same = sum((english & translated).values())
    differing = sorted(set(english) ^ set(translated))
    print(f"\n{language} {output}: {same} of {sum(english.values())} errors in the same "
          f"incidents; differing: {differing[:10]}")
    assert same >= 0.97 * sum(english.values()), differing[:20]

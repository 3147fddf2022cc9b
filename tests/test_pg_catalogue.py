import glob
from collections import Counter, defaultdict

import pytest

from analyzer.model import Record
from analyzer.rulebook import load_rules
from analyzer.rulebook.pgcatalog import fill, load_catalogue, load_table

CLASSES = ("08", "22", "23", "25", "28", "40", "42", "53", "55", "57", "58", "XX")
CATALOGUES = sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/p*-15.mo"))  # postgres, plpgsql
RULES = load_rules()
SAMPLE = {"d": "7", "i": "7", "u": "7", "ld": "7", "lu": "7", "lld": "7", "llu": "7",
          "zu": "7", "x": "1f", "X": "1F", "c": "q", "f": "1.5", "g": "1.5",
          "m": "No such file or directory"}


def instance(msgid: str) -> str:
    """The message as the server would write it, with made-up values in the placeholders."""
    values = []
    for number, found in enumerate(__import__("re").finditer(
            r"%(?:\d+\$)?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(hh|h|ll|l|z|j|t|L)?"
            r"([diouxXeEfgGcsmp])", msgid)):
        conv = (found.group(1) or "") + found.group(2)
        values.append(SAMPLE.get(conv, SAMPLE.get(found.group(2), f"name_{number + 1}")))
    return fill(msgid, values)


def server_record(text: str) -> Record:
    return Record(source="catalogue", lineno=1, format="postgres", message=text, raw=text,
                  level="error")


def error_messages() -> list[tuple[str, str]]:
    """(msgid, SQLSTATE) of every primary error message of the classes above."""
    return [(msgid, codes[0]) for msgid, codes in load_table()["messages"]
            if codes and codes[0][:2] in CLASSES and "\n" not in msgid]


def walk() -> dict[str, Counter]:
    by_class: dict[str, Counter] = defaultdict(Counter)
    for msgid, code in error_messages():
        counts = by_class[code[:2]]
        counts["msgids"] += 1
        text = instance(msgid)
        match = RULES.match(server_record(text))
        if match is None:
            continue
        rule = RULES.get(match.rule_id)
        counts["any"] += 1
        if not rule.fallback:
            counts["specific"] += 1
        if any(not r.fallback and not hit.by_code for r, hit in RULES.matches(server_record(text))):
            counts["pattern"] += 1
    return by_class


def coverage_table(by_class: dict[str, Counter]) -> str:
    lines = ["| class | msgids | by a pattern | by a specific rule | by any rule |",
             "|---|---:|---:|---:|---:|"]
    total: Counter = Counter()
    for cls in CLASSES:
        counts = by_class[cls]
        total.update(counts)
        lines.append(_row(cls, counts))
    lines.append(_row("all", total))
    return "\n".join(lines)


def _row(name: str, counts: Counter) -> str:
    n = counts["msgids"] or 1
    return (f"| {name} | {counts['msgids']} | {100 * counts['pattern'] / n:.1f} % | "
            f"{100 * counts['specific'] / n:.1f} % | {100 * counts['any'] / n:.1f} % |")


def test_every_error_message_of_the_catalogue_is_matched_by_a_rule():
    by_class = walk()
    print("\nPostgreSQL 15 catalogue coverage (primary error messages, English, no SQLSTATE "
          "in the line):\n" + coverage_table(by_class))
    for cls in CLASSES:
        counts = by_class[cls]
        assert counts["msgids"], cls
        assert counts["any"] / counts["msgids"] >= 0.95, (cls, counts)
        assert counts["specific"] / counts["msgids"] >= 0.95, (cls, counts)


def test_no_two_rules_claim_one_message_at_equal_specificity():
    ties = []
    for msgid, _code in error_messages():
        hits = [(RULES.rank(pair)[:-1], pair[0].id)
                for pair in RULES.matches(server_record(instance(msgid)))]
        hits.sort()
        if len(hits) > 1 and hits[0][0] == hits[1][0]:
            ties.append((msgid, hits[0][1], hits[1][1]))
    assert ties == []


@pytest.mark.skipif(not CATALOGUES, reason="Debian's postgresql-15 catalogues are not installed")
def test_the_shipped_table_is_the_installed_catalogue():
    polib = pytest.importorskip("polib")
    msgids: set[str] = set()
    for path in CATALOGUES:
        for entry in polib.mofile(path):
            msgids.add(entry.msgid)
            if entry.msgid_plural:
                msgids.add(entry.msgid_plural)
    shipped = [m for m, _ in load_table()["messages"]]
    composed = [m for m in shipped if m.endswith((' at or near "%s"', " at end of input"))]
    assert set(shipped) - set(composed) <= msgids
    german = polib.mofile("/usr/share/locale/de/LC_MESSAGES/postgres-15.mo")
    found = load_catalogue().recognize(
        german.find('relation "%s" does not exist').msgstr.replace("%s", "sessions"))
    assert (found.msgid, found.language, found.values) == (
        'relation "%s" does not exist', "de", {"table": "sessions"})


def test_a_russian_server_line_passes_the_prefilter_and_is_the_english_incident(tmp_path):
    from analyzer.pipeline import analyze

    table = load_table()
    index = [m for m, _ in table["messages"]].index('relation "%s" does not exist')
    russian = next(s for s, i in table["languages"]["ru"]["messages"] if i == index)
    log = tmp_path / "postgresql.log"
    log.write_text("2026-12-01 10:00:00.100 UTC [42] СООБЩЕНИЕ:  система БД готова\n"
                   f"2026-12-01 10:00:00.123 UTC [42] ОШИБКА:  {russian % 'sessions'}\n",
                   encoding="utf-8")
    (incident,) = analyze([str(log)]).incidents
    assert (incident.rule, dict(incident.entities)) == ("postgres.undefined_table",
                                                        {"table": "sessions"})

"""What the PostgreSQL message catalogue costs the matching stage.

Builds one record per primary error message of PostgreSQL 15 (the ~2,600 msgids of classes
08-XX, placeholders filled with made-up values, as a stderr line without %e carries them) in
English and in German (the de catalogue's msgstr with the same values), then times
`RuleSet.match` on each set in a fresh rule set (every message distinct: the match cache never
helps). Prints the catalogue's load time and the cost per record.

    python benchmarks/catalogue_bench.py
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_pg_catalogue import error_messages, instance, server_record

from analyzer.rulebook import load_rules
from analyzer.rulebook.pgcatalog import load_table

_POSITIONAL = re.compile(r"%(\d+)\$")


def german(msgid: str, english: str) -> str | None:
    """The de catalogue's form of the message with the values the English instance used."""
    table = load_table()
    index = {m: i for i, (m, _) in enumerate(table["messages"])}.get(msgid)
    found = next((s for s, i in table["languages"]["de"]["messages"] if i == index), None)
    if found is None:
        return None
    values = re.findall(r"name_\d+|\b7\b|1f|1\.5", english)
    out, slot = [], 0
    for part in re.split(r"(%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z)?[diouxXcsfgm])", found):
        if part.startswith("%") and len(part) > 1:
            pos = _POSITIONAL.match(part)
            number = int(pos.group(1)) - 1 if pos else slot
            slot += 1
            out.append(values[number] if number < len(values) else "x")
        else:
            out.append(part)
    return "".join(out)


def timed(texts: list[str]) -> tuple[float, int]:
    rules = load_rules()
    rules.match(server_record("warm-up: load the catalogue"))
    start = time.perf_counter()
    matched = sum(rules.match(server_record(text)) is not None for text in texts)
    return time.perf_counter() - start, matched


def main() -> None:
    start = time.perf_counter()
    load_rules().match(server_record('relation "x" does not exist'))
    first = time.perf_counter() - start
    english = [instance(msgid) for msgid, _ in error_messages()]
    translated = [t for msgid, _ in error_messages()
                  if (t := german(msgid, instance(msgid))) is not None]
    print(f"rules + catalogue loaded and first record matched: {first:.2f} s")
    for name, texts in (("English", english), ("German", translated)):
        seconds, matched = timed(texts)
        print(f"{name}: {len(texts)} distinct messages, {matched} matched, "
              f"{seconds:.2f} s, {1e6 * seconds / len(texts):.0f} µs per record")


if __name__ == "__main__":
    main()

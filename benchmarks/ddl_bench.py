#!/usr/bin/env python3
"""DDL parsing: time and peak memory of reading a large `pg_dump --schema-only`-shaped file
as `--schema` (issue 11: a 10 MB DDL file took 91 s; the target is 100 MB well under a
minute).

The input is generated (fixed seed) into benchmarks/out/: what pg_dump writes for each table
(`\\restrict` header, SET lines, CREATE TABLE with defaults and constraints, ALTER TABLE …
OWNER TO, a sequence, a primary key, an index, a comment, a grant, a row-level-security
policy and a trigger function), repeated until the file has the size asked. The file is read
by `analyzer.catalog.ddl.read_sql_file` in a child process; wall time, that child's CPU time
and peak RSS (wait4) are reported.

    python benchmarks/ddl_bench.py [--mb 100] [--mb 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"

TABLE = '''
--
-- Name: {name}; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public."{name}" (
    id bigint NOT NULL,
    "userId" uuid NOT NULL,
    "createdAt" timestamp with time zone DEFAULT now() NOT NULL,
    status text DEFAULT 'new'::text,
    payload jsonb,
    CONSTRAINT "{name}_status_check" CHECK ((status = ANY (ARRAY['new'::text, 'done'::text])))
);

ALTER TABLE public."{name}" OWNER TO postgres;

CREATE SEQUENCE public."{name}_id_seq"
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public."{name}_id_seq" OWNED BY public."{name}".id;

ALTER TABLE ONLY public."{name}" ALTER COLUMN id SET DEFAULT
    nextval('public."{name}_id_seq"'::regclass);

ALTER TABLE ONLY public."{name}"
    ADD CONSTRAINT "{name}_pkey" PRIMARY KEY (id);

CREATE INDEX "{name}_created" ON public."{name}" USING btree ("createdAt");

COMMENT ON TABLE public."{name}" IS 'rows of {name}; one per event -- kept 30 days';

CREATE FUNCTION public."{name}_touch"() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW."createdAt" := now();
  RETURN NEW;
END $$;

ALTER TABLE public."{name}" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "{name}_own" ON public."{name}" USING (("userId" = auth.uid()));

GRANT ALL ON TABLE public."{name}" TO anon;
'''


def generate(megabytes: int) -> Path:
    path = OUT / f"schema-{megabytes}mb.sql"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    target = megabytes * 1_000_000
    with path.open("w") as out:
        out.write("--\n-- PostgreSQL database dump\n--\n\n\\restrict 4fVb0cQq1Z\n\n"
                  "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n"
                  "SELECT pg_catalog.set_config('search_path', '', false);\n")
        written, n = 0, 0
        while written < target:
            written += out.write(TABLE.format(name=f"events_{n}"))
            n += 1
        out.write("\n\\unrestrict 4fVb0cQq1Z\n")
    return path


CHILD = """
import sys, time
from pathlib import Path
from analyzer.catalog.ddl import read_sql_file
started = time.perf_counter()
catalog = read_sql_file(Path(sys.argv[1]))
print(len(list(catalog)), time.perf_counter() - started)
"""


def measure(path: Path) -> None:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE,
                             text=True, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    assert child.stdout is not None
    tables, parse = child.stdout.read().split()
    assert os.waitstatus_to_exitcode(status) == 0
    size = path.stat().st_size / 1e6
    print(f"| {size:.0f} MB | {int(tables):,} | {float(parse):.1f} s | "
          f"{usage.ru_utime + usage.ru_stime:.1f} s | {wall:.1f} s | "
          f"{usage.ru_maxrss / 1024:.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, action="append", help="file sizes (default 10, 100)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| file | tables | read_sql_file (wall) | CPU | process wall | peak RSS |")
    print("|---|---|---|---|---|---|")
    for megabytes in args.mb or [10, 100]:
        measure(generate(megabytes))


if __name__ == "__main__":
    main()

from __future__ import annotations

import sys

import pytest

from analyzer.catalog import load_catalog, load_catalog_sources
from analyzer.catalog.ddl import read_sql_file
from analyzer.catalog.live import catalog_from_rows, display_url
from analyzer.catalog.migrations import migration_files, read_migrations
from analyzer.errors import SchemaError


def test_alter_table_add_drop_and_rename_columns_replay_in_order(write):
    path = write("s.sql", """
        CREATE TABLE sessions (id int, "sessionId" text, legacy text);
        ALTER TABLE sessions ADD COLUMN "createdAt" timestamptz, DROP COLUMN legacy;
        ALTER TABLE public.sessions ADD COLUMN IF NOT EXISTS "createdAt" timestamptz;
        ALTER TABLE sessions RENAME COLUMN "sessionId" TO session_id;
        ALTER TABLE ONLY sessions ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);
    """)
    assert read_sql_file(path).get("sessions").columns == ("id", "session_id", "createdAt")


def test_rename_table_set_schema_and_drop(write):
    path = write("s.sql", """
        CREATE TABLE counseling_sessions (id int);
        ALTER TABLE counseling_sessions RENAME TO sessions;
        CREATE TABLE tokens (id int);
        ALTER TABLE tokens SET SCHEMA auth;
        CREATE TABLE gone (id int);
        DROP TABLE IF EXISTS gone, never_existed;
    """)
    catalog = read_sql_file(path)
    assert catalog.get("counseling_sessions") is None and catalog.get("sessions") is not None
    assert catalog.get("tokens", "auth").qualified == "auth.tokens"
    assert catalog.get("tokens", "public") is None
    assert catalog.get("gone") is None
    assert "auth" in catalog.schemas


def test_views_take_their_column_names_as_postgres_names_them(write):
    path = write("s.sql", """
        CREATE SCHEMA IF NOT EXISTS reporting;
        CREATE TABLE sessions (id int, "userId" text, status text);
        CREATE VIEW reporting.active AS SELECT s.*, count(*), status AS "state" FROM sessions s;
        CREATE VIEW renamed (a, b) AS SELECT id, "userId" FROM sessions;
        CREATE MATERIALIZED VIEW m AS SELECT id FROM sessions;
        CREATE TABLE copy AS SELECT id AS copied_id FROM sessions;
    """)
    catalog = read_sql_file(path)
    active = catalog.get("active", "reporting")
    assert active.kind == "view"
    assert active.columns == ("id", "userId", "status", "count", "state")
    assert catalog.get("renamed").columns == ("a", "b")
    assert catalog.get("m").kind == "materialized view"
    assert catalog.get("copy").columns == ("copied_id",)


def test_create_schema_elements_and_search_path(write):
    path = write("s.sql", """
        CREATE SCHEMA auth CREATE TABLE sessions (id uuid, user_id uuid);
        SET search_path TO storage, public;
        CREATE TABLE objects (id uuid, "bucketId" text);
    """)
    catalog = read_sql_file(path)
    assert catalog.get("sessions", "auth").columns == ("id", "user_id")
    assert catalog.get("objects", "storage") is not None


def test_like_and_inherits_copy_columns(write):
    path = write("s.sql", "CREATE TABLE base (id int, \"createdAt\" timestamptz);\n"
                          "CREATE TABLE child (extra int) INHERITS (base);\n"
                          "CREATE TABLE twin (LIKE base INCLUDING ALL, more int);")
    catalog = read_sql_file(path)
    assert catalog.get("child").columns == ("id", "createdAt", "extra")
    assert catalog.get("twin").columns == ("id", "createdAt", "more")


def test_unparseable_statement_in_a_migration_names_file_line_and_statement(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_init.sql").write_text("CREATE TABLE a (id int);\n")
    (folder / "002_bad.sql").write_text("-- comment\nALTER TABLE a ADD COLUMN;\n")
    with pytest.raises(SchemaError) as caught:
        load_catalog([str(folder)])
    message = str(caught.value)
    assert "002_bad.sql:2:" in message and "ALTER TABLE a ADD COLUMN" in message


def test_supabase_migrations_replay_in_timestamp_order(tmp_path):
    folder = tmp_path / "supabase" / "migrations"
    folder.mkdir(parents=True)
    (folder / "20250101000000_init.sql").write_text(
        'CREATE TABLE counseling_sessions (id int, "sessionId" text);')
    (folder / "20250301000000_rename.sql").write_text(
        "ALTER TABLE counseling_sessions RENAME TO sessions;")
    (folder / "20250201000000_add.sql").write_text(
        'ALTER TABLE counseling_sessions ADD COLUMN "createdAt" timestamptz;')
    catalog = load_catalog([str(folder)])
    assert catalog.get("sessions").columns == ("id", "sessionId", "createdAt")
    assert catalog.sources == [str(folder)]


def test_prisma_migration_folders_and_numbered_files_sort_naturally(tmp_path):
    prisma = tmp_path / "prisma" / "migrations"
    for name, sql in [("20240110_init", 'CREATE TABLE "User" (id int);'),
                      ("20240220_add_email", 'ALTER TABLE "User" ADD COLUMN email text;')]:
        (prisma / name).mkdir(parents=True)
        (prisma / name / "migration.sql").write_text(sql)
    (prisma / "migration_lock.toml").write_text('provider = "postgresql"')
    assert read_migrations(prisma).get("User").columns == ("id", "email")

    numbered = tmp_path / "sql"
    numbered.mkdir()
    for name in ("10_c.sql", "2_b.sql", "1_a.sql", "2_b.down.sql"):
        (numbered / name).write_text("SELECT 1;")
    assert [p.name for p in migration_files(numbered)] == ["1_a.sql", "2_b.sql", "10_c.sql"]


def test_empty_migrations_folder_is_an_error(tmp_path):
    with pytest.raises(SchemaError, match=r"no \.sql migration files"):
        load_catalog([str(tmp_path)])


def test_several_sources_merge_into_one_catalog(write, tmp_path):
    a = write("a.sql", "CREATE TABLE users (id int);")
    b = write("b.sql", "CREATE SCHEMA auth; CREATE TABLE auth.sessions (id uuid);")
    catalog = load_catalog([str(a), str(b)])
    assert {t.qualified for t in catalog} == {"public.users", "auth.sessions"}


def test_unreachable_database_is_reported_without_password_and_skipped(write):
    ddl = write("a.sql", "CREATE TABLE users (id int);")
    url = "postgresql://app:s3cretpw@127.0.0.1:1/prod?sslmode=disable&password=s3cretpw"
    loaded = load_catalog_sources([url, str(ddl)])
    assert loaded.catalog is not None and loaded.catalog.get("users") is not None
    assert len(loaded.unavailable) == 1
    message = loaded.unavailable[0]
    assert "s3cretpw" not in message and "\n" not in message
    assert message.startswith("postgresql://app@127.0.0.1:1/prod: cannot read the schema")
    with pytest.raises(SchemaError):
        load_catalog([url])


def test_display_url_drops_password_and_query():
    assert display_url("postgres://u:pw@db.example.co:6543/postgres?password=pw") == \
        "postgres://u@db.example.co:6543/postgres"


def test_catalog_from_introspection_rows_keeps_kinds_and_empty_tables():
    rows = [("auth", "sessions", "r", "id"), ("auth", "sessions", "r", "user_id"),
            ("public", "v", "v", "a"), ("public", "empty", "r", None)]
    catalog = catalog_from_rows(rows, {"auth", "public", "storage"}, "postgresql://x@h/db")
    assert catalog.get("sessions", "auth").columns == ("id", "user_id")
    assert catalog.get("v").kind == "view" and catalog.get("empty").columns == ()
    assert "storage" in catalog.schemas


def test_loose_column_index_finds_other_spellings(write):
    catalog = read_sql_file(write("s.sql", 'CREATE TABLE s ("createdAt" int, created_by int);'))
    assert [c for _, c in catalog.columns_like("created_at")] == ["createdAt"]
    assert [c for _, c in catalog.columns_like("CREATEDBY")] == ["created_by"]


def test_a_database_url_without_psycopg_says_which_extra_to_install(write, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the extra were not installed
    ddl = write("a.sql", "CREATE TABLE users (id int);")
    loaded = load_catalog_sources(["postgresql://app:pw@127.0.0.1:1/prod", str(ddl)])
    (message,) = loaded.unavailable
    assert "pip install 'log-incident-analyzer[postgres]'" in message and "pw@" not in message
    assert loaded.catalog is not None and loaded.catalog.get("users") is not None

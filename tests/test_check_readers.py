"""Each ORM reader against small source files written to a temporary tree: the names the ORM
would really send, parse errors as problems naming file:line, and the tree walk (gitignore,
dependency and virtualenv folders, manifests)."""

from __future__ import annotations

import textwrap

import pytest

from analyzer.check import read_models, run_check
from analyzer.check.discover import discover
from analyzer.check.rawsql import statement_models, with_placeholders


@pytest.fixture
def tree(tmp_path):
    def make(files: dict[str, str]):
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content))
        return tmp_path
    return make


def models_of(root, orms=()):
    models, problems, _ = read_models([str(root)], orms)
    return {m.name: m for m in models if m.name}, problems


def columns(model):
    return [f.column for f in model.fields]


SEQUELIZE_PKG = '{"dependencies": {"sequelize": "^6"}}'


def test_sequelize_global_define_and_table_name_rules(tree):
    root = tree({
        "package.json": SEQUELIZE_PKG,
        "db.js": "const s = new Sequelize('postgres://x', { define: { underscored: true } });",
        "models.js": """
            module.exports = (sequelize, DataTypes) => {
              const Person = sequelize.define('Person', { firstName: DataTypes.STRING });
              const Tag = sequelize.define('Tag', { label: DataTypes.STRING },
                { freezeTableName: true, underscored: false, timestamps: false });
              const Event = sequelize.define('Event', {
                uuid: { type: DataTypes.UUID, primaryKey: true },
                startsAt: { type: DataTypes.DATE, field: 'begins' },
              }, { paranoid: true, createdAt: 'addedAt', updatedAt: false, schema: 'cal' });
              return { Person, Tag, Event };
            };
        """})
    models, problems = models_of(root)
    assert not problems
    person, tag, event = models["Person"], models["Tag"], models["Event"]
    assert (person.table, columns(person)) == \
        ("people", ["id", "first_name", "created_at", "updated_at"])
    assert (tag.table, columns(tag)) == ("Tag", ["id", "label"])
    assert (event.table, event.schema) == ("events", "cal")
    assert columns(event) == ["uuid", "begins", "added_at", "deleted_at"]


def test_sequelize_typescript_decorated_class(tree):
    root = tree({"package.json": '{"dependencies": {"sequelize-typescript": "^2"}}',
                 "user.model.ts": """
        @Table({ tableName: 'app_users', underscored: true })
        export class User extends Model {
          @PrimaryKey @Column userId!: number;
          @Column({ field: 'mail' }) email!: string;
          helper(): void {}
        }"""})
    models, _ = models_of(root)
    assert models["User"].table == "app_users"
    assert columns(models["User"]) == ["user_id", "mail", "created_at", "updated_at"]


def test_sequelize_7_attribute_decorators(tree):
    root = tree({"package.json": '{"dependencies": {"sequelize": "^7"}}', "m.ts": """
        @Table({ timestamps: false })
        export class Invoice extends Model {
          @Attribute(DataTypes.INTEGER) @PrimaryKey declare id: number;
          @Attribute(DataTypes.STRING) @ColumnName('due_on') declare dueOn: string;
        }"""})
    invoice = models_of(root)[0]["Invoice"]
    assert (invoice.table, columns(invoice)) == ("Invoices", ["id", "due_on"])


def test_typeorm_default_naming_and_join_columns(tree):
    root = tree({"package.json": '{"dependencies": {"typeorm": "^0.3"}}', "e.ts": """
        @Entity()
        export class UserProfile {
          @PrimaryGeneratedColumn() id: number;
          @Column({ type: "varchar", name: "nick" }) nickname: string;
          @Column("int") loginCount: number;
          @ManyToOne(() => Team) team: Team;
          @OneToOne(() => Photo) @JoinColumn() photo: Photo;
          @OneToMany(() => Post, (p) => p.author) posts: Post[];
        }"""})
    profile = models_of(root)[0]["UserProfile"]
    assert profile.table == "user_profile"
    assert columns(profile) == ["id", "nick", "loginCount", "teamId", "photoId"]


def test_prisma_parse_error_is_a_problem_with_file_and_line_and_other_files_still_count(tree):
    root = tree({
        "package.json": SEQUELIZE_PKG,
        "prisma/schema.prisma": "model A {\n  id Int @id\n  name String @map(\"x\"\n}\n",
        "broken.js": "Session.init({ a: 1 }, { sequelize, tableName: 'x' \n",
        "ok.js": "Good.init({ a: DataTypes.STRING }, { sequelize, tableName: 'goods' });",
    })
    models, problems = models_of(root)
    assert list(models) == ["Good"]
    where = sorted(p.where.split("/")[-1] for p in problems)
    assert where == ["broken.js:1", "schema.prisma:4"]
    assert all("syntax error" in p.message and not p.fatal for p in problems)


def test_python_syntax_error_is_a_problem(tree):
    root = tree({"requirements.txt": "sqlalchemy>=2\n", "m.py": "class A(Base:\n  pass\n",
                 "n.py": "class B(Base):\n    __tablename__ = 'bs'\n    id = Column(Integer)\n"})
    models, problems = models_of(root)
    assert list(models) == ["B"] and [p.where.split("/")[-1] for p in problems] == ["m.py:1"]


def test_gitignore_dependency_and_virtualenv_folders_are_skipped(tree):
    model = "X.init({ a: DataTypes.STRING }, { sequelize, tableName: 'xs' });"
    root = tree({".gitignore": "generated/\n*.gen.js\n", "package.json": SEQUELIZE_PKG,
                 "src/a.js": model.replace("X", "Kept"),
                 "src/b.gen.js": model.replace("X", "Gen"),
                 "generated/c.js": model.replace("X", "Generated"),
                 "node_modules/lib/d.js": model.replace("X", "Dependency"),
                 "env/pyvenv.cfg": "home = /usr\n", "env/lib/e.js": model.replace("X", "Venv"),
                 "dist/f.js": model.replace("X", "Built")})
    assert list(models_of(root)[0]) == ["Kept"]


def test_orms_come_from_manifests(tree):
    root = tree({"package.json": '{"dependencies": {"drizzle-orm": "1", "knex": "1"}}',
                 "pyproject.toml": '[project]\nname="x"\ndependencies=["Django>=5"]\n',
                 "requirements-dev.txt": "Flask-SQLAlchemy==3.1 ; python_version>'3'\n",
                 "Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 7.1"\n'})
    assert discover([str(root)]).manifest_orms == {"drizzle", "knex", "django", "sqlalchemy",
                                                    "activerecord"}


def test_without_the_orm_in_the_project_its_reader_stays_off(tree):
    root = tree({"a.js": "X.init({ a: 1 }, { sequelize, tableName: 'xs' });"})
    assert models_of(root)[0] == {}
    assert list(models_of(root, ["sequelize"])[0]) == ["X"]


def test_django_default_table_foreign_keys_and_abstract_bases(tree):
    root = tree({"requirements.txt": "django\n", "blog/models.py": """
        from django.db import models
        class Base(models.Model):
            created = models.DateTimeField()
            class Meta:
                abstract = True
        class Entry(Base):
            slug = models.SlugField(primary_key=True)
            author = models.ForeignKey("auth.User", on_delete=models.CASCADE)
            body = models.TextField(db_column="content")
            tags = models.ManyToManyField("Tag")
        """})
    entry = models_of(root)[0]["Entry"]
    assert entry.table == "blog_entry"
    assert columns(entry) == ["created", "slug", "author_id", "content"]


def test_activerecord_inflection_and_declared_columns(tree):
    root = tree({"Gemfile": 'gem "rails"\n', "app/models/person.rb": """
        class Person < ApplicationRecord
          self.primary_key = "person_id"
          belongs_to :household
          validates_presence_of :surname
        end
        class AuditEntry < ActiveRecord::Base
        end
        """})
    models = models_of(root)[0]
    assert (models["Person"].table, columns(models["Person"])) == \
        ("people", ["person_id", "household_id", "surname"])
    assert models["AuditEntry"].table == "audit_entries"


def test_placeholders_of_every_driver_become_parameters():
    sql = "SELECT a FROM t WHERE b = ? AND c = :name AND d = %s AND e = %(x)s AND f = ':no'"
    assert with_placeholders(sql) == \
        "SELECT a FROM t WHERE b = $1 AND c = $2 AND d = $3 AND e = $4 AND f = ':no'"


def test_raw_sql_columns_go_to_their_tables_and_ctes_are_not_tables():
    models = statement_models(
        'WITH recent AS (SELECT "userId" FROM events) SELECT u.email, r."userId", total '
        "FROM users u JOIN recent r ON r.\"userId\" = u.id GROUP BY 1 ORDER BY total",
        "q.js", 3)
    assert {(m.table, tuple(columns(m))) for m in models} == \
        {("events", ("userId",)), ("users", ("email", "id"))}


def test_raw_sql_in_template_and_python_strings(tree, tmp_path):
    root = tree({"q.ts": "const r = await sql`SELECT nme FROM people WHERE id = ${id}`;",
                 "q.py": 'cur.execute(f"UPDATE people SET nme = %s WHERE id = {pid}")',
                 "schema.sql": "CREATE TABLE people (id int, name text);"})
    result = run_check([str(root)], [str(tmp_path / "schema.sql")])
    assert sorted((f.file.split("/")[-1], f.kind, f.wanted, f.found)
                  for f in result.findings) == [("q.py", "typo", "nme", "name"),
                                                ("q.ts", "typo", "nme", "name")]


def test_django_migrations_folder_state_is_checked(tree):
    root = tree({"requirements.txt": "django\n", "notes/__init__.py": "",
                 "notes/models.py": """
        from django.db import models
        class Note(models.Model):
            text = models.TextField()
            pinned = models.BooleanField(default=False)
        class Label(models.Model):
            name = models.CharField(max_length=20)
        """,
                 "notes/migrations/__init__.py": "",
                 "notes/migrations/0001_initial.py": """
        from django.db import migrations, models
        class Migration(migrations.Migration):
            operations = [migrations.CreateModel(name="Note", fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("body", models.TextField())])]
        """,
                 "notes/migrations/0002_rename.py": """
        from django.db import migrations
        class Migration(migrations.Migration):
            operations = [migrations.RenameField("note", "body", "text")]
        """,
                 "schema.sql": "CREATE TABLE notes_note (id bigint, text text, pinned bool);"
                               "CREATE TABLE notes_label (id bigint, name text);"})
    result = run_check([str(root)], [str(root / "schema.sql")])
    assert sorted((f.model, f.column, f.kind) for f in result.findings) == \
        [("Label", None, "missing"), ("Note", "pinned", "missing")]
    assert all("makemigrations" in f.fixes[0] for f in result.findings)


def test_an_import_is_enough_to_detect_the_orm(tree):
    root = tree({"m.ts": "import { Entity, Column } from 'typeorm';\n"
                         "@Entity('things') export class Thing { @Column() label: string; }",
                 "n.py": "from sqlalchemy.orm import DeclarativeBase\n"
                         "class T(Base):\n    __tablename__ = 'ts'\n"})
    assert set(models_of(root)[0]) == {"Thing", "T"}


def test_generated_monorepo_of_the_benchmark_checks_with_its_planted_mismatches(tmp_path):
    import sys

    from tests.conftest import ROOT
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import check_bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    check_bench.generate(tmp_path, 70)
    result = run_check([str(tmp_path / "packages")], [str(tmp_path / "schema.sql")])
    assert len(result.models) == 70 and not result.problems
    # one model in 50 misspells `status` (0 and 50), one raw query in ten reads the tables
    assert {(f.model, f.column, f.kind) for f in result.findings} == \
        {("Entity0000", "statos", "typo"), ("Entity0050", "statos", "typo")}


def test_unreadable_and_oversized_files_are_problems_not_silence(tree):
    root = tree({"package.json": SEQUELIZE_PKG,
                 "ok.js": "X.init({ a: 1 }, { sequelize, tableName: 'xs' });"})
    (root / "latin1.js").write_bytes(b"const s = '\xe9t\xe9';\n")
    (root / "bundle.js").write_text("var a = 1;\n" * 300_000)
    models, problems = models_of(root)
    assert list(models) == ["X"]
    assert sorted((p.where.split("/")[-1], p.message.split(":")[0]) for p in problems) == \
        [("bundle.js", "skipped"), ("latin1.js", "cannot read")]


def test_system_catalogs_are_never_findings():
    sql = ("SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = "
           "c.oid JOIN information_schema.columns i ON i.table_name = c.relname")
    assert statement_models(sql, "q.py", 1) == []


def test_sequelize_associations_add_their_foreign_keys(tree):
    root = tree({"package.json": SEQUELIZE_PKG, "models.js": """
        const User = sequelize.define('User', { email: DataTypes.STRING });
        const Post = sequelize.define('Post', { title: DataTypes.STRING }, { underscored: true });
        const Team = sequelize.define('Team', { name: DataTypes.STRING });
        Post.belongsTo(User);
        User.hasMany(Post, { foreignKey: { name: 'editorId', field: 'editor' } });
        User.belongsTo(Team, { as: 'squad' });
        Team.hasOne(User, { foreignKey: 'squadId' });
        """})
    models, _ = models_of(root)
    assert columns(models["Post"])[-2:] == ["user_id", "editor"]
    assert columns(models["User"])[-1] == "squadId"
    assert "TeamId" not in columns(models["User"]) and len(columns(models["Team"])) == 4


def test_supabase_js_chains_name_their_table_and_columns(tree):
    root = tree({"package.json": '{"dependencies": {"@supabase/supabase-js": "2"}}', "q.ts": """
        const a = await supabase.from('notes').select('id, title:heading, body::text, tags(*)')
          .eq('owner_id', me).order('created_at');
        await db.schema('archive').from('notes').upsert([{ id: 1, pinned: true }]);
        const chars = Array.from('xyz');
        const text = Buffer.from('abc').toString('utf8');
        """})
    models, _, _ = read_models([str(root)])
    assert {(m.schema, m.table, tuple(columns(m))) for m in models} == {
        (None, "notes", ("id", "heading", "body", "owner_id", "created_at")),
        ("archive", "notes", ("id", "pinned"))}


def test_lone_surrogates_in_string_literals_do_not_break_the_output(tree, tmp_path):
    root = tree({"package.json": '{"dependencies": {"@supabase/supabase-js": "2"}}',
                 "a.js": "supabase.from('t\\ud8ff').select('x');\n"
                         "const q = 'SELECT \\udc00x FROM t';\n",
                 "b.py": 'q = "SELECT \\ud800y FROM t"\n',
                 "s.sql": "CREATE TABLE t (x int);"})
    result = run_check([str(root)], [str(root / "s.sql")])
    from analyzer.check.report import REPORTERS
    for render in REPORTERS.values():
        render(result).encode("utf-8")


def test_other_libraries_table_calls_are_not_sqlalchemy_tables(tree):
    root = tree({"requirements.txt": "sqlalchemy\n",
                 "ui.py": "from rich.table import Table\ngrid = Table('Name', 'Size')\n",
                 "db.py": "from sqlalchemy import Column, Integer, MetaData, Table\n"
                          "jobs = Table('jobs', MetaData(), Column('id', Integer))\n"})
    assert {m.table for m in read_models([str(root)])[0]} == {"jobs"}

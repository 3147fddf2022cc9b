"""The fixed words of a post-mortem draft: titles and lessons per diagnosis kind, the
prevention checklist, and the TODO slots for what logs cannot know."""

from __future__ import annotations

KIND_TITLES = {
    "case_style": "Column naming convention mismatch (snake_case vs camelCase)",
    "case_folding": "Unquoted identifier folded to lower case",
    "table_name": "Code and database use different table names",
    "pluralization": "Singular/plural table name mismatch",
    "other_schema": "Table resolved in the wrong schema",
    "other_table": "Column queried on the wrong table",
    "stale_schema_cache": "PostgREST schema cache out of date",
    "typo": "Misspelled column or table name",
    "missing": "Column or table missing: a migration not applied",
    "quoted_literal": "A string value written in double quotes (read as a column)",
    "unknown": "Schema/code mismatch",
}

KIND_LESSONS = {
    "case_style": "The ORM's naming option (Sequelize `underscored`, Prisma `@map`, Django "
                  "`db_column`) decides the column names it sends; it must match the schema's "
                  "convention, and changing it needs a migration or a model change together.",
    "case_folding": "PostgreSQL folds unquoted identifiers to lower case: a camelCase column "
                    "must be quoted in every raw query, or renamed to snake_case.",
    "table_name": "A table rename must change the code and the schema in the same change.",
    "pluralization": "Model and table names differ by plural: set the table name explicitly "
                     "instead of relying on the ORM's inflection.",
    "other_schema": "Supabase has its own tables (auth.sessions, auth.users): qualify table "
                    "names with their schema or avoid the clash.",
    "other_table": "The column exists on another table: a join or a model points at the "
                   "wrong table.",
    "stale_schema_cache": "PostgREST caches the schema: reload it after every migration "
                          "(NOTIFY pgrst, 'reload schema').",
    "typo": "A misspelled name reached production: schema/model validation in CI catches it.",
    "missing": "A migration was not applied where the code ran: deploys must apply (or check) "
               "migrations before the new code serves traffic.",
    "quoted_literal": "In SQL, double quotes name identifiers and single quotes hold strings: "
                      "values belong in bind parameters, never written into the query text.",
    "unknown": "Production logs named the failing table and column precisely; alert on "
               "schema errors instead of finding them in user reports.",
}

PREVENTION = (
    "Validate every ORM model against the real schema in CI (aware of naming options such as "
    "`underscored` and explicit table names)",
    "Run the schema validation on every push and before every deploy",
    "Change schema and model in the same pull request; a naming-option change needs a "
    "migration",
    "Apply migrations (and reload the PostgREST schema cache) as a deploy step",
    "Alert on new schema errors: `analyzer report --since 1h --fail-on new,regressed,critical` "
    "from cron",
)

TODOS = (
    "Who noticed, and how (alert, user report, dashboard)?",
    "User-facing impact: which features failed, how many users, any data lost?",
    "Which deploy or change introduced it (commit, PR, migration)?",
    "When was the cause found, and when was the fix deployed and verified?",
    "Owners for each prevention item, with dates",
)

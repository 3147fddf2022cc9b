-- The blog's schema (PostgreSQL 15).
CREATE SCHEMA content;

CREATE TABLE authors (
  id SERIAL PRIMARY KEY,
  display_name TEXT NOT NULL,
  "avatarUrl" TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE posts (
  id SERIAL PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  "publishedAt" TIMESTAMPTZ,
  author_id INTEGER REFERENCES authors (id),
  editor_id INTEGER REFERENCES authors (id)
);

CREATE TABLE content.tags (
  id SERIAL PRIMARY KEY,
  label TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE
);

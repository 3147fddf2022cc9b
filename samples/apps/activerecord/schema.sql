-- The Rails app's database (PostgreSQL 15), dumped with structure.sql.
CREATE TABLE teams (id BIGSERIAL PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE staff (
  id BIGSERIAL PRIMARY KEY,
  team_id BIGINT REFERENCES teams (id),
  email VARCHAR NOT NULL
);
CREATE TABLE people (
  id BIGSERIAL PRIMARY KEY,
  full_name VARCHAR NOT NULL,
  status INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE invoices (
  id BIGSERIAL PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  total NUMERIC(12, 2) NOT NULL
);

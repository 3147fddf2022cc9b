-- The shop's schema as its migrations left it (PostgreSQL 15).
CREATE SCHEMA audit;
CREATE SCHEMA sales;

CREATE TABLE users (
  id SERIAL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  full_name TEXT,
  street_address TEXT,
  is_active BOOLEAN DEFAULT TRUE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE staff (
  staff_id SERIAL PRIMARY KEY,
  display_name TEXT
);

CREATE TABLE audit.audit_logs (
  id BIGSERIAL PRIMARY KEY,
  action VARCHAR(32) NOT NULL,
  actor_id INTEGER,
  logged_at TIMESTAMPTZ NOT NULL,
  deleted_at TIMESTAMPTZ
);

CREATE TABLE sales.orders (
  id SERIAL PRIMARY KEY,
  total NUMERIC(12, 2),
  order_total NUMERIC(12, 2),
  placed_at TIMESTAMPTZ,
  buyer_id INTEGER REFERENCES users (id),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

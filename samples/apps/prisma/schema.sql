-- The billing database (PostgreSQL 15), as `prisma migrate` and later hand edits left it.
CREATE TYPE "Plan" AS ENUM ('FREE', 'PRO');

CREATE TABLE customers (
  id SERIAL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  plan "Plan" NOT NULL DEFAULT 'FREE',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE invoices (
  id SERIAL PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  amount NUMERIC(12, 2) NOT NULL,
  currency CHAR(3) NOT NULL
);

CREATE TABLE payments (
  id SERIAL PRIMARY KEY,
  reference TEXT NOT NULL,
  invoice_id INTEGER NOT NULL REFERENCES invoices (id)
);

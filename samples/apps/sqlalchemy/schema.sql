-- The inventory database (PostgreSQL 15), created by Alembic revisions.
CREATE SCHEMA inventory;

CREATE TABLE inventory.warehouses (
  id SERIAL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  city_code VARCHAR(8),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE inventory.items (
  id SERIAL PRIMARY KEY,
  sku VARCHAR(32) NOT NULL,
  title TEXT,
  warehouse_id INTEGER NOT NULL REFERENCES inventory.warehouses (id),
  quantity INTEGER NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE inventory.stock_moves (
  id SERIAL PRIMARY KEY,
  item_id INTEGER NOT NULL,
  qty_change INTEGER NOT NULL
);

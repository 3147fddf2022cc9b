-- The shop database (PostgreSQL 15) as `manage.py migrate` left it, plus a hand-made table.
CREATE TABLE shop_categories (
  id BIGSERIAL PRIMARY KEY,
  created TIMESTAMPTZ NOT NULL,
  name VARCHAR(80) NOT NULL
);

CREATE TABLE shop_products (
  id BIGSERIAL PRIMARY KEY,
  created TIMESTAMPTZ NOT NULL,
  sku VARCHAR(32) NOT NULL,
  title VARCHAR(200) NOT NULL,
  category_id BIGINT NOT NULL REFERENCES shop_categories (id)
);

CREATE TABLE shop_tag (
  id BIGSERIAL PRIMARY KEY,
  label VARCHAR(40) NOT NULL
);

-- Up Migration
CREATE TABLE products (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  sku         text        NOT NULL UNIQUE,
  name        text        NOT NULL,
  description text        NOT NULL DEFAULT '',
  category    text        NOT NULL,
  -- Money in integer minor units; the bound keeps every amount an exact JavaScript number.
  price_minor bigint      NOT NULL CHECK (price_minor BETWEEN 0 AND 1000000000000),
  currency    text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  stock       integer     NOT NULL DEFAULT 0 CHECK (stock >= 0),
  image_url   text,
  version     integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  -- 'simple' (no stemming) so that prefix queries match what the shopper typed.
  search      tsvector    GENERATED ALWAYS AS (to_tsvector('simple', name || ' ' || description)) STORED
);

-- Every change bumps version and updated_at in the database itself, so no write path can forget.
CREATE FUNCTION products_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE TRIGGER products_bump_version BEFORE UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION products_bump_version();

-- Keyset pagination: one index per sort, the id breaking ties.
CREATE INDEX products_newest_idx ON products (created_at DESC, id DESC);
CREATE INDEX products_price_idx ON products (price_minor, id);
CREATE INDEX products_name_idx ON products (name, id);
CREATE INDEX products_category_newest_idx ON products (category, created_at DESC, id DESC);
CREATE INDEX products_category_price_idx ON products (category, price_minor, id);
CREATE INDEX products_search_idx ON products USING gin (search);

-- Down Migration
DROP TABLE products;
DROP FUNCTION products_bump_version();

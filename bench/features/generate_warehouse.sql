-- bench/features/generate_warehouse.sql: transactions in the shape of a bank's
-- warehouse, as issue 20 measured them: one year (365 days), merchants with
-- Zipf-skewed sizes (merchant k takes a share about 1/k), numeric(12,2)
-- amounts and bigint counterparties.  Deterministic (hashint8 of row numbers).
--
--   psql -v merchants=200000 -v transactions=50000000 -f bench/features/generate_warehouse.sql
--
-- Table (dropped and recreated): lr_transactions(txn_id bigint, merchant_id int,
-- ts timestamptz, amount numeric(12,2), payer bigint).
--   sizes     merchant 1 + floor((M + 1)^u) - 1 for u uniform: P(k) ~ ln((k+1)/k) ~ 1/k;
--   days      uniform over 2024-01-01 .. 2024-12-30 UTC, any second of the day;
--   amounts   log-normal tickets around 40.00, 2% refunds (negative);
--   payers    half one-off (the row's own id), half from the merchant's pool of 50
--             regulars; 1% NULL.

\set ON_ERROR_STOP 1
\if :{?merchants} \else \set merchants 2000 \endif
\if :{?transactions} \else \set transactions 200000 \endif

SET client_min_messages = warning;
DROP TABLE IF EXISTS lr_transactions;
CREATE OR REPLACE FUNCTION pg_temp.u(k bigint, i bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  'SELECT (hashint8(i * 1000003 + k * 7919) & 2147483647)::float8 / 2147483648.0::float8';

CREATE TABLE lr_transactions AS
SELECT i AS txn_id,
       least(:merchants, floor(power(:merchants + 1, pg_temp.u(1, i)))::int) AS merchant_id,
       timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => floor(365 * 86400 * pg_temp.u(2, i))) AS ts,
       (CASE WHEN pg_temp.u(3, i) < 0.02 THEN -1 ELSE 1 END
        * round((40 * exp(0.8 * sqrt(-2 * ln(1 - pg_temp.u(4, i))) * cos(2 * pi() * pg_temp.u(5, i))))::numeric, 2))::numeric(12,2) AS amount,
       CASE WHEN pg_temp.u(6, i) < 0.01 THEN NULL
            WHEN pg_temp.u(6, i) < 0.5 THEN i
            ELSE -(floor(power(:merchants + 1, pg_temp.u(1, i)))::bigint * 64 + floor(50 * pg_temp.u(7, i))::bigint) END AS payer
FROM generate_series(1::bigint, :transactions) i;
ALTER TABLE lr_transactions ALTER COLUMN merchant_id SET NOT NULL, ALTER COLUMN ts SET NOT NULL,
  ALTER COLUMN amount SET NOT NULL;
ANALYZE lr_transactions;

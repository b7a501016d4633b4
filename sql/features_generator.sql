-- data/features/generate.sql at a small size: the shapes it promises, and
-- merchant_features / borrowing_features over its tables.

SET TimeZone = 'UTC';
SET jit = off;
CREATE SCHEMA fgen;
\set merchants 300
\set transactions 20000
\set schema fgen
\set ECHO none
\set QUIET on
\i data/features/generate.sql
\set QUIET off
\set ECHO all
SET search_path = public;

SELECT count(*) AS merchants, count(*) FILTER (WHERE closed_on IS NOT NULL) AS churned,
       bool_and(closed_on IS NULL OR closed_on >= opened_on + 30) AS traded_30_days
FROM fgen.lr_merchants;
-- Skew: the largest merchants take a large share; refunds ~2%, rows without a payer ~1%,
-- a majority of one-off payers; every row within its merchant's life.
SELECT count(*) AS rows,
       round(100.0 * count(*) FILTER (WHERE merchant_id <= 3) / count(*)) AS pct_top3,
       round(100.0 * count(*) FILTER (WHERE amount < 0) / count(*), 1) AS pct_refunds,
       round(100.0 * count(*) FILTER (WHERE payer IS NULL) / count(*), 1) AS pct_no_payer,
       round(100.0 * count(*) FILTER (WHERE payer LIKE 'x%') / count(*)) AS pct_one_off,
       bool_and(t.ts::date BETWEEN m.opened_on AND coalesce(m.closed_on, '2024-12-31')) AS within_life
FROM fgen.lr_transactions t JOIN fgen.lr_merchants m USING (merchant_id);
-- Weekend and lunch/evening peaks; heavy-tailed tickets.
SELECT round(100.0 * count(*) FILTER (WHERE extract(isodow FROM ts) = 6) / count(*)) AS pct_saturday,
       round(100.0 * count(*) FILTER (WHERE extract(hour FROM ts) IN (11, 12, 13, 17, 18, 19, 20)) / count(*)) AS pct_peak_hours,
       percentile_disc(0.99) WITHIN GROUP (ORDER BY amount) > 10 * percentile_disc(0.5) WITHIN GROUP (ORDER BY amount) AS heavy_tail
FROM fgen.lr_transactions WHERE amount > 0;
-- Deterministic: the same variables give the same rows.
CREATE TABLE fgen.first AS SELECT * FROM fgen.lr_transactions;
\set ECHO none
\set QUIET on
\i data/features/generate.sql
\set QUIET off
\set ECHO all
SET search_path = public;
SELECT count(*) AS rows_differing FROM (
  (SELECT * FROM fgen.first EXCEPT ALL SELECT * FROM fgen.lr_transactions)
  UNION ALL (SELECT * FROM fgen.lr_transactions EXCEPT ALL SELECT * FROM fgen.first)) d;

-- The aggregates over the generated tables, as of the end of the data: churned merchants
-- show a long recency.
SELECT count(*) AS profiles, count(*) FILTER (WHERE (p).counterparties_exact) AS exact,
       sum((p).txn_count_all) = (SELECT count(*) FROM fgen.lr_transactions) AS all_rows_counted,
       count(*) FILTER (WHERE (p).recency_days > 30) AS quiet_30_days,
       count(*) FILTER (WHERE m.closed_on < '2024-12-01') AS closed_before_december
FROM (SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer, '2025-01-01 00:00+00') AS p
      FROM fgen.lr_transactions GROUP BY 1) s
JOIN fgen.lr_merchants m USING (merchant_id);
SELECT count(*) AS borrowers, sum((b).loans_total) = (SELECT count(*) FROM fgen.lr_loans) AS all_loans_counted,
       count(*) FILTER (WHERE (b).open_loans > 0) AS with_open_loans
FROM (SELECT merchant_id, loan_risk.borrowing_features(start_date, end_date, amount, days_past_due) AS b
      FROM fgen.lr_loans GROUP BY 1) s;
DROP SCHEMA fgen CASCADE;

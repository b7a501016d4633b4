-- data/features/generate.sql: a deterministic generator of merchants, their
-- transactions and their loans, with the shapes merchant features are made
-- for.  Plain SQL (hashint8 of row numbers, no random()), so the same
-- variables give the same rows on any PostgreSQL.
--
--   psql -v merchants=200000 -v transactions=50000000 -v seed=1 -f data/features/generate.sql
--
-- Variables (all optional): merchants (default 2000), transactions (default
-- 200000), seed (default 1), end_date (default 2024-12-31), schema (default public).
--
-- Tables (dropped and recreated):
--   lr_merchants(merchant_id, opened_on, closed_on, base_ticket, growth, season_amp, pool)
--   lr_transactions(txn_id, merchant_id, ts, amount numeric(14,2), payer text)
--   lr_loans(merchant_id, start_date, end_date, amount numeric(12,2), days_past_due)
--
-- Shapes:
--   skewed sizes     transaction i goes to merchant 1 + floor(M * u^3): a few merchants
--                    (chains, marketplaces) take a large share, most have tens of rows;
--   life and churn   each merchant opens at some day in the 3 years before end_date and
--                    one in five stops trading before it (churn);
--   growth           activity density rises over a merchant's life (t^growth);
--   seasonality      yearly (a sine on the day of year) and weekly (a Friday/Saturday
--                    peak), and a time of day with lunch and evening peaks and some nights;
--   tickets          log-normal around the merchant's base ticket with a Pareto tail;
--   refunds          about 2% of rows are refunds (negative amounts) of a typical ticket;
--   payers           about 55% one-off payers, the rest from the merchant's pool of
--                    regulars with Zipf-like frequencies; 1% of rows have no payer.

\set ON_ERROR_STOP 1
\if :{?merchants} \else \set merchants 2000 \endif
\if :{?transactions} \else \set transactions 200000 \endif
\if :{?seed} \else \set seed 1 \endif
\if :{?end_date} \else \set end_date 2024-12-31 \endif
\if :{?schema} \else \set schema public \endif

SET search_path = :"schema";
SET client_min_messages = warning;
DROP TABLE IF EXISTS lr_transactions, lr_merchants, lr_loans;

-- u(k, i): the i-th uniform number in [0, 1) of stream k (31 bits).  (psql does not
-- substitute variables inside dollar quotes: the seed goes in through format.)
SELECT format($f$CREATE OR REPLACE FUNCTION pg_temp.u(k bigint, i bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  'SELECT (hashint8(i * 1000003 + k * 7919 + %s::bigint * 104729) & 2147483647)::float8 / 2147483648.0::float8'$f$, :'seed'::bigint) \gexec

CREATE TABLE lr_merchants AS
SELECT m AS merchant_id,
       (:'end_date'::date - 1095 + floor(1065 * pg_temp.u(1, m))::int) AS opened_on,
       CASE WHEN pg_temp.u(2, m) < 0.2
            THEN :'end_date'::date - floor(400 * pg_temp.u(3, m))::int END AS closed_on,
       round((5 + 60 * exp(1.2 * sqrt(-2 * ln(1 - pg_temp.u(4, m))) * cos(2 * pi() * pg_temp.u(5, m))))::numeric, 2) AS base_ticket,
       0.2 + 1.5 * pg_temp.u(6, m) AS growth,
       0.5 * pg_temp.u(7, m) AS season_amp,
       3 + floor(200 * power(pg_temp.u(8, m), 2))::int AS pool
FROM generate_series(1, :merchants) m;
-- A merchant closed before it opened did not open: it traded for at least 30 days.
UPDATE lr_merchants SET closed_on = opened_on + 30 WHERE closed_on < opened_on + 30;
ALTER TABLE lr_merchants ADD PRIMARY KEY (merchant_id);

-- CREATE TABLE AS (not INSERT) so that the SELECT may run in parallel workers.
CREATE TABLE lr_transactions AS
SELECT i AS txn_id, m.merchant_id,
       ((x.day + CASE WHEN x.wk < 0.2 AND extract(isodow FROM x.day) <= 4
                      THEN least(6 - extract(isodow FROM x.day)::int, lo.last_day - x.day) ELSE 0 END)::timestamp
         + make_interval(secs => x.secs)) AT TIME ZONE 'UTC' AS ts,
       (CASE WHEN x.r < 0.02 THEN -round(m.base_ticket * (0.5 + x.t)::numeric, 2)
             ELSE round(least(m.base_ticket * x.ticket::numeric, 999999), 2) END)::numeric(14,2) AS amount,
       CASE WHEN x.r2 < 0.01 THEN NULL
            WHEN x.r2 < 0.56 THEN 'x' || i
            ELSE 'm' || m.merchant_id || '-' || floor(m.pool * power(x.r3, 2))::int END AS payer
FROM generate_series(1::bigint, :transactions) i
CROSS JOIN LATERAL (SELECT 1 + floor(:merchants * power(pg_temp.u(10, i), 3))::int AS mid) s
JOIN lr_merchants m ON m.merchant_id = s.mid
CROSS JOIN LATERAL (
  SELECT m.opened_on AS d0, coalesce(m.closed_on, :'end_date'::date) AS last_day) lo
CROSS JOIN LATERAL (
  SELECT -- growth (density ~ t^growth), then a yearly wave that moves days toward the season's peak
         lo.d0 + floor((lo.last_day - lo.d0) * least(1, greatest(0,
           power(pg_temp.u(11, i), 1 / (1 + m.growth)) + m.season_amp * 0.02 * sin(2 * pi() * pg_temp.u(12, i)))))::int AS day,
         -- one weekday row in five moves to the coming Saturday (a weekend peak)
         pg_temp.u(13, i) AS wk,
         -- lunch (12:30), evening (19:00) or spread over the day, some at night
         (CASE WHEN pg_temp.u(14, i) < 0.35 THEN 45000 + 5400 * (pg_temp.u(15, i) - 0.5) * 2
               WHEN pg_temp.u(14, i) < 0.75 THEN 68400 + 7200 * (pg_temp.u(15, i) - 0.5) * 2
               ELSE 86399 * pg_temp.u(15, i) END)::float8 AS secs,
         -- log-normal ticket with a Pareto tail
         exp(0.9 * sqrt(-2 * ln(1 - pg_temp.u(16, i))) * cos(2 * pi() * pg_temp.u(17, i)))
           * CASE WHEN pg_temp.u(18, i) < 0.01 THEN power(1 - pg_temp.u(19, i), -1 / 1.5) ELSE 1 END AS ticket,
         pg_temp.u(20, i) AS r, pg_temp.u(21, i) AS t, pg_temp.u(22, i) AS r2, pg_temp.u(23, i) AS r3) x;
ALTER TABLE lr_transactions ALTER COLUMN txn_id SET NOT NULL, ALTER COLUMN merchant_id SET NOT NULL,
  ALTER COLUMN ts SET NOT NULL, ALTER COLUMN amount SET NOT NULL;

-- Loans: zero to a dozen per merchant over its life; some short, some late, some open.
CREATE TABLE lr_loans AS
SELECT m.merchant_id, l.start_date,
       CASE WHEN pg_temp.u(31, m.merchant_id * 100 + k) < 0.1 AND l.start_date > :'end_date'::date - 120 THEN NULL
            ELSE least(l.start_date + l.days, :'end_date'::date) END AS end_date,
       round((500 + 20000 * power(pg_temp.u(32, m.merchant_id * 100 + k), 2))::numeric, 2) AS amount,
       CASE WHEN pg_temp.u(33, m.merchant_id * 100 + k) < 0.12
            THEN floor(1 + 60 * power(pg_temp.u(34, m.merchant_id * 100 + k), 2))::int ELSE 0 END AS days_past_due
FROM lr_merchants m
CROSS JOIN LATERAL generate_series(1, floor(13 * power(pg_temp.u(30, m.merchant_id), 2))::int) k
CROSS JOIN LATERAL (
  SELECT m.opened_on + floor((coalesce(m.closed_on, :'end_date'::date) - m.opened_on) * pg_temp.u(35, m.merchant_id * 100 + k))::int AS start_date,
         CASE WHEN pg_temp.u(36, m.merchant_id * 100 + k) < 0.3 THEN 5 + floor(25 * pg_temp.u(37, m.merchant_id * 100 + k))::int
              ELSE 30 + floor(300 * pg_temp.u(37, m.merchant_id * 100 + k))::int END AS days) l;

ANALYZE lr_merchants;
ANALYZE lr_transactions;
ANALYZE lr_loans;

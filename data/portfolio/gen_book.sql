-- Deterministic generator of a sample loan book with monthly performance
-- history, for the portfolio functions (doc/monitoring.md), their tests and
-- the demo.
--
--   psql -X -q -v n=2000 -f data/portfolio/gen_book.sql      (default n = 2000 loans)
--
-- Creates (replacing) two tables in the current schema:
--
--   book_loans(id, originated, amount, segment)
--   book_performance(loan_id, month, dpd, balance, status, segment)
--
-- Loans are originated monthly from January 2022 to December 2023 in two
-- segments (micro, small) and observed until June 2024.  Each month a loan
-- pays its instalment (the balance amortises linearly over 12 or 24 months),
-- prepays, or falls behind; delinquent loans cure, stay or roll one bucket
-- further (1-29, 30-59, 60-89, 90+ days past due); a loan three months at
-- 90+ is written off (status written_off, days past due NULL); a loan paid
-- off is closed (status closed, balance 0).  Roll rates are two to three times
-- higher from April to December 2022 (a shock), so NPL rises and falls.
-- Every draw is hashint4 of the loan and the month on book (no random()),
-- so the same n gives the same book on every PostgreSQL 12+.
\if :{?n}
\else
\set n 2000
\endif
SET client_min_messages = warning;
DROP TABLE IF EXISTS book_performance;
DROP TABLE IF EXISTS book_loans;
RESET client_min_messages;

CREATE TABLE book_loans AS
WITH u AS (
  SELECT i,
         ((hashint4(i * 97 + 1) & 2147483647) / 2147483647.0)::float8 AS u1,
         ((hashint4(i * 97 + 2) & 2147483647) / 2147483647.0)::float8 AS u2,
         ((hashint4(i * 97 + 3) & 2147483647) / 2147483647.0)::float8 AS u3,
         ((hashint4(i * 97 + 4) & 2147483647) / 2147483647.0)::float8 AS u4
  FROM generate_series(1, :n) i)
SELECT i::bigint AS id,
       (date '2022-01-01' + make_interval(months => floor(u2 * 24)::int))::date AS originated,
       CASE WHEN u1 < 0.6 THEN round((2000 + 18000 * u3)::numeric, -2)
            ELSE round((20000 + 80000 * u3)::numeric, -2) END::numeric(14, 2) AS amount,
       CASE WHEN u1 < 0.6 THEN 'micro' ELSE 'small' END AS segment,
       CASE WHEN u4 < 0.5 THEN 12 ELSE 24 END AS term,
       (0.4 + 1.6 * ((hashint4(i * 97 + 5) & 2147483647) / 2147483647.0)) *
         CASE WHEN u1 < 0.6 THEN 1.0 ELSE 0.7 END AS quality
FROM u;

CREATE TABLE book_performance AS
WITH RECURSIVE s(loan_id, mob, month, state, in90, paid, balance) AS (
  SELECT id, 0, originated, 0, 0, 0, amount::numeric FROM book_loans
  UNION ALL
  SELECT s.loan_id, s.mob + 1, (s.month + interval '1 month')::date, n.state,
         CASE WHEN n.state = 4 THEN s.in90 + 1 ELSE 0 END,
         n.paid,
         CASE WHEN n.state = 6 THEN 0::numeric
              WHEN n.paid > s.paid THEN round(l.amount * (l.term - n.paid) / l.term, 2)
              ELSE s.balance END
  FROM s
  JOIN book_loans l ON l.id = s.loan_id
  CROSS JOIN LATERAL (
    SELECT ((hashint4(s.loan_id::int * 131 + s.mob * 7 + 11) & 2147483647) / 2147483647.0)::float8 AS v,
           CASE WHEN s.month >= date '2022-03-01' AND s.month < date '2022-12-01' THEN 3.0 ELSE 1.0 END AS shock) x
  CROSS JOIN LATERAL (
    SELECT t.state, CASE WHEN t.state = 0 THEN s.paid + 1 ELSE s.paid END AS paid
    FROM (SELECT CASE
      WHEN s.state = 0 AND x.v < 0.012 * l.quality * x.shock THEN 1
      WHEN s.state = 0 AND x.v < 0.012 * l.quality * x.shock + 0.01 THEN 6
      WHEN s.state = 0 AND s.paid + 1 >= l.term THEN 6
      WHEN s.state = 0 THEN 0
      WHEN s.state IN (1, 2, 3) AND x.v < (0.15 + 0.12 * s.state) * least(x.shock, 2.0) * l.quality THEN s.state + 1
      WHEN s.state IN (1, 2, 3) AND x.v > 1 - (0.75 - 0.2 * s.state) THEN 0
      WHEN s.state IN (1, 2, 3) THEN s.state
      WHEN s.state = 4 AND s.in90 >= 2 THEN 5
      WHEN s.state = 4 AND x.v < 0.05 THEN 0
      ELSE 4 END AS state) t) n
  WHERE s.state < 5 AND s.month < date '2024-06-01'
)
SELECT s.loan_id, s.month,
       CASE s.state WHEN 0 THEN 0
                    WHEN 1 THEN 1 + (hashint4(s.loan_id::int * 17 + s.mob) & 2147483647) % 29
                    WHEN 2 THEN 30 + (hashint4(s.loan_id::int * 17 + s.mob) & 2147483647) % 30
                    WHEN 3 THEN 60 + (hashint4(s.loan_id::int * 17 + s.mob) & 2147483647) % 30
                    WHEN 4 THEN 90 + 30 * s.in90 + (hashint4(s.loan_id::int * 17 + s.mob) & 2147483647) % 30
                    WHEN 6 THEN 0 END AS dpd,
       s.balance::numeric(14, 2) AS balance,
       CASE s.state WHEN 5 THEN 'written_off' WHEN 6 THEN 'closed' ELSE 'open' END AS status,
       l.segment
FROM s JOIN book_loans l ON l.id = s.loan_id;

ALTER TABLE book_loans DROP COLUMN term, DROP COLUMN quality;
ALTER TABLE book_loans ADD PRIMARY KEY (id);
ALTER TABLE book_performance ADD PRIMARY KEY (loan_id, month);
ANALYZE book_loans;
ANALYZE book_performance;

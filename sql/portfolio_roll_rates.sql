-- loan_risk.roll_rates: month-to-month transitions between delinquency buckets.
SET datestyle = ISO;

-- By hand: four loans from January to March 2024.
--   loan 1: current -> 1-29 -> 30-59
--   loan 2: current -> current -> closed
--   loan 3: 1-29 -> current -> (no March snapshot: absent)
--   loan 4: 60-89 -> 90+ -> written off
CREATE TABLE r_perf (loan_id bigint, month date, dpd integer, balance numeric, status text, segment text);
INSERT INTO r_perf VALUES
  (1, '2024-01-01', 0, 1000, 'open', 'a'), (1, '2024-02-01', 12, 950, 'open', 'a'), (1, '2024-03-01', 41, 950, 'open', 'a'),
  (2, '2024-01-01', 0, 500, 'open', 'a'), (2, '2024-02-01', 0, 250, 'open', 'a'), (2, '2024-03-01', 0, 0, 'closed', 'a'),
  (3, '2024-01-01', 5, 300, 'open', 'a'), (3, '2024-02-01', 0, 280, 'open', 'a'),
  (4, '2024-01-01', 75, 800, 'open', NULL), (4, '2024-02-01', 105, 800, 'open', NULL),
  (4, '2024-03-01', NULL, 800, 'written_off', NULL);
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status, segment FROM r_perf');
-- without the segment column; an open loan missing the next month counts as closed
SELECT month, from_bucket, to_bucket, loans, balance, from_loans, loan_rate
FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status FROM r_perf', '{"absent": "closed"}');
-- buckets of your own: current below 30 days, then 30-89 and 90+
SELECT month, from_bucket, to_bucket, from_order, to_order, loans
FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status FROM r_perf', '{"dpd_buckets": [30, 90]}');
-- the matrix over all months, pivoted the way a BI tool would
SELECT from_bucket, sum(loans) FILTER (WHERE to_bucket = 'current') AS to_current,
       sum(loans) FILTER (WHERE to_bucket = '1-29') AS "to_1-29", sum(loans) FILTER (WHERE to_bucket = '30-59') AS "to_30-59",
       sum(loans) FILTER (WHERE to_bucket = '90+') AS "to_90+", sum(loans) FILTER (WHERE to_bucket = 'written_off') AS to_written_off,
       sum(loans) FILTER (WHERE to_bucket = 'closed') AS to_closed
FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status FROM r_perf')
GROUP BY from_bucket, from_order ORDER BY from_order;

-- status and segment as varchar, char(n) (trailing blanks do not count) or name: the same
WITH a AS (SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status, segment FROM r_perf')),
     b AS (SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status::char(15), segment::name FROM r_perf')),
     c AS (SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status::varchar, segment::char(3) FROM r_perf'))
SELECT (SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b) d) + (SELECT count(*) FROM (SELECT * FROM b EXCEPT ALL SELECT * FROM a) d)
     + (SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM c) d) + (SELECT count(*) FROM (SELECT * FROM c EXCEPT ALL SELECT * FROM a) d)
       AS differences;

-- Empty input, NULL arguments
SELECT count(*) FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance FROM r_perf WHERE false');
SELECT count(*) FROM loan_risk.roll_rates(NULL);
-- one month only: no transition
SELECT count(*) FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance FROM r_perf WHERE month = ''2024-01-01''');

-- Against a plain-SQL reference on the generated book (data/portfolio/gen_book.sql).
\set ECHO none
\set n 600
\i data/portfolio/gen_book.sql
\set ECHO all
CREATE FUNCTION r_bucket(dpd int, status text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN status = 'written_off' THEN 'written_off' WHEN status = 'closed' THEN 'closed'
              WHEN dpd = 0 THEN 'current' WHEN dpd < 30 THEN '1-29' WHEN dpd < 60 THEN '30-59'
              WHEN dpd < 90 THEN '60-89' ELSE '90+' END $$;
CREATE VIEW roll_reference AS
WITH t AS (
  SELECT a.month, a.segment, r_bucket(a.dpd, a.status) AS f, r_bucket(b.dpd, b.status) AS t, a.balance
  FROM book_performance a
  JOIN book_performance b ON b.loan_id = a.loan_id AND b.month = (a.month + interval '1 month')::date),
c AS (SELECT month, segment, f, t, count(*) AS loans, sum(balance) AS balance FROM t GROUP BY 1, 2, 3, 4)
SELECT c.*, sum(loans) OVER w AS from_loans, sum(balance) OVER w AS from_balance,
       loans::float8 / sum(loans) OVER w AS loan_rate,
       CASE WHEN sum(balance) OVER w <> 0 THEN balance::float8 / (sum(balance) OVER w)::float8 END AS balance_rate
FROM c WINDOW w AS (PARTITION BY month, segment, f);

WITH v AS (SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance')),
     r AS (SELECT * FROM roll_reference)
SELECT (SELECT count(*) FROM v) AS rows,
       (SELECT count(*) FROM (SELECT month, segment, from_bucket, to_bucket, loans, balance, from_loans, from_balance FROM v
                              EXCEPT ALL SELECT month, segment, f, t, loans, balance, from_loans, from_balance FROM r) e) AS not_in_reference,
       (SELECT count(*) FROM (SELECT month, segment, f, t, loans, balance, from_loans, from_balance FROM r
                              EXCEPT ALL SELECT month, segment, from_bucket, to_bucket, loans, balance, from_loans, from_balance FROM v) e) AS missing,
       (SELECT max(abs(v.loan_rate - r.loan_rate)) < 1e-12 AND max(abs(v.balance_rate - r.balance_rate)) < 1e-12
               AND count(*) FILTER (WHERE (v.balance_rate IS NULL) <> (r.balance_rate IS NULL)) = 0
        FROM v JOIN r ON v.month = r.month AND v.segment = r.segment AND v.from_bucket = r.f AND v.to_bucket = r.t) AS rates_ok,
       (SELECT sum(loans) FROM v WHERE from_bucket = '60-89' AND to_bucket = '90+') AS rolled_60_to_90;
-- again with 40 segments (and a NULL one): names interned while the rows stream in
UPDATE book_performance SET segment = CASE WHEN loan_id % 41 = 0 THEN NULL ELSE 'segment ' || loan_id % 41 END;
WITH v AS (SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance')),
     r AS (SELECT * FROM roll_reference)
SELECT (SELECT count(*) FROM v) AS rows,
       (SELECT count(*) FROM (SELECT month, segment, from_bucket, to_bucket, loans, balance, from_loans, from_balance FROM v
                              EXCEPT ALL SELECT month, segment, f, t, loans, balance, from_loans, from_balance FROM r) e) AS not_in_reference,
       (SELECT count(*) FROM (SELECT month, segment, f, t, loans, balance, from_loans, from_balance FROM r
                              EXCEPT ALL SELECT month, segment, from_bucket, to_bucket, loans, balance, from_loans, from_balance FROM v) e) AS missing,
       (SELECT max(abs(v.loan_rate - r.loan_rate)) < 1e-12 AND max(abs(v.balance_rate - r.balance_rate)) < 1e-12
               AND count(*) FILTER (WHERE (v.balance_rate IS NULL) <> (r.balance_rate IS NULL)) = 0
        FROM v JOIN r ON v.month = r.month AND v.segment IS NOT DISTINCT FROM r.segment AND v.from_bucket = r.f AND v.to_bucket = r.t) AS rates_ok,
       (SELECT sum(loans) FROM v WHERE from_bucket = '60-89' AND to_bucket = '90+') AS rolled_60_to_90;
UPDATE book_performance p SET segment = l.segment FROM book_loans l WHERE l.id = p.loan_id;

-- the rates of each (month, segment, from bucket) add up to 1
SELECT count(*) AS groups, max(abs(s - 1)) < 1e-12 AS rates_sum_to_one
FROM (SELECT month, segment, from_bucket, sum(loan_rate) AS s
      FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance')
      GROUP BY 1, 2, 3) g;
-- with absent = closed: in a book whose closed loans simply disappear, each open loan that is
-- missing the next month (while the book goes on) makes one more transition, to closed
SELECT (SELECT sum(loans) FROM loan_risk.roll_rates($$SELECT loan_id, month, dpd, balance, status FROM book_performance
                                                      WHERE status <> 'closed'$$, '{"absent": "closed"}')
        WHERE to_bucket = 'closed') AS to_closed,
       (SELECT count(*) FROM book_performance a
        WHERE a.status = 'open' AND a.month < (SELECT max(month) FROM book_performance)
          AND NOT EXISTS (SELECT 1 FROM book_performance b WHERE b.loan_id = a.loan_id AND b.status <> 'closed'
                          AND b.month = (a.month + interval '1 month')::date)) AS open_loans_missing_next_month,
       (SELECT count(*) FROM book_performance WHERE status = 'closed' AND month > (SELECT min(originated) FROM book_loans))
         AS closed_snapshots;

-- Errors
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status FROM r_perf UNION ALL SELECT 1, ''2024-01-15'', 0, 1, NULL');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd FROM r_perf');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status, segment, 1 FROM r_perf');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, NULL::numeric, status FROM r_perf');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status, 7 FROM r_perf');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance FROM r_perf', '{"dpd_buckets": []}');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance FROM r_perf', '{"dpd_buckets": [30, 30]}');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance FROM r_perf', '{"dpd_buckets": [0, 30]}');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance FROM r_perf', '{"dpd_buckets": ["30"]}');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance FROM r_perf',
                                   '{"dpd_buckets": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}');
SELECT * FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance FROM r_perf', '{"absent": "drop"}');

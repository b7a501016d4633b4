-- loan_risk.vintage: cumulative bad rate by origination cohort and months on book.
SET datestyle = ISO;

-- A book small enough to check by hand.  As of April 2024 (the last snapshot):
--   loan 1 (Jan, segment a): 35 dpd in Feb, 95 in Mar, written off in Apr -> bad at 2 months on book (90+)
--   loan 2 (Jan, segment a): always current, closed in Apr
--   loan 3 (Feb, no segment): 40 dpd in Mar, then current -> bad at 1 month on book only for 30+
CREATE TABLE v_loans (id bigint, originated date, amount numeric, segment text);
INSERT INTO v_loans VALUES (1, '2024-01-15', 1000.00, 'a'), (2, '2024-01-20', 2000.00, 'a'),
                           (3, '2024-02-03', 500.50, NULL);
CREATE TABLE v_perf (loan_id bigint, month date, dpd integer, balance numeric, status text);
INSERT INTO v_perf VALUES
  (1, '2024-01-01', 0, 1000, 'open'), (1, '2024-02-01', 35, 900, 'open'), (1, '2024-03-01', 95, 900, 'open'),
  (1, '2024-04-01', NULL, 900, 'written_off'),
  (2, '2024-01-01', 0, 2000, NULL), (2, '2024-02-01', 0, 1800, NULL), (2, '2024-03-01', 0, 1600, NULL),
  (2, '2024-04-01', 0, 0, 'closed'),
  (3, '2024-02-01', 0, 500.5, 'open'), (3, '2024-03-01', 40, 500.5, 'open'), (3, '2024-04-01', 0, 400, 'open');

SELECT * FROM loan_risk.vintage('SELECT id, originated, amount, segment FROM v_loans',
                                'SELECT loan_id, month, dpd, balance, status FROM v_perf');
-- ever 30+ days past due
SELECT segment, cohort, months_on_book, loans, bad_loans, bad_rate
FROM loan_risk.vintage('SELECT id, originated, amount, segment FROM v_loans',
                       'SELECT loan_id, month, dpd, balance, status FROM v_perf', '{"bad_dpd": 30}');
-- one quarterly cohort: loan 3 is observed one month less than loans 1 and 2
SELECT segment, cohort, months_on_book, loans, amount, bad_loans, bad_amount
FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans',
                       'SELECT loan_id, month, dpd, balance, status FROM v_perf',
                       '{"bad_dpd": 30, "cohort": "quarter"}');
-- a write-off alone is not bad when written_off_is_bad is false; as_of and max_months_on_book cut the curve
SELECT cohort, months_on_book, loans, bad_loans
FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans',
                       'SELECT loan_id, month, CASE WHEN dpd >= 90 THEN 80 ELSE dpd END, balance, status FROM v_perf',
                       '{"written_off_is_bad": false}');
SELECT cohort, months_on_book, loans, bad_loans
FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans',
                       'SELECT loan_id, month, dpd, balance, status FROM v_perf',
                       '{"as_of": "2024-03", "max_months_on_book": 1}');
-- snapshots after as_of are ignored: loan 1 is not yet written off in March
SELECT cohort, months_on_book, bad_loans
FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans',
                       'SELECT loan_id, month, dpd, balance, status FROM v_perf WHERE loan_id = 1',
                       '{"as_of": "2024-02-29", "bad_dpd": 90}');
-- status and segment columns are optional; snapshots of loans the loans query leaves out are ignored
SELECT count(*), sum(bad_loans) FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans WHERE id <> 3',
                                                       'SELECT loan_id, month, coalesce(dpd, 999), balance FROM v_perf');

-- status as char(n) or name, segment as char(n): the same
WITH a AS (SELECT * FROM loan_risk.vintage('SELECT id, originated, amount, segment FROM v_loans',
                                           'SELECT loan_id, month, dpd, balance, status FROM v_perf')),
     b AS (SELECT * FROM loan_risk.vintage('SELECT id, originated, amount, segment::char(5) FROM v_loans',
                                           'SELECT loan_id, month, dpd, balance, status::name FROM v_perf'))
SELECT (SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b) d)
     + (SELECT count(*) FROM (SELECT * FROM b EXCEPT ALL SELECT * FROM a) d) AS differences;
SELECT count(*) FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans',
                                       'SELECT loan_id, month, dpd, balance, status::char(20) FROM v_perf');

-- Amounts are exact: four decimals (rounded half away from zero), two when every amount is in cents.
SELECT amount, bad_amount FROM loan_risk.vintage(
  $$SELECT * FROM (VALUES (1::bigint, date '2024-01-01', 0.12345::numeric), (2, date '2024-01-01', 1e-9),
                          (3, date '2024-01-01', 99999999999999.9999)) v$$,
  $$SELECT 1::bigint, date '2024-01-01', 0, 0$$);
SELECT amount FROM loan_risk.vintage($$SELECT 1, date '2024-01-01', 12.5::float8 UNION ALL SELECT 2, date '2024-01-01', 7$$,
                                     $$SELECT 1::bigint, date '2024-01-01', 0, 0$$);
-- timestamps work as months
SELECT cohort, months_on_book, loans FROM loan_risk.vintage(
  $$SELECT 1, timestamp '2024-01-31 23:59:59', 10$$, $$SELECT 1, timestamp '2024-02-01 00:00:00', 0, 10$$);

-- Empty inputs and NULL arguments: no rows.
SELECT count(*) FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans WHERE false',
                                       'SELECT loan_id, month, dpd, balance, status FROM v_perf');
SELECT cohort, months_on_book, loans FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans',
                                                            'SELECT loan_id, month, dpd, balance FROM v_perf WHERE false');
SELECT count(*) FROM loan_risk.vintage(NULL, 'SELECT 1');
SELECT count(*) FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf', NULL);

-- Against a plain-SQL reference on the generated book (data/portfolio/gen_book.sql).
\set ECHO none
\set n 600
\i data/portfolio/gen_book.sql
\set ECHO all
SELECT count(*) AS loans, count(DISTINCT segment) AS segments FROM book_loans;
SELECT count(*) AS snapshots, count(*) FILTER (WHERE status = 'written_off') AS written_off FROM book_performance;

CREATE FUNCTION v_month(d date) RETURNS int LANGUAGE sql IMMUTABLE AS
  $$SELECT (extract(year FROM d) * 12 + extract(month FROM d))::int$$;
CREATE FUNCTION vintage_reference(bad_dpd int, cohort text) RETURNS TABLE (
  segment text, cohort date, months_on_book int, loans bigint, amount numeric, bad_loans bigint,
  bad_amount numeric, bad_rate float8, bad_amount_rate float8)
LANGUAGE sql AS $$
  WITH asof AS (SELECT max(month) AS m FROM book_performance),
  fb AS (SELECT loan_id, min(month) AS fb FROM book_performance
         WHERE dpd >= bad_dpd OR status = 'written_off' GROUP BY 1),
  lm AS (SELECT l.id, l.amount, l.segment, date_trunc(cohort, l.originated)::date AS cohort,
                v_month(a.m) - v_month(l.originated) AS maxmob, v_month(fb.fb) - v_month(l.originated) AS badmob
         FROM book_loans l CROSS JOIN asof a LEFT JOIN fb ON fb.loan_id = l.id),
  grid AS (SELECT lm.*, m FROM lm, generate_series(0, lm.maxmob) m)
  SELECT segment, cohort, m, count(*), sum(amount), count(*) FILTER (WHERE badmob <= m),
         coalesce(sum(amount) FILTER (WHERE badmob <= m), 0),
         (count(*) FILTER (WHERE badmob <= m))::float8 / count(*),
         coalesce(sum(amount) FILTER (WHERE badmob <= m), 0)::float8 / sum(amount)::float8
  FROM grid GROUP BY 1, 2, 3
$$;

-- every row the same: counts and amounts exactly, rates within 1e-12
SELECT o.bad_dpd, o.cohort, c.*
FROM (VALUES (90, 'month'), (30, 'month'), (60, 'quarter'), (1, 'year')) o(bad_dpd, cohort)
CROSS JOIN LATERAL (
  WITH v AS (SELECT * FROM loan_risk.vintage('SELECT id, originated, amount, segment FROM book_loans',
                                             'SELECT loan_id, month, dpd, balance, status FROM book_performance',
                                             jsonb_build_object('bad_dpd', o.bad_dpd, 'cohort', o.cohort))),
       r AS (SELECT * FROM vintage_reference(o.bad_dpd, o.cohort))
  SELECT (SELECT count(*) FROM v) AS rows,
         (SELECT count(*) FROM (SELECT segment, cohort, months_on_book, loans, amount, bad_loans, bad_amount FROM v
                                EXCEPT ALL
                                SELECT segment, cohort, months_on_book, loans, amount, bad_loans, bad_amount FROM r) e) AS not_in_reference,
         (SELECT count(*) FROM (SELECT segment, cohort, months_on_book, loans, amount, bad_loans, bad_amount FROM r
                                EXCEPT ALL
                                SELECT segment, cohort, months_on_book, loans, amount, bad_loans, bad_amount FROM v) e) AS missing,
         (SELECT max(abs(v.bad_rate - r.bad_rate)) < 1e-12 AND max(abs(v.bad_amount_rate - r.bad_amount_rate)) < 1e-12
          FROM v JOIN r ON v.segment IS NOT DISTINCT FROM r.segment AND v.cohort = r.cohort
                       AND v.months_on_book = r.months_on_book) AS rates_ok,
         (SELECT max(bad_rate) FROM v) AS max_bad_rate) c
ORDER BY 2 DESC, 1;

-- Errors
SELECT * FROM loan_risk.vintage('SELECT id, originated FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id::text, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated::timestamptz, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, segment FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount, 1 FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT NULL::int, date ''2024-01-01'', 1', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT 1, NULL::date, 1', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT 1, date ''2024-01-01'', NULL::numeric', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT 1, date ''2024-01-01'', ''NaN''::numeric', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT 1, date ''2024-01-01'', ''Infinity''::float8', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT 1, date ''2024-01-01'', 1e14::numeric', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT 1, date ''infinity'', 1', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT 1, date ''0044-03-15 BC'', 1', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans UNION ALL SELECT 2, date ''2024-01-01'', 1',
                                'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, -dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, NULL::date, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT NULL::int, month, dpd, balance FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance, ''late'' FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans',
                                'SELECT loan_id, month - 60, dpd, balance, status FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'DELETE FROM v_perf');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', '');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT 1; SELECT 2');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf',
                                '{"bad_dpd": 0}');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf',
                                '{"bad_dpd": 30.5}');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf',
                                '{"bad_dpd": "90"}');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf',
                                '{"cohort": "week"}');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf',
                                '{"as_of": "2024-02-30"}');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf',
                                '{"written_off_is_bad": 1}');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf',
                                '{"bad_days": 30}');
SELECT * FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance FROM v_perf',
                                '[]');
-- null members mean the default
SELECT count(*) FROM loan_risk.vintage('SELECT id, originated, amount FROM v_loans', 'SELECT loan_id, month, dpd, balance, status FROM v_perf',
                                       '{"bad_dpd": null, "cohort": null}');

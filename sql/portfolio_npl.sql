-- loan_risk.npl_summary: NPL and early-warning figures by period and segment.
SET datestyle = ISO;

-- By hand: three loans, January to April 2024, segments a and b.
--   loan 1 (a): current 1000 -> 1-29 -> 95 dpd (enters NPL in March) -> written off in April
--   loan 2 (a): current 2000 -> current -> 35 dpd -> current again (cures in April)
--   loan 3 (b): 92 dpd in January (NPL) -> 120 -> 150 -> closed
CREATE TABLE n_perf (loan_id bigint, month date, dpd integer, balance numeric, status text, segment text);
INSERT INTO n_perf VALUES
  (1, '2024-01-01', 0, 1000, 'open', 'a'), (1, '2024-02-01', 10, 1000, 'open', 'a'),
  (1, '2024-03-01', 95, 1000, 'open', 'a'), (1, '2024-04-01', NULL, 1000, 'written_off', 'a'),
  (2, '2024-01-01', 0, 2000, 'open', 'a'), (2, '2024-02-01', 0, 1800, 'open', 'a'),
  (2, '2024-03-01', 35, 1800, 'open', 'a'), (2, '2024-04-01', 0, 1400, 'open', 'a'),
  (3, '2024-01-01', 92, 500, 'open', 'b'), (3, '2024-02-01', 120, 500, 'open', 'b'),
  (3, '2024-03-01', 150, 500, 'open', 'b'), (3, '2024-04-01', 0, 0, 'closed', 'b');
SELECT * FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance, status, segment FROM n_perf');
-- by quarter: stocks at the quarter's last month with snapshots (March for Q1, April for Q2 so far)
SELECT period, as_of, segment, loans, balance, npl_balance, round(npl_ratio::numeric, 4) AS npl_ratio,
       entered_npl_loans, written_off_loans, written_off_balance, early_delinquency_rate, cure_rate
FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance, status, segment FROM n_perf', '{"period": "quarter"}');
-- NPL from 30 days; no segment column: one row per period
SELECT period, loans, npl_loans, npl_balance, entered_npl_loans
FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance, status FROM n_perf', '{"npl_dpd": 30, "period": "year"}');

-- Empty input, NULL arguments
SELECT count(*) FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance FROM n_perf WHERE false');
SELECT count(*) FROM loan_risk.npl_summary(NULL);

-- Against a plain-SQL reference on the generated book (data/portfolio/gen_book.sql).
\set ECHO none
\set n 600
\i data/portfolio/gen_book.sql
\set ECHO all
CREATE FUNCTION npl_reference(per text, npl_dpd int) RETURNS TABLE (
  period date, as_of date, segment text, loans bigint, balance numeric, delinquent_balance numeric,
  par30_balance numeric, npl_loans bigint, npl_balance numeric, npl_ratio float8, par30_ratio float8,
  entered_npl_loans bigint, entered_npl_balance numeric, written_off_loans bigint, written_off_balance numeric,
  early_delinquency_rate float8, cure_rate float8)
LANGUAGE sql AS $$
  WITH p AS (SELECT b.*, date_trunc(per, b.month)::date AS period,
                    lag(b.status) OVER (PARTITION BY b.loan_id ORDER BY b.month) AS prev_status
             FROM book_performance b),
  asof AS (SELECT period, max(month) AS as_of FROM p GROUP BY 1),
  g AS (SELECT DISTINCT p.period, a.as_of, p.segment FROM p JOIN asof a USING (period)),
  stock AS (
    SELECT p.period, p.segment, count(*) AS loans, sum(balance) AS balance,
           coalesce(sum(balance) FILTER (WHERE dpd >= 1), 0) AS delinquent,
           coalesce(sum(balance) FILTER (WHERE dpd >= 30), 0) AS par30,
           count(*) FILTER (WHERE dpd >= npl_dpd) AS npl_loans,
           coalesce(sum(balance) FILTER (WHERE dpd >= npl_dpd), 0) AS npl
    FROM p JOIN asof a ON a.period = p.period AND a.as_of = p.month
    WHERE p.status = 'open' GROUP BY 1, 2),
  pairs AS (
    SELECT b.period, b.segment, b.status, b.dpd, b.balance, a.dpd AS pdpd, a.balance AS pbal
    FROM p b JOIN book_performance a ON a.loan_id = b.loan_id AND a.month = (b.month - interval '1 month')::date
    WHERE a.status = 'open'),
  flows AS (
    SELECT period, segment,
           count(*) FILTER (WHERE pdpd < npl_dpd AND ((status = 'open' AND dpd >= npl_dpd) OR status = 'written_off')) AS entered_loans,
           coalesce(sum(balance) FILTER (WHERE pdpd < npl_dpd AND ((status = 'open' AND dpd >= npl_dpd) OR status = 'written_off')), 0) AS entered,
           sum(pbal) FILTER (WHERE pdpd = 0) AS cur_base,
           coalesce(sum(pbal) FILTER (WHERE pdpd = 0 AND ((status = 'open' AND dpd >= 1) OR status = 'written_off')), 0) AS cur_delinq,
           sum(pbal) FILTER (WHERE pdpd >= 30) AS cure_base,
           coalesce(sum(pbal) FILTER (WHERE pdpd >= 30 AND status = 'open' AND dpd = 0), 0) AS cure
    FROM pairs GROUP BY 1, 2),
  wo AS (
    SELECT period, segment, count(*) AS n, sum(balance) AS bal FROM p
    WHERE status = 'written_off' AND prev_status IS DISTINCT FROM 'written_off' GROUP BY 1, 2)
  SELECT g.period, g.as_of, g.segment, coalesce(s.loans, 0), coalesce(s.balance, 0), coalesce(s.delinquent, 0),
         coalesce(s.par30, 0), coalesce(s.npl_loans, 0), coalesce(s.npl, 0),
         CASE WHEN s.balance <> 0 THEN s.npl::float8 / s.balance::float8 END,
         CASE WHEN s.balance <> 0 THEN s.par30::float8 / s.balance::float8 END,
         coalesce(f.entered_loans, 0), coalesce(f.entered, 0), coalesce(w.n, 0), coalesce(w.bal, 0),
         CASE WHEN f.cur_base <> 0 THEN f.cur_delinq::float8 / f.cur_base::float8 END,
         CASE WHEN f.cure_base <> 0 THEN f.cure::float8 / f.cure_base::float8 END
  FROM g
  LEFT JOIN stock s ON s.period = g.period AND s.segment IS NOT DISTINCT FROM g.segment
  LEFT JOIN flows f ON f.period = g.period AND f.segment IS NOT DISTINCT FROM g.segment
  LEFT JOIN wo w ON w.period = g.period AND w.segment IS NOT DISTINCT FROM g.segment
$$;

SELECT o.per, o.npl_dpd, c.*
FROM (VALUES ('month', 90), ('quarter', 90), ('quarter', 60), ('year', 30)) o(per, npl_dpd)
CROSS JOIN LATERAL (
  WITH v AS (SELECT * FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance',
                                                 jsonb_build_object('period', o.per, 'npl_dpd', o.npl_dpd))),
       r AS (SELECT * FROM npl_reference(o.per, o.npl_dpd))
  SELECT (SELECT count(*) FROM v) AS rows,
         (SELECT count(*) FROM (SELECT period, as_of, segment, loans, balance, delinquent_balance, par30_balance, npl_loans,
                                       npl_balance, entered_npl_loans, entered_npl_balance, written_off_loans, written_off_balance FROM v
                                EXCEPT ALL
                                SELECT period, as_of, segment, loans, balance, delinquent_balance, par30_balance, npl_loans,
                                       npl_balance, entered_npl_loans, entered_npl_balance, written_off_loans, written_off_balance FROM r) e)
           AS not_in_reference,
         (SELECT count(*) FROM (SELECT period, as_of, segment, loans, balance, delinquent_balance, par30_balance, npl_loans,
                                       npl_balance, entered_npl_loans, entered_npl_balance, written_off_loans, written_off_balance FROM r
                                EXCEPT ALL
                                SELECT period, as_of, segment, loans, balance, delinquent_balance, par30_balance, npl_loans,
                                       npl_balance, entered_npl_loans, entered_npl_balance, written_off_loans, written_off_balance FROM v) e)
           AS missing,
         (SELECT bool_and(coalesce(abs(v.npl_ratio - r.npl_ratio) < 1e-12, v.npl_ratio IS NULL AND r.npl_ratio IS NULL)
                      AND coalesce(abs(v.par30_ratio - r.par30_ratio) < 1e-12, v.par30_ratio IS NULL AND r.par30_ratio IS NULL)
                      AND coalesce(abs(v.early_delinquency_rate - r.early_delinquency_rate) < 1e-12,
                                   v.early_delinquency_rate IS NULL AND r.early_delinquency_rate IS NULL)
                      AND coalesce(abs(v.cure_rate - r.cure_rate) < 1e-12, v.cure_rate IS NULL AND r.cure_rate IS NULL))
          FROM v JOIN r ON v.period = r.period AND v.segment = r.segment) AS ratios_ok,
         (SELECT round(max(npl_ratio)::numeric, 4) FROM v) AS max_npl_ratio) c;

-- again with 40 segments (and a NULL one)
UPDATE book_performance SET segment = CASE WHEN loan_id % 41 = 0 THEN NULL ELSE 'segment ' || loan_id % 41 END;
WITH v AS (SELECT * FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance',
                                               '{"period": "quarter"}')),
     r AS (SELECT * FROM npl_reference('quarter', 90))
SELECT (SELECT count(*) FROM v) AS rows, (SELECT count(DISTINCT segment) FROM v) AS segments,
       (SELECT count(*) FROM (SELECT period, as_of, segment, loans, balance, npl_balance, entered_npl_loans, written_off_balance FROM v
                              EXCEPT ALL
                              SELECT period, as_of, segment, loans, balance, npl_balance, entered_npl_loans, written_off_balance FROM r) e)
         AS differences;
UPDATE book_performance p SET segment = l.segment FROM book_loans l WHERE l.id = p.loan_id;

-- the shock of 2022 shows in the quarterly NPL ratio of the whole book (balances add up across segments)
SELECT period, round(sum(npl_balance) / sum(balance), 4) AS npl_ratio, sum(entered_npl_loans) AS entered_npl,
       sum(written_off_loans) AS written_off
FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance', '{"period": "quarter"}')
GROUP BY period ORDER BY period;

-- Errors
SELECT * FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance FROM n_perf', '{"period": "week"}');
SELECT * FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance FROM n_perf', '{"npl_dpd": -1}');
SELECT * FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance FROM n_perf', '{"dpd_buckets": [1]}');
SELECT * FROM loan_risk.npl_summary('SELECT loan_id, month::timestamptz, dpd, balance FROM n_perf');
SELECT * FROM loan_risk.npl_summary('SELECT loan_id, month, dpd::numeric, balance FROM n_perf');

-- loan_risk.apr(amount, paid_on): the annual percentage rate of a loan's
-- dated cash flows by internal rate of return, actual/365 like XIRR:
-- sum amount_k (1 + r)^(-(day_k - first day) / 365) = 0.  Money lent is
-- negative, repayments and fees paid by the borrower positive.
--
-- Reference values: scipy.optimize.brentq (SciPy 1.10.1, Debian 12's
-- python3-scipy) on the same equation with xtol = rtol = 1e-15.

-- The flat-rate example as dated flows: 1000 lent on 2024-01-15, 11 x 88.33
-- and 88.37 on the 15th of each month: about 11% (scipy: 0.11449942079436308).
CREATE TABLE flows (loan int, amount numeric, paid_on date);
INSERT INTO flows
SELECT 1, -1000, '2024-01-15'
UNION ALL
SELECT 1, CASE WHEN k = 12 THEN 88.37 ELSE 88.33 END, ('2024-01-15'::date + make_interval(months => k))::date
FROM generate_series(1, 12) k;
SELECT loan_risk.apr(amount, paid_on), abs(loan_risk.apr(amount, paid_on) - 0.11449942079436308) < 1e-10 AS matches_scipy
FROM flows WHERE loan = 1;

-- A 14-day payday loan of 100 repaid with 115 (scipy: 37.23661244760883;
-- closed form 1.15^(365/14) - 1).
INSERT INTO flows VALUES (2, -100, '2024-03-01'), (2, 115, '2024-03-15');
-- A fee paid on the day of disbursement, then 12 monthly payments of 900 (scipy: 0.1993817595490645).
INSERT INTO flows SELECT 3, -10000, '2024-01-01'::date UNION ALL SELECT 3, 200, '2024-01-01'
UNION ALL SELECT 3, 900, ('2024-01-01'::date + make_interval(months => k))::date FROM generate_series(1, 12) k;
-- Irregular repayments (scipy: 0.1787504824059478).
INSERT INTO flows VALUES (4, -5000, '2023-06-10'), (4, 1000, '2023-09-01'), (4, 1500, '2024-01-20'), (4, 3200, '2024-07-07');
-- A loss: 900 back on 1000 after 366 days (scipy: -0.09974087947001788; 0.9^(365/366) - 1).
INSERT INTO flows VALUES (5, -1000, '2024-01-01'), (5, 900, '2025-01-01');
-- Two sign changes, two rates (12.7% and 88.7%): the one nearest 0,
-- exactly 4200 / (3000 + sqrt(600000)) - 1 (whole years of 365 days).
INSERT INTO flows VALUES (6, -1000, '2021-01-01'), (6, 3000, '2022-01-01'), (6, -2100, '2023-01-01');

SELECT loan, loan_risk.apr(amount, paid_on) AS apr,
       abs(loan_risk.apr(amount, paid_on) - (ARRAY[0.11449942079436308, 37.23661244760883, 0.1993817595490645,
           0.1787504824059478, -0.09974087947001788, 0.11270166537925831])[loan]) < 1e-10 * greatest(1, abs((ARRAY[0.11449942079436308, 37.23661244760883, 0.1993817595490645,
           0.1787504824059478, -0.09974087947001788, 0.11270166537925831])[loan])) AS matches_reference
FROM flows GROUP BY loan ORDER BY loan;
SELECT abs(loan_risk.apr(amount, paid_on) - (power(1.15, 365.0 / 14) - 1)) < 1e-8 AS payday_closed_form FROM flows WHERE loan = 2;

-- The order of rows does not matter, nor does splitting a date's flows.
SELECT loan_risk.apr(amount, paid_on ORDER BY paid_on DESC) = loan_risk.apr(amount, paid_on) AS order_free FROM flows WHERE loan = 3;
SELECT loan_risk.apr(a, d) AS split_flows
FROM (VALUES (-600::numeric, '2024-01-01'::date), (-400, '2024-01-01'), (550, '2025-01-01'), (550, '2025-01-01')) v(a, d);

-- NULL rows are skipped; no rows or only NULLs give NULL.
SELECT loan_risk.apr(a, d) AS with_nulls
FROM (VALUES (-1000::numeric, '2024-01-01'::date), (NULL, '2024-06-01'), (500, NULL), (1100, '2025-01-01')) v(a, d);
SELECT loan_risk.apr(amount, paid_on) IS NULL AS empty_is_null FROM flows WHERE false;
SELECT loan_risk.apr(NULL::numeric, NULL::date) IS NULL AS nulls_only;

-- Errors: flows that do not change sign, all on one date, no rate; bad input.
SELECT loan_risk.apr(a, d) FROM (VALUES (100::numeric, '2024-01-01'::date), (200, '2024-02-01')) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES (-100::numeric, '2024-01-01'::date), (-200, '2024-02-01')) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES (0::numeric, '2024-01-01'::date), (0, '2024-02-01')) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES (-1000::numeric, '2024-01-01'::date), (1100, '2024-01-01')) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES (-100::numeric, '2021-01-01'::date), (300, '2022-01-01'), (-250, '2023-01-01')) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES ('NaN'::numeric, '2024-01-01'::date)) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES ('-Infinity'::numeric, '2024-01-01'::date)) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES (1e14::numeric, '2024-01-01'::date)) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES (-100::numeric, 'infinity'::date)) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES (-100::numeric, '-infinity'::date)) v(a, d);
-- A rate beyond the searched range (1e13 back on 1 after a day, (10^13)^365 - 1).
SELECT loan_risk.apr(a, d) FROM (VALUES (-1::numeric, '2024-01-01'::date), (1e13, '2024-01-02')) v(a, d);
-- Far apart dates are fine.
SELECT loan_risk.apr(a, d) AS century FROM (VALUES (-1::numeric, '1924-01-01'::date), (2, '2024-01-01')) v(a, d);

-- Generated loans: schedules with dates and fees; the rate found is a root of
-- the XIRR equation to 1e-9 (NPV / slope in plain SQL float8).
CREATE TABLE gen_flows AS
WITH loans AS (
  SELECT i AS loan,
         round(500 + ((hashint4(i) & 2147483647) % 5000000) / 100.0, 2) AS principal,
         (1 + (hashint4(i * 3 + 1) & 2147483647) % 60000) / 100000.0 AS rate,
         1 + (hashint4(i * 7 + 2) & 2147483647) % 36 AS term,
         (ARRAY['equal_installment', 'equal_principal', 'interest_only', 'flat'])[1 + i % 4] AS method,
         '2021-01-01'::date + (hashint4(i * 11) & 1023) AS start
  FROM generate_series(1, 2000) i)
SELECT loan, -principal AS amount, start AS paid_on FROM loans
UNION ALL SELECT loan, round(principal * 0.01, 2), start FROM loans WHERE loan % 3 = 0
UNION ALL SELECT l.loan, s.payment, s.due_date
FROM loans l, LATERAL loan_risk.repayment_schedule(l.principal, l.rate, l.term, l.method, l.start) s;
CREATE TABLE gen_apr AS SELECT loan, loan_risk.apr(amount, paid_on) AS r FROM gen_flows GROUP BY loan;
SELECT count(*) AS loans,
       count(*) FILTER (WHERE abs(npv / slope) >= 1e-9) AS not_a_root_to_1e_9
FROM (SELECT f.loan,
             sum(f.amount::float8 * power(1 + a.r::float8, -(f.paid_on - m.first) / 365.0)) AS npv,
             sum((f.paid_on - m.first) / 365.0 * f.amount::float8 * power(1 + a.r::float8, -(f.paid_on - m.first) / 365.0 - 1)) AS slope
      FROM gen_flows f JOIN gen_apr a USING (loan)
      JOIN (SELECT loan, min(paid_on) AS first FROM gen_flows GROUP BY loan) m USING (loan)
      GROUP BY f.loan) g;

-- State text form round-trips exactly, and _partial/_merge give the one-pass answer.
SELECT loan_risk.apr_partial(amount, paid_on)::text::loan_risk.apr_state::text
     = loan_risk.apr_partial(amount, paid_on)::text AS state_round_trip FROM flows WHERE loan = 3;
SELECT loan_risk.apr_merge(s) = (SELECT loan_risk.apr(amount, paid_on) FROM flows WHERE loan = 3) AS merged
FROM (SELECT loan_risk.apr_partial(amount, paid_on) s FROM flows WHERE loan = 3 GROUP BY extract(month FROM paid_on)) p;
SELECT loan, loan_risk.apr_merge(s) AS merged_by_loan
FROM (SELECT loan, loan_risk.apr_partial(amount, paid_on) s FROM flows GROUP BY loan, paid_on < '2024-02-01') p
GROUP BY loan ORDER BY loan;

-- A state typed by hand, and malformed states: errors, never crashes.
-- (-1000 on 2000-01-01, +1100 on 2001-01-01: 1.1^(365/366) - 1)
SELECT loan_risk.apr_final(replace(encode(decode('5041524c010000000200000000000000000000000000000000408fc06e0100000000000000309140', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state) AS hand_typed;
SELECT replace(encode(decode('5041524c010000000200000000000000000000000000000000408fc06e0100000000000000309140', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state IS NOT NULL AS valid;
SELECT 'not base64!'::loan_risk.apr_state;
SELECT ''::loan_risk.apr_state;
SELECT replace(encode(decode('3142524c010000000200000000000000000000000000000000408fc06e0100000000000000309140', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state AS wrong_magic;
SELECT replace(encode(decode('5041524c010000000200000000000000000000000000000000408fc06e01000000000000003091', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state AS truncated;
SELECT replace(encode(decode('5041524c010000000200000000000000000000000000000000408fc06e010000000000000030914000', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state AS trailing;
SELECT replace(encode(decode('5041524c010000000300000000000000000000000000000000408fc06e0100000000000000309140', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state AS count_too_big;
SELECT replace(encode(decode('5041524c010000000200000000000000000000000000000000408fc0ffffff7f0000000000309140', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state AS infinite_day;
SELECT replace(encode(decode('5041524c010000000200000000000000000000000000000000408fc06e010000000000000000f87f', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state AS nan_amount;
SELECT replace(encode(decode('5041524c020000000200000000000000000000000000000000408fc06e0100000000000000309140', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state AS version2;
SELECT replace(encode(decode('5041524c010001000200000000000000000000000000000000408fc06e0100000000000000309140', 'hex'), 'base64'), E'\n', '')::loan_risk.apr_state AS flags;

-- Parallel: partial aggregation in workers, combined in the leader, equals serial exactly.
ALTER TABLE gen_flows SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT loan_risk.apr(amount, paid_on) FROM gen_flows WHERE loan = 7;
SELECT loan_risk.apr(amount, paid_on) AS r FROM gen_flows WHERE loan = 7 \gset par_
EXPLAIN (COSTS OFF) SELECT loan, loan_risk.apr(amount, paid_on) FROM gen_flows GROUP BY loan;
CREATE TABLE par_apr AS SELECT loan, loan_risk.apr(amount, paid_on) AS r FROM gen_flows GROUP BY loan;
SET max_parallel_workers_per_gather = 0;
SELECT :par_r = loan_risk.apr(amount, paid_on) AS parallel_equals_serial FROM gen_flows WHERE loan = 7;
SELECT count(*) AS loans, count(*) FILTER (WHERE p.r IS DISTINCT FROM g.r) AS differ
FROM par_apr p JOIN gen_apr g USING (loan);

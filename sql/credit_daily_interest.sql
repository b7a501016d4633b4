-- loan_risk.daily_interest(amount, on_date, daily_rate, as_of): interest of a
-- revolving line.  Draws are positive, repayments negative.  Each day from
-- the first event up to, but not including, as_of accrues daily_rate on the
-- balance at the end of that day (after its events); a credit balance accrues
-- nothing.  The exact total is rounded once to the cent, half away from zero.

-- By hand: 1000 drawn on Jan 1, 500 repaid on Jan 11, accrued to Jan 31 at
-- 0.1% a day: 1000 x 10 days + 500 x 20 days = 20000 balance-days -> 20.00.
SELECT loan_risk.daily_interest(a, d, 0.001, '2024-01-31')
FROM (VALUES (1000::numeric, '2024-01-01'::date), (-500, '2024-01-11')) v(a, d);

-- Drawn and repaid the same day: the end-of-day balance is 0, no interest.
SELECT loan_risk.daily_interest(a, d, 0.001, '2024-01-31')
FROM (VALUES (1000::numeric, '2024-01-05'::date), (-1000, '2024-01-05')) v(a, d);
-- Overpaid: the credit balance accrues nothing (1000 x 4 days, then -200).
SELECT loan_risk.daily_interest(a, d, 0.001, '2024-01-31')
FROM (VALUES (1000::numeric, '2024-01-01'::date), (-1200, '2024-01-05')) v(a, d);
-- Events on or after as_of do not accrue (1000 x 30 days only).
SELECT loan_risk.daily_interest(a, d, 0.001, '2024-01-31')
FROM (VALUES (1000::numeric, '2024-01-01'::date), (5000, '2024-01-31'), (7000, '2024-02-15')) v(a, d);
-- as_of on or before the first event: nothing accrued yet.
SELECT loan_risk.daily_interest(a, d, 0.001, '2024-01-01')
FROM (VALUES (1000::numeric, '2024-01-01'::date)) v(a, d);
-- Rounded once: 10.00 for 3 days at 0.05% a day is 0.015 -> 0.02 (rounding
-- each day's 0.005 would charge 0.03).
SELECT loan_risk.daily_interest(a, d, 0.0005, '2024-01-04')
FROM (VALUES (10::numeric, '2024-01-01'::date)) v(a, d);
-- An annual rate of 20% on actual/365: daily_rate = 0.20 / 365; 10000 for
-- 31 days = 10000 * 0.2 * 31 / 365 = 169.863... -> 169.86.
SELECT loan_risk.daily_interest(a, d, 0.20 / 365, '2024-02-01')
FROM (VALUES (10000::numeric, '2024-01-01'::date)) v(a, d);

-- NULL rows are skipped; no rows give NULL.
SELECT loan_risk.daily_interest(a, d, r, '2024-01-31')
FROM (VALUES (1000::numeric, '2024-01-01'::date, 0.001), (NULL, '2024-01-11', 0.001), (-500, NULL, 0.001),
             (-500, '2024-01-11', NULL)) v(a, d, r);
SELECT loan_risk.daily_interest(1::numeric, current_date, 0.001, current_date) IS NULL AS empty_is_null WHERE false;

-- Errors.
SELECT loan_risk.daily_interest(a, d, r, '2024-01-31')
FROM (VALUES (1000::numeric, '2024-01-01'::date, 0.001), (-500, '2024-01-11', 0.002)) v(a, d, r);
SELECT loan_risk.daily_interest(a, d, 0.001, s)
FROM (VALUES (1000::numeric, '2024-01-01'::date, '2024-01-31'::date), (-500, '2024-01-11', '2024-02-29')) v(a, d, s);
SELECT loan_risk.daily_interest(1000, '2024-01-01', -0.001, '2024-01-31');
SELECT loan_risk.daily_interest(1000, '2024-01-01', 1.5, '2024-01-31');
SELECT loan_risk.daily_interest(1000, '2024-01-01', 'NaN', '2024-01-31');
SELECT loan_risk.daily_interest('NaN', '2024-01-01', 0.001, '2024-01-31');
SELECT loan_risk.daily_interest(1e14, '2024-01-01', 0.001, '2024-01-31');
SELECT loan_risk.daily_interest(1000, 'infinity', 0.001, '2024-01-31');
SELECT loan_risk.daily_interest(1000, '2024-01-01', 0.001, '-infinity');
-- Boundaries: the largest amount at 100% a day for a century (36525 days), and the smallest.
SELECT loan_risk.daily_interest(10000000000000, '1924-01-01', 1, '2024-01-01');
SELECT loan_risk.daily_interest(0.01, '2024-01-01', 0.000000000000000001, '2024-01-02');

-- Generated revolving lines against a plain-SQL day-by-day reference.
CREATE TABLE line_events AS
SELECT (i % 300) + 1 AS line,
       CASE WHEN hashint4(i * 5) % 3 = 0 THEN -1 ELSE 1 END * round(((hashint4(i) & 2147483647) % 500000) / 100.0, 2) AS amount,
       '2024-01-01'::date + (hashint4(i * 13) & 2147483647) % 200 AS on_date,
       (1 + (i % 300) % 7) / 10000.0 AS daily_rate
FROM generate_series(1, 6000) i;
CREATE TABLE line_interest AS
SELECT line, loan_risk.daily_interest(amount, on_date, daily_rate, '2024-06-01') AS interest
FROM line_events GROUP BY line;
SELECT count(*) AS lines, count(*) FILTER (WHERE i.interest <> r.interest) AS mismatches,
       sum(i.interest) > 0 AS accrued
FROM line_interest i
JOIN (SELECT line, round(sum(greatest(bal, 0) * rate), 2) AS interest
      FROM (SELECT l.line, l.rate, day,
                   sum(coalesce(n.net, 0)) OVER (PARTITION BY l.line ORDER BY day) AS bal
            FROM (SELECT line, min(on_date) AS first, min(daily_rate) AS rate FROM line_events GROUP BY line) l
            CROSS JOIN LATERAL generate_series(l.first, '2024-05-31'::date, '1 day') day
            LEFT JOIN (SELECT line, on_date, sum(amount) AS net FROM line_events GROUP BY line, on_date) n
              ON n.line = l.line AND n.on_date = day::date) b
      GROUP BY line) r USING (line);

-- State text round trip; _partial/_merge equals one pass; hand-typed and malformed states.
SELECT loan_risk.daily_interest_partial(amount, on_date, daily_rate, '2024-06-01')::text::loan_risk.daily_interest_state::text
     = loan_risk.daily_interest_partial(amount, on_date, daily_rate, '2024-06-01')::text AS state_round_trip
FROM line_events WHERE line = 5;
SELECT count(*) AS lines, count(*) FILTER (WHERE m.interest <> i.interest) AS differ
FROM (SELECT line, loan_risk.daily_interest_merge(s) AS interest
      FROM (SELECT line, loan_risk.daily_interest_partial(amount, on_date, daily_rate, '2024-06-01') s
            FROM line_events GROUP BY line, on_date < '2024-03-01') p GROUP BY line) m
JOIN line_interest i USING (line);
-- (0.001 a day, as_of day 30; 1000.00 on day 0, -500.00 on day 10: 20.00)
SELECT loan_risk.daily_interest_final(replace(encode(decode('4944524c01000000010080c6a47e8d030000000000000000001e000000020000000000000000000000a0860100000000000a000000b03cffffffffffff', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state) AS hand_typed;
SELECT loan_risk.daily_interest_final(replace(encode(decode('4944524c010000000000000000000000000000000000000000000000000000000000000000', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state) IS NULL AS empty_state;
SELECT replace(encode(decode('4944524c01000000020080c6a47e8d030000000000000000001e000000010000000000000000000000a086010000000000', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state AS bad_flag;
SELECT replace(encode(decode('4944524c01000000000000000000000000000000000000000000000000010000000000000000000000a086010000000000', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state AS events_without_rate;
SELECT replace(encode(decode('4944524c01000000010000c84e676dc11b00000000000000001e000000010000000000000000000000a086010000000000', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state AS rate_too_high;
SELECT replace(encode(decode('4944524c0100000001ffffffffffffffffffffffffffffffff1e000000010000000000000000000000a086010000000000', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state AS negative_rate;
SELECT replace(encode(decode('4944524c01000000010080c6a47e8d03000000000000000000ffffff7f010000000000000000000000a086010000000000', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state AS infinite_as_of;
SELECT replace(encode(decode('4944524c01000000010080c6a47e8d030000000000000000001e0000000100000000000000a697daffa086010000000000', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state AS day_before_4713bc;
SELECT replace(encode(decode('4944524c01000000010080c6a47e8d030000000000000000001e0000000100000000000000000000000180c6a47e8d0300', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state AS amount_too_big;
SELECT replace(encode(decode('4944524c01000000010080c6a47e8d030000000000000000001e000000020000000000000000000000a086010000000000', 'hex'), 'base64'), E'\n', '')::loan_risk.daily_interest_state AS count_too_big;

-- Parallel: partial aggregation in workers equals serial, per line and overall.
ALTER TABLE line_events SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT line, loan_risk.daily_interest(amount, on_date, daily_rate, '2024-06-01') FROM line_events GROUP BY line;
CREATE TABLE par_interest AS
SELECT line, loan_risk.daily_interest(amount, on_date, daily_rate, '2024-06-01') AS interest FROM line_events GROUP BY line;
EXPLAIN (COSTS OFF) SELECT loan_risk.daily_interest(amount, on_date, 0.001, '2024-06-01') FROM line_events;
SELECT loan_risk.daily_interest(amount, on_date, 0.001, '2024-06-01') AS i FROM line_events \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FILTER (WHERE p.interest <> i.interest) AS parallel_differs FROM par_interest p JOIN line_interest i USING (line);
SELECT :par_i = loan_risk.daily_interest(amount, on_date, 0.001, '2024-06-01') AS parallel_equals_serial FROM line_events;

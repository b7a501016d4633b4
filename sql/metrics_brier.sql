-- loan_risk.brier: the Brier score, mean of (pd - outcome)^2.

-- Hand-computed: (0.1-0)^2 + (0.8-1)^2 + (0.5-0)^2 + (0.3-1)^2 = 0.01+0.04+0.25+0.49 = 0.79; / 4 = 0.1975
SELECT round(loan_risk.brier(pd, bad)::numeric, 12) AS brier
FROM (VALUES (0.1, false), (0.8, true), (0.5, false), (0.3, true)) v(pd, bad);
SELECT round(loan_risk.brier(pd, bad)::numeric, 12) AS brier_int
FROM (VALUES (0.1, 0), (0.8, 1), (0.5, 0), (0.3, 1)) v(pd, bad);

-- NULL pd or outcome rows are skipped; no rows (or only NULLs) give NULL.
SELECT loan_risk.brier(pd, bad) AS brier
FROM (VALUES (0.25::float8, true), (NULL, false), (0.5, NULL)) v(pd, bad);
SELECT loan_risk.brier(pd, bad) IS NULL AS empty_is_null FROM (SELECT 0.5::float8 pd, true bad) v WHERE false;
SELECT loan_risk.brier(NULL::float8, NULL::boolean) IS NULL AS nulls_only;

-- Out of range and NaN probabilities, and outcomes other than 0/1, are errors.
SELECT loan_risk.brier(pd, true) FROM (VALUES (1.5::float8)) v(pd);
SELECT loan_risk.brier(pd, true) FROM (VALUES ('NaN'::float8)) v(pd);
SELECT loan_risk.brier(pd, true) FROM (VALUES ('-Infinity'::float8)) v(pd);
SELECT loan_risk.brier(0.5::float8, 2);

-- GROUP BY and a window.
SELECT g, round(loan_risk.brier(pd, bad)::numeric, 12) AS brier
FROM (VALUES (1, 0.2, false), (1, 0.4, true), (2, 0.9, true)) v(g, pd, bad) GROUP BY g ORDER BY g;
SELECT i, round(loan_risk.brier(pd, bad) OVER (ORDER BY i)::numeric, 12) AS running
FROM (VALUES (1, 0.2, false), (2, 0.4, true), (3, 0.9, true)) v(i, pd, bad) ORDER BY i;

-- Against the plain-SQL definition on generated data.
CREATE TABLE brier_data AS
SELECT i, (hashint4(i) & 1023) / 1023.0::float8 AS pd,
       ((hashint4(i * 7 + 1) & 1023) / 1023.0 < (hashint4(i) & 1023) / 1023.0) AS bad
FROM generate_series(1, 100000) i;
SELECT abs(loan_risk.brier(pd, bad) - avg((pd - bad::int) ^ 2)) < 1e-12 AS matches_sql FROM brier_data;

-- State text form round-trips exactly, and _partial/_merge give the one-pass answer.
SELECT loan_risk.brier_partial(pd, bad)::text::loan_risk.brier_state::text
     = loan_risk.brier_partial(pd, bad)::text AS state_round_trip FROM brier_data;
SELECT loan_risk.brier_merge(s) = (SELECT loan_risk.brier(pd, bad) FROM brier_data) AS merged
FROM (SELECT loan_risk.brier_partial(pd, bad) s FROM brier_data GROUP BY i % 3) p;
SELECT abs(loan_risk.brier_merge(s) - (SELECT loan_risk.brier(pd, bad) FROM brier_data)) < 1e-15 AS merged_int
FROM (SELECT loan_risk.brier_partial(pd, bad::int) s FROM brier_data GROUP BY i % 3) p;

-- Malformed states are errors, never crashes.
SELECT 'not base64!'::loan_risk.brier_state;
-- One text per state: bits after the last byte, or text after the padding, are not base64 of it.
SELECT 'AAB='::loan_risk.brier_state;
SELECT 'AA=A'::loan_risk.brier_state;
SELECT 'AA==AAAA'::loan_risk.brier_state;
SELECT ''::loan_risk.brier_state;
SELECT 'AAAA'::loan_risk.brier_state;
SELECT encode('\x4c524231010000000100000000000000000000000000f03f0000000000000000'::bytea, 'base64')::loan_risk.brier_state AS wrong_magic;
SELECT encode('\x3142524c010000000100000000000000000000000000f03f00000000000000'::bytea, 'base64')::loan_risk.brier_state AS truncated;
SELECT encode('\x3142524c010000000100000000000000000000000000f03f000000000000000000'::bytea, 'base64')::loan_risk.brier_state AS trailing;
SELECT encode('\x3142524c0100000001000000000000000000000000002440000000000000000000'::bytea, 'base64')::loan_risk.brier_state AS sum_over_n;
SELECT encode('\x3142524c020000000100000000000000000000000000f03f0000000000000000'::bytea, 'base64')::loan_risk.brier_state AS version2;
SELECT loan_risk.brier_final(encode('\x3142524c010000000400000000000000000000000000f03f0000000000000000'::bytea, 'base64')::loan_risk.brier_state) AS hand_typed_state;

-- Parallel: partial aggregation in workers, combined in the leader, equals serial.
ALTER TABLE brier_data SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.brier(pd, bad) FROM brier_data;
SELECT loan_risk.brier(pd, bad) AS b FROM brier_data \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT abs(:par_b - loan_risk.brier(pd, bad)) < 1e-15 AS parallel_equals_serial FROM brier_data;

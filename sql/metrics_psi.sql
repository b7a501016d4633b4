-- loan_risk.psi / csi: population stability of actual rows (is_actual = true) against baseline
-- rows (is_actual = false), over given buckets or over equal-frequency bins of the baseline.
-- PSI = sum over buckets (a - e) ln(a / e), a and e the shares of actual and baseline rows.

-- Hand-computed: baseline 50/30/20, actual 40/40/20 over bands A/B/C:
-- (0.4 - 0.5) ln(0.4 / 0.5) + (0.4 - 0.3) ln(0.4 / 0.3) + 0 = 0.0223144 + 0.0287682 = 0.0510826
SELECT round(loan_risk.psi(band, is_actual)::numeric, 7) AS psi
FROM (SELECT 'A' AS band, false AS is_actual FROM generate_series(1, 50)
      UNION ALL SELECT 'B', false FROM generate_series(1, 30) UNION ALL SELECT 'C', false FROM generate_series(1, 20)
      UNION ALL SELECT 'A', true FROM generate_series(1, 40) UNION ALL SELECT 'B', true FROM generate_series(1, 40)
      UNION ALL SELECT 'C', true FROM generate_series(1, 20)) v;

-- Empty cells: a bucket with no baseline or no actual rows gets 0.5 added to both counts.
-- Baseline A 2, B 2; actual A 4: B becomes 2.5 / 0.5, shares over 4.5 each:
-- (4 - 2) / 4.5 * ln(4 / 2) + (0.5 - 2.5) / 4.5 * ln(0.5 / 2.5) = (2 / 4.5) (ln 2 + ln 5) = 1.0233712
SELECT round(loan_risk.psi(band, is_actual)::numeric, 7) AS psi_smoothed
FROM (VALUES ('A', false), ('A', false), ('B', false), ('B', false),
             ('A', true), ('A', true), ('A', true), ('A', true)) v(band, is_actual);

-- Same distribution: 0.  NULL rows skipped.  No baseline or no actual rows: NULL.
SELECT loan_risk.psi(band, is_actual) AS same
FROM (VALUES ('A', false), ('B', false), ('A', true), ('B', true), (NULL, true), ('C', NULL)) v(band, is_actual);
SELECT loan_risk.psi(band, true) IS NULL AS no_baseline, loan_risk.psi(band, false) IS NULL AS no_actual
FROM (VALUES ('A'), ('B')) v(band);
SELECT loan_risk.psi(NULL::text, true) IS NULL AS nulls_only,
       loan_risk.psi(band, is_actual) IS NULL AS no_rows FROM (SELECT 'A', true) v(band, is_actual) WHERE false;

-- Against the plain-SQL definition on generated data (ten score bands of uneven size, a band seen
-- only in the baseline and one only in the actual period, NULLs).
CREATE TABLE psi_data AS
SELECT i, i % 3 = 0 AS is_actual,
       CASE WHEN i % 97 = 0 THEN NULL
            WHEN i % 1009 = 0 AND i % 3 <> 0 THEN 'Z'
            WHEN i % 1013 = 0 AND i % 3 = 0 THEN 'Y'
            ELSE chr(65 + ((hashint4(i) & 1023) * (hashint4(i) & 1023) / 104858 + (i % 3 = 0)::int) % 10) END AS band,
       CASE WHEN i % 89 = 0 THEN NULL
            WHEN i % 211 = 0 THEN 'NaN'::float8 WHEN i % 223 = 0 THEN 'Infinity' WHEN i % 227 = 0 THEN '-Infinity'
            ELSE round(((hashint4(i) & 65535) / 655.36 + (i % 3 = 0)::int * 7)::numeric, 1)::float8 END AS v
FROM generate_series(1, 30000) i;

CREATE FUNCTION psi_sql_buckets() RETURNS numeric LANGUAGE sql AS $$
  WITH c AS (SELECT band, count(*) FILTER (WHERE NOT is_actual) AS e, count(*) FILTER (WHERE is_actual) AS a
             FROM psi_data WHERE band IS NOT NULL AND is_actual IS NOT NULL GROUP BY 1),
  s AS (SELECT band, CASE WHEN e = 0 OR a = 0 THEN e + 0.5 ELSE e END AS e, CASE WHEN e = 0 OR a = 0 THEN a + 0.5 ELSE a END AS a FROM c),
  t AS (SELECT e / sum(e) OVER () AS pe, a / sum(a) OVER () AS pa FROM s)
  SELECT sum((pa - pe) * ln(pa / pe)) FROM t $$;
-- Bins: baseline values by mean rank into k groups (ties kept together); a value goes to the first
-- bin whose largest baseline value is at or above it, or to the last bin.
CREATE FUNCTION psi_sql_bins(k int) RETURNS numeric LANGUAGE sql AS $$
  WITH b AS (SELECT v, count(*) AS c FROM psi_data WHERE NOT is_actual AND v IS NOT NULL GROUP BY v),
  r AS (SELECT v, c, sum(c) OVER (ORDER BY v) - c AS start, sum(c) OVER () AS n FROM b),
  bn AS (SELECT v, floor((2 * start + c + 1) * k / (2 * (n + 1)))::int AS bin FROM r),
  edges AS (SELECT bin, max(v) AS hi FROM bn GROUP BY bin),
  rw AS (SELECT d.is_actual, coalesce((SELECT min(bin) FROM edges WHERE d.v <= edges.hi),
                                      (SELECT max(bin) FROM edges)) AS bin
         FROM psi_data d WHERE d.v IS NOT NULL AND d.is_actual IS NOT NULL),
  c AS (SELECT bin, count(*) FILTER (WHERE NOT is_actual) AS e, count(*) FILTER (WHERE is_actual) AS a FROM rw GROUP BY 1),
  s AS (SELECT CASE WHEN e = 0 OR a = 0 THEN e + 0.5 ELSE e END AS e, CASE WHEN e = 0 OR a = 0 THEN a + 0.5 ELSE a END AS a FROM c),
  t AS (SELECT e / sum(e) OVER () AS pe, a / sum(a) OVER () AS pa FROM s)
  SELECT sum((pa - pe) * ln(pa / pe)) FROM t $$;

SELECT abs(loan_risk.psi(band, is_actual) - psi_sql_buckets()) < 1e-12 AS psi_buckets,
       abs(loan_risk.psi(v, is_actual, 10) - psi_sql_bins(10)) < 1e-12 AS psi_bins_10,
       abs(loan_risk.psi(v, is_actual, 7) - psi_sql_bins(7)) < 1e-12 AS psi_bins_7,
       abs(loan_risk.psi(v, is_actual, 200) - psi_sql_bins(200)) < 1e-12 AS psi_bins_200
FROM psi_data;
SELECT round(loan_risk.psi(band, is_actual)::numeric, 6) AS psi_buckets,
       round(loan_risk.psi(v, is_actual, 10)::numeric, 6) AS psi_bins_10
FROM psi_data;

-- CSI is the same computation over a feature's bins.
SELECT loan_risk.csi(band, is_actual) = loan_risk.psi(band, is_actual) AS csi_buckets,
       loan_risk.csi(v, is_actual, 10) = loan_risk.psi(v, is_actual, 10) AS csi_bins
FROM psi_data;

-- Bins from the baseline: actual values below, between and above the baseline values.
-- Baseline 1..4 in 2 bins: {1, 2} and {3, 4}; actual 0 and 2.5 -> bins 1 and 2, 9 -> bin 2:
-- baseline 2 / 2, actual 1 / 2: (1/3 - 1/2) ln(2/3) + (2/3 - 1/2) ln(4/3) = 0.0675775 + 0.0479470 = 0.1155245
SELECT round(loan_risk.psi(v, a, 2)::numeric, 7) AS psi_bins
FROM (VALUES (1, false), (2, false), (3, false), (4, false), (0, true), (2.5, true), (9, true)) x(v, a);
-- NaN is the highest value, so an actual NaN lands in the last bin; -Infinity in the first.
SELECT round(loan_risk.psi(v, a, 2)::numeric, 7) AS psi_nan
FROM (VALUES (1, false), (2, false), (3, false), (4, false), ('-Infinity', true), (2.5, true), ('NaN', true)) x(v, a);
SELECT loan_risk.psi(v, a, 3) IS NULL AS no_actual FROM (VALUES (1, false), (2, false)) x(v, a);
SELECT loan_risk.psi(v, a, 3) = 0 AS identical FROM (VALUES (1, false), (2, false), (1, true), (2, true)) x(v, a);

-- Errors: the number of bins.
SELECT loan_risk.psi(1.0, true, 0);
SELECT loan_risk.psi(1.0, true, NULL);

-- _partial / _merge for both forms: exactly the one-pass value.
SELECT loan_risk.psi_merge(s) = (SELECT loan_risk.psi(band, is_actual) FROM psi_data) AS buckets_merged
FROM (SELECT loan_risk.psi_partial(band, is_actual) s FROM psi_data GROUP BY i % 4) p;
SELECT loan_risk.psi_merge(s) = (SELECT loan_risk.psi(v, is_actual, 10) FROM psi_data) AS bins_merged
FROM (SELECT loan_risk.psi_partial(v, is_actual, 10) s FROM psi_data GROUP BY i % 4) p;
SELECT loan_risk.psi_partial(band, is_actual)::text::loan_risk.bucket_dist_state::text
     = loan_risk.psi_partial(band, is_actual)::text AS state_round_trip FROM psi_data;
-- A psi state merged in another order encodes the same bytes (buckets are written in label order).
SELECT (SELECT loan_risk.psi_partial(band, is_actual) FROM (SELECT * FROM psi_data ORDER BY i DESC) d)::text
     = (SELECT loan_risk.psi_partial(band, is_actual) FROM psi_data)::text AS canonical_text;

-- Parallel equals serial.
ALTER TABLE psi_data SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.psi(band, is_actual) FROM psi_data;
SELECT loan_risk.psi(band, is_actual) AS b, loan_risk.psi(v, is_actual, 10) AS v FROM psi_data \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT :par_b = loan_risk.psi(band, is_actual) AS buckets_parallel_equals_serial,
       :par_v = loan_risk.psi(v, is_actual, 10) AS bins_parallel_equals_serial
FROM psi_data;

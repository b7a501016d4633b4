-- Calibration: loan_risk.calibration_table (observed versus expected bads by group of predicted PD),
-- loan_risk.hosmer_lemeshow (statistic, df, p-value) and loan_risk.chi2_sf.

-- Worked example: 30 loans in 5 groups of 6 by predicted PD.
CREATE TABLE calib_small (pd float8, bad int);
INSERT INTO calib_small VALUES
  (0.033, 1), (0.051, 0), (0.082, 0), (0.126, 1), (0.144, 0), (0.175, 0), (0.219, 1), (0.237, 0), (0.268, 0),
  (0.312, 1), (0.33, 1), (0.361, 0), (0.405, 1), (0.423, 1), (0.454, 0), (0.498, 0), (0.516, 1), (0.547, 0),
  (0.591, 0), (0.609, 1), (0.64, 1), (0.684, 0), (0.702, 1), (0.733, 1), (0.777, 0), (0.795, 1), (0.826, 1),
  (0.87, 0), (0.888, 1), (0.919, 1);
SELECT bucket, min_pd, max_pd, count, observed, round(expected::numeric, 12) AS expected,
       round(observed_rate::numeric, 12) AS observed_rate, round(mean_pd::numeric, 12) AS mean_pd,
       round(hl_term::numeric, 12) AS hl_term
FROM unnest((SELECT loan_risk.calibration_table(pd, bad, 5) FROM calib_small));
SELECT round(statistic::numeric, 12) AS statistic, df, round(p_value::numeric, 12) AS p_value, groups
FROM (SELECT (loan_risk.hosmer_lemeshow(pd, bad, 5)).* FROM calib_small) h;

-- Recorded with NumPy 1.24.2 / SciPy 1.10.1 on the same 30 rows (sorted by pd, 5 groups of 6,
-- statistic = sum (O - E)^2 / (E (1 - E / n)), p = scipy.stats.chi2.sf(statistic, 3)):
--   statistic = 6.3280131881306065, p = 0.09669767901689978
SELECT abs(h.statistic - 6.3280131881306065) < 1e-12 AS statistic_matches,
       abs(h.p_value - 0.09669767901689978) < 1e-12 AS p_value_matches, h.df = 3 AS df
FROM (SELECT (loan_risk.hosmer_lemeshow(pd, bad::boolean, 5)).* FROM calib_small) h;

-- Against the plain-SQL definition on generated data: groups by mean rank of pd (ties kept
-- together, SAS PROC RANK GROUPS= TIES=MEAN), observed bads, expected = sum of pd, and the
-- Hosmer-Lemeshow terms.  PDs on a coarse grid make heavy ties; NULLs in both columns.
CREATE TABLE calib_data AS
SELECT i,
       CASE WHEN i % 103 = 0 THEN NULL ELSE (hashint4(i) & 1023) / 1024.0::float8 END AS pd,
       CASE WHEN i % 103 = 0 THEN NULL ELSE round(((hashint4(i) & 1023) / 1024.0)::numeric, 2)::float8 END AS pd2,
       CASE WHEN i % 89 = 0 THEN NULL ELSE (hashint4(i * 31 + 7) & 1023) < 40 + (hashint4(i) & 1023) * 0.9 END AS bad
FROM generate_series(1, 30000) i;
CREATE FUNCTION calib_sql(col text, k int)
RETURNS TABLE (bucket int, lo float8, hi float8, cnt numeric, observed numeric, expected numeric, term numeric)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH v AS (SELECT %I AS x, count(*) AS c, count(*) FILTER (WHERE bad) AS b
               FROM calib_data WHERE %I IS NOT NULL AND bad IS NOT NULL GROUP BY 1),
    r AS (SELECT x, c, b, sum(c) OVER (ORDER BY x) - c AS start, sum(c) OVER () AS n FROM v),
    k AS (SELECT floor((2 * start + c + 1) * %s / (2 * (n + 1)))::int + 1 AS bucket, x, c, b FROM r),
    g AS (SELECT k.bucket, min(x) AS lo, max(x) AS hi, sum(c) AS cnt, sum(b) AS o, sum(x::numeric * c) AS e
          FROM k GROUP BY 1)
    SELECT bucket, lo, hi, cnt, o, e,
           CASE WHEN e * (cnt - e) > 0 THEN (o - e) ^ 2 / (e * (1 - e / cnt))
                WHEN o = e THEN 0 ELSE 'Infinity' END FROM g $q$, col, col, k);
END $$;
CREATE FUNCTION calib_diff(col text, k int) RETURNS TABLE (rows bigint, mismatches bigint, hl_matches boolean)
LANGUAGE sql AS $$
  WITH a AS (SELECT c.* FROM unnest((SELECT CASE col WHEN 'pd' THEN loan_risk.calibration_table(pd, bad, k)
                                                      ELSE loan_risk.calibration_table(pd2, bad, k) END
                                     FROM calib_data)) c),
       b AS (SELECT * FROM calib_sql(col, k)),
       h AS (SELECT CASE col WHEN 'pd' THEN loan_risk.hosmer_lemeshow(pd, bad, k)
                             ELSE loan_risk.hosmer_lemeshow(pd2, bad, k) END AS r FROM calib_data)
  SELECT count(*), count(*) FILTER (WHERE a.bucket IS NULL OR b.bucket IS NULL
      OR a.min_pd <> b.lo OR a.max_pd <> b.hi OR a.count <> b.cnt OR a.observed <> b.observed
      OR abs(a.expected - b.expected) > 1e-12 * b.expected
      OR abs(a.observed_rate - b.observed / b.cnt) > 1e-12 OR abs(a.mean_pd - b.expected / b.cnt) > 1e-12
      OR NOT (a.hl_term = b.term OR abs(a.hl_term - b.term) <= 1e-9 * greatest(b.term, 1))),
    ((SELECT (r).statistic FROM h) = (SELECT sum(term) FROM b) OR
     abs((SELECT (r).statistic FROM h) - (SELECT sum(term) FROM b)) < 1e-9 * (SELECT sum(term) FROM b))
      AND (SELECT (r).df FROM h) = count(*) - 2
  FROM a FULL JOIN b USING (bucket) $$;
SELECT 'pd' AS pd, 10 AS k, * FROM calib_diff('pd', 10)
UNION ALL SELECT 'pd', 13, * FROM calib_diff('pd', 13)
UNION ALL SELECT 'pd2', 10, * FROM calib_diff('pd2', 10)
UNION ALL SELECT 'pd2', 1000, * FROM calib_diff('pd2', 1000);
-- (pd2 rounds some PDs to 0 while some of those loans are bad: that group makes the statistic infinite.)
SELECT (loan_risk.hosmer_lemeshow(pd2, bad, 1000)).statistic FROM calib_data;

-- The 0/1 overload; grouped use; _partial/_merge equal the one-pass results exactly.
SELECT loan_risk.calibration_table(pd, bad::int, 10)::text = loan_risk.calibration_table(pd, bad, 10)::text AS int_overload,
       loan_risk.hosmer_lemeshow(pd, bad::int, 10) = loan_risk.hosmer_lemeshow(pd, bad, 10) AS hl_int_overload
FROM calib_data;
SELECT i % 2 AS segment, (loan_risk.hosmer_lemeshow(pd2, bad, 10)).df,
       round((loan_risk.hosmer_lemeshow(pd2, bad, 10)).statistic::numeric, 6) AS statistic
FROM calib_data GROUP BY 1 ORDER BY 1;
SELECT loan_risk.calibration_table_merge(s)::text = (SELECT loan_risk.calibration_table(pd, bad, 10) FROM calib_data)::text AS table_merged
FROM (SELECT loan_risk.calibration_table_partial(pd, bad, 10) s FROM calib_data GROUP BY i % 3) p;
SELECT loan_risk.hosmer_lemeshow_merge(s) = (SELECT loan_risk.hosmer_lemeshow(pd, bad, 10) FROM calib_data) AS hl_merged
FROM (SELECT loan_risk.hosmer_lemeshow_partial(pd, bad::int, 10) s FROM calib_data GROUP BY i % 3) p;
SELECT loan_risk.hosmer_lemeshow_partial(pd, bad, 10)::text::loan_risk.score_dist_state::text
     = loan_risk.hosmer_lemeshow_partial(pd, bad, 10)::text AS state_round_trip FROM calib_data;

-- Boundaries: no rows or only NULLs give NULL; fewer than 3 groups leave no degrees of freedom
-- (df and p-value NULL); a group of PDs all 0 (or all 1) has no variance: its term is 0 when
-- observed equals expected, else the statistic is Infinity and the p-value 0.
SELECT loan_risk.hosmer_lemeshow(pd, bad, 10) IS NULL AS no_rows FROM calib_small WHERE false;
SELECT loan_risk.calibration_table(NULL::float8, true, 10) IS NULL AS nulls_only;
SELECT (loan_risk.hosmer_lemeshow(pd, bad, 2)).* FROM calib_small;
SELECT (loan_risk.hosmer_lemeshow(0.25, true, 10)).*;
SELECT (loan_risk.hosmer_lemeshow(pd, bad, 3)).*
FROM (VALUES (0.0, 0), (0.0, 0), (0.5, 1), (0.5, 0), (1.0, 1), (1.0, 1)) v(pd, bad);
SELECT (loan_risk.hosmer_lemeshow(pd, bad, 3)).*
FROM (VALUES (0.0, 1), (0.0, 0), (0.5, 1), (0.5, 0), (1.0, 1), (1.0, 1)) v(pd, bad);
SELECT bucket, count, observed, expected, hl_term FROM unnest((
  SELECT loan_risk.calibration_table(pd, bad, 3)
  FROM (VALUES (0.0, 1), (0.0, 0), (0.5, 1), (0.5, 0), (1.0, 1), (1.0, 1)) v(pd, bad)));

-- A PD outside [0, 1] (or NaN) is an error; -0 is 0.
SELECT loan_risk.calibration_table(pd, true, 10) FROM (VALUES (1.5::float8)) v(pd);
SELECT loan_risk.hosmer_lemeshow(pd, true, 10) FROM (VALUES ('NaN'::float8)) v(pd);
SELECT loan_risk.hosmer_lemeshow(pd, 1, 10) FROM (VALUES ('-Infinity'::float8)) v(pd);
SELECT loan_risk.calibration_table(pd, 1, 10) FROM (VALUES (-0.001::float8)) v(pd);
SELECT (unnest(loan_risk.calibration_table('-0'::float8, false, 10))).count;
SELECT loan_risk.hosmer_lemeshow(0.5, 2, 10);
SELECT loan_risk.hosmer_lemeshow(0.5, true, 0);

-- chi2_sf against SciPy 1.10.1 scipy.stats.chi2.sf(x, df), relative error below 1e-12.
SELECT x, df, abs(loan_risk.chi2_sf(x, df) - ref) / ref < 1e-12 AS matches_scipy
FROM (VALUES (0.0001, 1, 0.9920212873707368), (3.841458820694124, 1, 0.04999999999999989),
             (0.5, 2, 0.7788007830714049), (6.3280131881306065, 3, 0.09669767901689978),
             (15.507313055865453, 8, 0.050000000000000024), (2.7, 8, 0.9517520094125196),
             (20, 8, 0.010336050675925726), (100, 8, 4.269159205144943e-18), (300, 8, 4.117794754094997e-60),
             (7.5, 10, 0.6775476361045434), (35.2, 18, 0.008919218755441473), (0.001, 30, 1.0),
             (29.3, 30, 0.5018809692177278), (80, 30, 1.9756232434910563e-06), (150, 100, 0.0009039320423540184),
             (1000, 1000, 0.49405285382923964), (1100, 1000, 0.014614408126295192),
             (9000, 9998, 0.9999999999998587), (10200, 9998, 0.077267167775878),
             (0.3, 0.5, 0.3331718023153565), (4.2, 2.5, 0.17784721275640755)) v(x, df, ref);
-- Edges: P(X > 0) = 1, P(X > Infinity) = 0, negative x gives 1 (as SciPy), NaN gives NaN; the
-- degrees of freedom must be positive and finite.
SELECT loan_risk.chi2_sf(0, 3) AS at_zero, loan_risk.chi2_sf('Infinity', 3) AS at_infinity,
       loan_risk.chi2_sf(-1, 3) AS negative, loan_risk.chi2_sf('NaN', 3) AS nan,
       loan_risk.chi2_sf(NULL, 3) IS NULL AS null_arg;
SELECT loan_risk.chi2_sf(1, 0);
SELECT loan_risk.chi2_sf(1, -2);
SELECT loan_risk.chi2_sf(1, 'Infinity');
SELECT loan_risk.chi2_sf(1, 'NaN');

-- Parallel equals serial.
ALTER TABLE calib_data SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.hosmer_lemeshow(pd, bad, 10) FROM calib_data;
SELECT loan_risk.hosmer_lemeshow(pd, bad, 10)::text AS h, loan_risk.calibration_table(pd2, bad, 10)::text AS c
FROM calib_data \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT :'par_h' = loan_risk.hosmer_lemeshow(pd, bad, 10)::text AS hl_parallel_equals_serial,
       :'par_c' = loan_risk.calibration_table(pd2, bad, 10)::text AS table_parallel_equals_serial
FROM calib_data;

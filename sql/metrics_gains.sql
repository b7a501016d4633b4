-- loan_risk.gains_table: gains / lift / KS table over n equal-frequency buckets of risk,
-- riskiest bucket first, as an array of loan_risk.gains_row to unnest.

-- Worked example: ten loans, five buckets.
SELECT (unnest(loan_risk.gains_table(risk, bad, 5))).*
FROM (VALUES (0.91, true), (0.85, true), (0.80, false), (0.62, true), (0.55, false),
             (0.40, false), (0.33, true), (0.20, false), (0.12, false), (0.05, false)) v(risk, bad);

-- Ties are never split: a tie group goes to the bucket of its mean rank r, floor(r k / (n + 1)) + 1
-- (SAS PROC RANK GROUPS= TIES=MEAN).  Risks 9, 8, 8, 8, 7, 6, 5, 4, 3, 2 in 5 buckets: mean ranks
-- 1, 3 (for the three 8s), 5, 6, 7, 8, 9, 10 -> buckets 1, 2, 3, 3, 4, 4, 5, 5: sizes 1, 3, 2, 2, 2.
SELECT bucket, min_risk, max_risk, count, bads
FROM unnest((SELECT loan_risk.gains_table(risk, bad, 5)
             FROM (VALUES (9, 1), (8, 0), (8, 1), (8, 0), (7, 0), (6, 1), (5, 0), (4, 0), (3, 0), (2, 0)) v(risk, bad)));

-- More buckets than distinct values: empty buckets have no row, so numbers skip.
SELECT bucket, min_risk, count FROM unnest((SELECT loan_risk.gains_table(risk, true, 10)
                                            FROM (VALUES (1), (2), (3)) v(risk)));

-- The usual SQL forms: one statement per segment with GROUP BY, or LATERAL.
CREATE TABLE gains_data AS
SELECT i,
       CASE WHEN i % 101 = 0 THEN NULL ELSE (300 + (hashint4(i) & 255))::float8 END AS pts,
       (hashint4(i * 3) & 1048575) / 1048576.0::float8 AS pd,
       CASE WHEN i % 83 = 0 THEN NULL ELSE (hashint4(i * 31 + 7) & 1023) < 100 + (255 - (hashint4(i) & 255)) * 3 END AS bad
FROM generate_series(1, 30000) i;
SELECT i % 2 AS segment, (unnest(loan_risk.gains_table(-pts, bad, 4))).bucket,
       round((unnest(loan_risk.gains_table(-pts, bad, 4))).ks::numeric, 6) AS ks
FROM gains_data GROUP BY 1 ORDER BY 1, 2;
SELECT s.segment, g.bucket, g.count, g.bads, round(g.cum_bads_share::numeric, 6) AS capture
FROM (SELECT i % 2 AS segment, loan_risk.gains_table(-pts, bad, 4) AS t FROM gains_data GROUP BY 1) s,
     LATERAL unnest(s.t) g ORDER BY 1, 2;

-- Against the plain-SQL definition (mean-rank buckets by window functions, in numeric), for
-- integer points with heavy ties and for a continuous PD; every column, to 1e-12.
CREATE FUNCTION gains_sql(col text, k int)
RETURNS TABLE (bucket int, min_risk float8, max_risk float8, count numeric, bads numeric, bad_rate numeric,
               cum_count_share numeric, cum_bads_share numeric, cum_goods_share numeric, cum_bad_rate numeric,
               lift numeric, cum_lift numeric, ks numeric)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH v AS (SELECT %I AS x, count(*) AS c, count(*) FILTER (WHERE bad) AS b
               FROM gains_data WHERE %I IS NOT NULL AND bad IS NOT NULL GROUP BY 1),
    r AS (SELECT x, c, b, sum(c) OVER (ORDER BY x DESC) - c AS start, sum(c) OVER () AS n FROM v),
    k AS (SELECT floor((2 * start + c + 1) * %s / (2 * (n + 1)))::int + 1 AS bucket, x, c, b FROM r),
    bk AS (SELECT k.bucket, min(x) AS lo, max(x) AS hi, sum(c) AS cnt, sum(b) AS bads FROM k GROUP BY 1),
    cu AS (SELECT bk.*, sum(cnt) OVER w AS cc, sum(bk.bads) OVER w AS cb,
                  sum(cnt) OVER () AS n, sum(bk.bads) OVER () AS tb
           FROM bk WINDOW w AS (ORDER BY bk.bucket))
    SELECT bucket, lo, hi, cnt, bads, bads / cnt, cc / n, cb / tb, (cc - cb) / (n - tb), cb / cc,
           (bads / cnt) / (tb / n), (cb / cc) / (tb / n), cb / tb - (cc - cb) / (n - tb)
    FROM cu $q$, col, col, k);
END $$;
CREATE FUNCTION gains_diff(col text, k int) RETURNS TABLE (rows bigint, mismatches bigint) LANGUAGE sql AS $$
  WITH a AS (SELECT g.* FROM unnest((SELECT CASE col WHEN 'pts' THEN loan_risk.gains_table(pts, bad, k)
                                                      ELSE loan_risk.gains_table(pd, bad, k) END
                                     FROM gains_data)) g),
       b AS (SELECT * FROM gains_sql(col, k))
  SELECT count(*), count(*) FILTER (WHERE a.bucket IS NULL OR b.bucket IS NULL
      OR a.min_risk <> b.min_risk OR a.max_risk <> b.max_risk OR a.count <> b.count OR a.bads <> b.bads
      OR abs(a.bad_rate - b.bad_rate) > 1e-12 OR abs(a.cum_count_share - b.cum_count_share) > 1e-12
      OR abs(a.cum_bads_share - b.cum_bads_share) > 1e-12 OR abs(a.cum_goods_share - b.cum_goods_share) > 1e-12
      OR abs(a.cum_bad_rate - b.cum_bad_rate) > 1e-12 OR abs(a.lift - b.lift) > 1e-12
      OR abs(a.cum_lift - b.cum_lift) > 1e-12 OR abs(a.ks - b.ks) > 1e-12)
  FROM a FULL JOIN b USING (bucket) $$;
SELECT 'pts' AS risk, 10 AS k, * FROM gains_diff('pts', 10)
UNION ALL SELECT 'pts', 7, * FROM gains_diff('pts', 7)
UNION ALL SELECT 'pts', 1000, * FROM gains_diff('pts', 1000)
UNION ALL SELECT 'pd', 10, * FROM gains_diff('pd', 10)
UNION ALL SELECT 'pd', 20, * FROM gains_diff('pd', 20);

-- With distinct values and n a multiple of k the buckets are exactly ntile(k).
CREATE TABLE gains_distinct AS SELECT i, bad FROM gains_data WHERE bad IS NOT NULL ORDER BY i LIMIT 8 * 2900;
SELECT count(*) AS rows, count(*) FILTER (WHERE g.bucket <> t.bucket OR g.count <> t.cnt OR g.bads <> t.bads) AS mismatches
FROM unnest((SELECT loan_risk.gains_table(i::float8, bad, 8) FROM gains_distinct)) g
JOIN (SELECT nt AS bucket, count(*) AS cnt, count(*) FILTER (WHERE bad) AS bads
      FROM (SELECT ntile(8) OVER (ORDER BY i DESC) AS nt, bad FROM gains_distinct) x GROUP BY nt) t USING (bucket);

-- The largest KS of the table is at most the exact KS, and equal with one bucket per value.
SELECT max(abs(g.ks)) <= (SELECT loan_risk.ks(pts, bad) FROM gains_data) AS table_ks_at_most_exact
FROM unnest((SELECT loan_risk.gains_table(pts, bad, 10) FROM gains_data)) g;
SELECT max(abs(g.ks)) = (SELECT loan_risk.ks(pts, bad) FROM gains_data) AS ks_with_all_buckets
FROM unnest((SELECT loan_risk.gains_table(pts, bad, 10000) FROM gains_data)) g;

-- 0/1 outcome overload; NULLs skipped; no rows gives NULL; one class gives NULL shares, not errors.
SELECT loan_risk.gains_table(pts, bad::int, 10)::text = loan_risk.gains_table(pts, bad, 10)::text AS int_overload
FROM gains_data;
SELECT loan_risk.gains_table(risk, bad, 3) IS NULL AS no_rows FROM (SELECT 1.0::float8, true) v(risk, bad) WHERE false;
SELECT loan_risk.gains_table(NULL::float8, true, 3) IS NULL AS nulls_only;
SELECT (unnest(loan_risk.gains_table(risk, false, 2))).* FROM generate_series(1, 4) risk;
SELECT (unnest(loan_risk.gains_table(risk, 1, 2))).* FROM generate_series(1, 4) risk;
SELECT (unnest(loan_risk.gains_table(0.5, true, 10))).*;

-- NaN is the highest risk, +Infinity next; -Infinity the lowest.
SELECT bucket, min_risk, max_risk, count, bads FROM unnest((SELECT loan_risk.gains_table(risk, bad, 3)
  FROM (VALUES ('NaN'::float8, true), ('Infinity', false), ('-Infinity', false), ('1', true), ('-0', false), ('0', true)) v(risk, bad)));

-- Errors: the number of buckets is 1 to 10000, not NULL, the same for every row of a group.
SELECT loan_risk.gains_table(0.5, true, 0);
SELECT loan_risk.gains_table(0.5, true, 10001);
SELECT loan_risk.gains_table(0.5, true, NULL);
SELECT loan_risk.gains_table(pd, bad, 5 + i % 2) FROM gains_data;
SELECT loan_risk.gains_table(0.5, 3, 10);

-- _partial / _merge: exactly the one-pass table; states of different bucket counts do not mix.
SELECT loan_risk.gains_table_merge(s)::text = (SELECT loan_risk.gains_table(pd, bad, 10) FROM gains_data)::text AS merged
FROM (SELECT loan_risk.gains_table_partial(pd, bad, 10) s FROM gains_data GROUP BY i % 4) p;
SELECT loan_risk.gains_table_merge(s)::text = (SELECT loan_risk.gains_table(pts, bad, 10) FROM gains_data)::text AS merged_int
FROM (SELECT loan_risk.gains_table_partial(pts, bad::int, 10) s FROM gains_data GROUP BY i % 4) p;
SELECT loan_risk.gains_table_partial(pd, bad, 10)::text::loan_risk.score_dist_state::text
     = loan_risk.gains_table_partial(pd, bad, 10)::text AS state_round_trip FROM gains_data;
SELECT loan_risk.gains_table_merge(s) FROM (
  SELECT loan_risk.gains_table_partial(pd, bad, 10) s FROM gains_data
  UNION ALL SELECT loan_risk.gains_table_partial(pd, bad, 5) FROM gains_data) p;
SELECT loan_risk.gains_table_merge(s) FROM (SELECT loan_risk.auc_partial(pd, bad) s FROM gains_data) p;
-- A state of an AUC mixes with a gains state (it has no bucket count of its own).
SELECT loan_risk.gains_table_merge(s)::text = (SELECT loan_risk.gains_table(pd, bad, 10) FROM gains_data)::text AS mixed
FROM (SELECT loan_risk.auc_partial(pd, bad) s FROM gains_data WHERE i % 2 = 0
      UNION ALL SELECT loan_risk.gains_table_partial(pd, bad, 10) FROM gains_data WHERE i % 2 = 1) p;

-- Parallel equals serial.
ALTER TABLE gains_data SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.gains_table(pd, bad, 10) FROM gains_data;
SELECT loan_risk.gains_table(pd, bad, 10)::text AS g FROM gains_data \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT :'par_g' = loan_risk.gains_table(pd, bad, 10)::text AS parallel_equals_serial FROM gains_data;

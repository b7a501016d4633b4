-- The score distribution state past its batch sizes: 200,000 rows of a continuous PD (sorted
-- batches merged level by level) and of tied points, serial, parallel and merged from parts.

CREATE TABLE large_data AS
SELECT i,
       ((hashint4(i) & 2147483647) / 2147483648.0::float8) ^ 2 AS pd,
       (300 + (hashint4(i * 3 + 1) & 511))::float8 AS pts,
       (hashint4(i * 7 + 3) & 65535) / 65536.0 < 0.02 + 0.5 * ((hashint4(i) & 2147483647) / 2147483648.0::float8) ^ 2 AS bad
FROM generate_series(1, 200000) i;

-- AUC from counts per distinct value, summed in numeric in SQL: sum b (2 g_below + g) / (2 G B);
-- KS after each distinct value.
CREATE FUNCTION large_ref(col text, OUT auc numeric, OUT ks numeric) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    WITH v AS (SELECT %I AS x, count(*) FILTER (WHERE bad)::numeric AS b, count(*) FILTER (WHERE NOT bad)::numeric AS g
               FROM large_data GROUP BY 1),
    c AS (SELECT b, g, sum(g) OVER w - g AS below, sum(g) OVER w AS cg, sum(b) OVER w AS cb,
                 sum(g) OVER () AS tg, sum(b) OVER () AS tb FROM v WINDOW w AS (ORDER BY x))
    SELECT sum(b * (2 * below + g)) / (2 * max(tg) * max(tb)), max(abs(cb / tb - cg / tg)) FROM c $q$, col)
  INTO auc, ks;
END $$;
SELECT count(DISTINCT pd) > 195000 AS mostly_distinct FROM large_data;
SELECT abs(loan_risk.auc(pd, bad) - (large_ref('pd')).auc) < 1e-12 AS auc_pd,
       abs(loan_risk.ks(pd, bad) - (large_ref('pd')).ks) < 1e-12 AS ks_pd,
       abs(loan_risk.auc(pts, bad) - (large_ref('pts')).auc) < 1e-12 AS auc_pts,
       abs(loan_risk.ks(pts, bad) - (large_ref('pts')).ks) < 1e-12 AS ks_pts
FROM large_data;

-- Parts merged in any grouping give the same bits; the big state round-trips through text.
SELECT loan_risk.auc_merge(s) = (SELECT loan_risk.auc(pd, bad) FROM large_data) AS merged_7,
       loan_risk.ks_merge(s) = (SELECT loan_risk.ks(pd, bad) FROM large_data) AS ks_merged_7
FROM (SELECT loan_risk.auc_partial(pd, bad) s FROM large_data GROUP BY i % 7) p;
SELECT loan_risk.auc_merge(s) = (SELECT loan_risk.auc(pd, bad) FROM large_data) AS merged_20
FROM (SELECT loan_risk.auc_partial(pd, bad) s FROM large_data GROUP BY i % 20) p;
SELECT length(s::text) > 2000000 AS big_state, s::text::loan_risk.score_dist_state::text = s::text AS round_trip
FROM (SELECT loan_risk.auc_partial(pd, bad) s FROM large_data) p;
SELECT loan_risk.gains_table_merge(s)::text = (SELECT loan_risk.gains_table(pd, bad, 10) FROM large_data)::text AS gains_merged
FROM (SELECT loan_risk.gains_table_partial(pd, bad, 10) s FROM large_data GROUP BY i % 3) p;

-- Parallel equals serial, bit for bit.
ALTER TABLE large_data SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.auc(pd, bad) FROM large_data;
SELECT loan_risk.auc(pd, bad) AS a, loan_risk.ks(pd, bad) AS k, loan_risk.auc(pts, bad) AS ap,
       loan_risk.psi(pd, i % 2 = 0, 10) AS p, loan_risk.gains_table(pd, bad, 10)::text AS g
FROM large_data \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT :par_a = loan_risk.auc(pd, bad) AS auc_parallel_equals_serial,
       :par_k = loan_risk.ks(pd, bad) AS ks_parallel_equals_serial,
       :par_ap = loan_risk.auc(pts, bad) AS auc_pts_parallel_equals_serial,
       :par_p = loan_risk.psi(pd, i % 2 = 0, 10) AS psi_parallel_equals_serial,
       :'par_g' = loan_risk.gains_table(pd, bad, 10)::text AS gains_parallel_equals_serial
FROM large_data;

-- Many small groups: one state each.
SELECT count(*) AS groups, count(*) FILTER (WHERE a IS NOT NULL) AS with_auc
FROM (SELECT i % 20000 AS g, loan_risk.auc(pts, bad) AS a FROM large_data GROUP BY 1) x;
